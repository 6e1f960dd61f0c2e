/* store.c: the state directory: a lock, one JSON file per service loaded at start and written
 * atomically (temp file, fsync, rename, fsync of the directory) shortly after each change. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lc.h"

/* Writes a whole file atomically: a crash leaves the old file or the new one, never a torn one. */
int
lc_write_atomic(const char *path, const void *data, size_t len, char **err)
{
	char *tmp = fg_printf("%s.tmp", path);
	char *dir = fg_strdup(path);
	char *slash = strrchr(dir, '/');
	const char *p = data;
	int fd, dfd, rc = -1;

	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0) {
		*err = fg_printf("cannot create %s: %s", tmp, strerror(errno));
		goto out;
	}
	while (len > 0) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			*err = fg_printf("cannot write %s: %s", tmp, strerror(errno));
			close(fd);
			unlink(tmp);
			goto out;
		}
		p += n;
		len -= (size_t)n;
	}
	if (fsync(fd) != 0 || close(fd) != 0) {
		*err = fg_printf("cannot write %s: %s", tmp, strerror(errno));
		unlink(tmp);
		goto out;
	}
	if (rename(tmp, path) != 0) {
		*err = fg_printf("cannot rename %s to %s: %s", tmp, path, strerror(errno));
		unlink(tmp);
		goto out;
	}
	if (slash)
		*slash = '\0';
	dfd = open(slash ? (*dir ? dir : "/") : ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd >= 0) {
		fsync(dfd);
		close(dfd);
	}
	rc = 0;
out:
	free(tmp);
	free(dir);
	return rc;
}

/* Reads a whole file into b; 1 when it does not exist. */
int
lc_read_file(const char *path, struct fg_buf *b, char **err)
{
	char chunk[65536];
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0 && errno == ENOENT)
		return 1;
	if (fd < 0) {
		*err = fg_printf("cannot open %s: %s", path, strerror(errno));
		return -1;
	}
	for (;;) {
		ssize_t n = read(fd, chunk, sizeof(chunk));

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			*err = fg_printf("cannot read %s: %s", path, strerror(errno));
			close(fd);
			return -1;
		}
		if (n == 0)
			break;
		fg_buf_add(b, chunk, (size_t)n);
	}
	close(fd);
	fg_buf_add(b, "", 0);
	return 0;
}

/* The state file of a service. */
static char *
state_path(const struct lc_server *srv, const struct lc_service *svc)
{
	return fg_printf("%s/%s.json", srv->dir, svc->name);
}

/* Loads one service's file, if there is one. */
static int
load_service(struct lc_server *srv, size_t i, char **err)
{
	const struct lc_service *svc = lc_services[i];
	char *path = state_path(srv, svc), *e = NULL;
	struct fg_buf b;
	fg_json v = NULL;
	int rc;

	fg_buf_init(&b);
	rc = lc_read_file(path, &b, &e);
	if (rc == 0) {
		v = fg_json_parse(b.data, b.len, &e);
		rc = v == NULL || svc->load(srv->states[i], v, &e) != 0 ? -1 : 0;
	}
	if (rc < 0)
		*err = fg_printf("%s: %s", path, e);
	free(e);
	fg_json_free(v);
	fg_buf_free(&b);
	free(path);
	return rc < 0 ? -1 : 0;
}

/* Saves changed services now. */
void
lc_store_flush(struct lc_server *srv)
{
	static struct log_limit lim = LOG_LIMIT_INIT(10000);

	uint64_t t0 = fg_mono_ms();

	if (srv->dir == NULL)
		return;
	for (size_t i = 0; i < lc_nservices; i++) {
		const struct lc_service *svc = lc_services[i];
		struct fg_jw jw;
		char *path, *err = NULL;

		if (!srv->dirty[i] || svc->save == NULL)
			continue;
		fg_jw_init(&jw, 0);
		svc->save(srv->states[i], &jw);
		path = state_path(srv, svc);
		if (lc_write_atomic(path, jw.out.data, jw.out.len, &err) == 0)
			srv->dirty[i] = 0;
		else {
			log_warnx_limited(&lim, "cannot save %s state: %s", svc->name, err);
			free(err);
			fg_timer_add(srv->save_timer, 1000);
		}
		free(path);
		fg_jw_free(&jw);
	}
	srv->save_cost_ms = fg_mono_ms() - t0;
}

/* Debounce timer: saves what changed. */
static void
save_due(void *arg)
{
	lc_store_flush(arg);
}

/* Marks a service's state as changed: it is saved after LC_SAVE_DEBOUNCE_MS, or after ten
 * times what the last save took (so saving large states takes at most a tenth of the time),
 * but never later than LC_SAVE_MAX_DELAY_MS. */
void
lc_changed(struct lc_server *srv, const struct lc_service *svc)
{
	uint64_t delay = srv->save_cost_ms * 10;

	if (srv->dir == NULL)
		return;
	for (size_t i = 0; i < lc_nservices; i++)
		if (lc_services[i] == svc)
			srv->dirty[i] = 1;
	if (delay < LC_SAVE_DEBOUNCE_MS)
		delay = LC_SAVE_DEBOUNCE_MS;
	if (delay > LC_SAVE_MAX_DELAY_MS)
		delay = LC_SAVE_MAX_DELAY_MS;
	if (!fg_timer_pending(srv->save_timer))
		fg_timer_add(srv->save_timer, delay);
}

/* Creates and locks the state directory and loads every service's file. */
int
lc_store_open(struct lc_server *srv, char **err)
{
	char *lock;

	srv->lockfd = -1;
	srv->save_timer = fg_timer_new(srv->loop, save_due, srv);
	if (srv->dir == NULL)
		return 0;
	if (mkdir(srv->dir, 0700) != 0 && errno != EEXIST) {
		*err = fg_printf("cannot create the state directory %s: %s", srv->dir,
		    strerror(errno));
		return -1;
	}
	lock = fg_printf("%s/lock", srv->dir);
	srv->lockfd = open(lock, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (srv->lockfd < 0 || flock(srv->lockfd, LOCK_EX | LOCK_NB) != 0) {
		*err = errno == EWOULDBLOCK ?
		    fg_printf("the state directory %s is in use by another fugue-localcloud", srv->dir) :
		    fg_printf("cannot lock %s: %s", lock, strerror(errno));
		free(lock);
		return -1;
	}
	free(lock);
	for (size_t i = 0; i < lc_nservices; i++)
		if (lc_services[i]->load && load_service(srv, i, err) != 0)
			return -1;
	return 0;
}

/* Saves what is left and releases the directory. */
void
lc_store_close(struct lc_server *srv)
{
	lc_store_flush(srv);
	fg_timer_free(srv->save_timer);
	srv->save_timer = NULL;
	if (srv->lockfd >= 0)
		close(srv->lockfd);
	srv->lockfd = -1;
}
