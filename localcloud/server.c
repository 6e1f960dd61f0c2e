/* server.c: a localcloud server: its keys, services' states, store, faults and listener. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "lc.h"

/* Creates a server listening on cfg->bind:cfg->port with the state and configuration given. */
struct lc_server *
lc_server_new(struct fg_loop *loop, const struct lc_config *cfg, char **err)
{
	struct lc_server *srv = fg_calloc(1, sizeof(*srv));

	srv->loop = loop;
	srv->lockfd = -1;
	srv->bind = fg_strdup(cfg->bind ? cfg->bind : "127.0.0.1");
	srv->port = cfg->port;
	srv->dir = cfg->memory || cfg->data_dir == NULL ? NULL : fg_strdup(cfg->data_dir);
	srv->started_ms = fg_wall_ms();
	lc_key_add(srv, LC_DEFAULT_ACCESS_KEY, LC_DEFAULT_SECRET_KEY, LC_DEFAULT_ACCOUNT,
	    LC_DEFAULT_USER_ARN, LC_DEFAULT_USER_ID);
	srv->states = fg_calloc(lc_nservices + 1, sizeof(*srv->states));
	srv->dirty = fg_calloc(lc_nservices + 1, 1);
	for (size_t i = 0; i < lc_nservices; i++)
		srv->states[i] = lc_services[i]->create ? lc_services[i]->create(srv) : NULL;
	if ((cfg->config_file && lc_config_load(srv, cfg->config_file, err) != 0) ||
	    lc_store_open(srv, err) != 0 ||
	    (srv->http = lc_http_new(srv, srv->bind, cfg->port, err)) == NULL) {
		lc_server_free(srv);
		return NULL;
	}
	srv->port = lc_http_port(srv->http);
	return srv;
}

/* Saves state, answers what waits, and frees the server. */
void
lc_server_free(struct lc_server *srv)
{
	if (srv == NULL)
		return;
	lc_run_delayed(srv);
	lc_store_close(srv);
	for (size_t i = 0; i < lc_nservices; i++)
		if (lc_services[i]->destroy)
			lc_services[i]->destroy(srv->states[i]);
	lc_http_free(srv->http);
	lc_keys_free(srv);
	lc_faults_free(srv);
	lc_counters_free(srv);
	free(srv->states);
	free(srv->dirty);
	free(srv->bind);
	free(srv->dir);
	free(srv);
}

/* The port the server listens on. */
int
lc_server_port(const struct lc_server *srv)
{
	return srv->port;
}

/* The loop the server runs on. */
struct fg_loop *
lc_server_loop(struct lc_server *srv)
{
	return srv->loop;
}

/* The state directory, or NULL when nothing is kept. */
const char *
lc_data_dir(const struct lc_server *srv)
{
	return srv->dir;
}

/* The state of the service with this name, or NULL. */
void *
lc_service_state(struct lc_server *srv, const char *name)
{
	for (size_t i = 0; i < lc_nservices; i++)
		if (strcmp(lc_services[i]->name, name) == 0)
			return srv->states[i];
	return NULL;
}

/* The key record of an access key, or NULL. */
const struct lc_key *
lc_find_key(const struct lc_server *srv, const char *ak)
{
	for (size_t i = 0; ak && i < srv->nkeys; i++)
		if (strcmp(srv->keys[i].access_key, ak) == 0)
			return &srv->keys[i];
	return NULL;
}
