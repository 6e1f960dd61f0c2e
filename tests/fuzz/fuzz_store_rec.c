/* fuzz_store_rec.c: the Conductor's records as DynamoDB gives them back (processes, history,
 * request ids, users, in the attribute-value JSON of GetItem and Query) and its RFC 3339 time
 * reader. The first byte picks the reader; what a reader takes must write back as an item it
 * takes again, unchanged. */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "conductor.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

enum kind { K_PROC, K_HIST, K_REQ, K_USER, K_TIME, K_NKINDS };

/* One record of any kind. */
union rec {
	struct proc_rec p;
	struct hist_rec h;
	struct req_rec r;
	struct user_rec u;
};

/* Reads item as a record of kind k. */
static int
rec_read(enum kind k, fg_json item, union rec *r, char **err)
{
	switch (k) {
	case K_PROC:
		return proc_rec_read(item, &r->p, err);
	case K_HIST:
		return hist_rec_read(item, &r->h, err);
	case K_REQ:
		return req_rec_read(item, &r->r, err);
	default:
		return user_rec_read(item, &r->u, err);
	}
}

/* Adds the "ver" attribute (the store writes it apart from the record). */
static void
av_ver(struct fg_jw *w, int64_t ver)
{
	char *s = fg_printf("%lld", (long long)ver);

	fg_jw_key(w, "ver");
	fg_jw_obj(w);
	fg_jw_kstr(w, "N", s);
	fg_jw_end_obj(w);
	free(s);
}

/* Writes a record as an item's text, "ver" included; caller frees. */
static char *
rec_write(enum kind k, const union rec *r)
{
	struct fg_jw w;
	char *s;

	fg_jw_init(&w, 0);
	fg_jw_obj(&w);
	switch (k) {
	case K_PROC:
		proc_rec_write(&w, &r->p);
		av_ver(&w, r->p.ver);
		break;
	case K_HIST:
		hist_rec_write(&w, &r->h);
		break;
	case K_REQ:
		req_rec_write(&w, &r->r);
		break;
	default:
		user_rec_write(&w, &r->u);
		av_ver(&w, r->u.ver);
		break;
	}
	fg_jw_end_obj(&w);
	s = fg_jw_detach(&w);
	fg_jw_free(&w);
	return s;
}

/* Frees a record. */
static void
rec_free(enum kind k, union rec *r)
{
	switch (k) {
	case K_PROC:
		proc_rec_free(&r->p);
		break;
	case K_HIST:
		hist_rec_free(&r->h);
		break;
	case K_REQ:
		req_rec_free(&r->r);
		break;
	default:
		user_rec_free(&r->u);
		break;
	}
}

/* A time that parses must format and parse back to the same instant. */
static void
time_round_trip(const uint8_t *data, size_t size)
{
	char *s = fg_strndup((const char *)data, size), out[32];
	int64_t ms, back;

	if (rfc3339_parse(s, &ms) == 0) {
		rfc3339_format(ms, out);
		if (rfc3339_parse(out, &back) != 0 || back != ms)
			abort();
	}
	free(s);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	enum kind k;
	union rec r, again;
	char *err = NULL, *once, *twice;
	fg_json item, back;

	if (size < 1)
		return 0;
	k = (enum kind)(data[0] % K_NKINDS);
	if (k == K_TIME) {
		time_round_trip(data + 1, size - 1);
		return 0;
	}
	if ((item = fg_json_parse((const char *)data + 1, size - 1, &err)) == NULL) {
		free(err);
		return 0;
	}
	if (rec_read(k, item, &r, &err) != 0) {
		if (err == NULL)
			abort();
		free(err);
		fg_json_free(item);
		return 0;
	}
	once = rec_write(k, &r);
	if ((back = fg_json_parse(once, strlen(once), &err)) == NULL ||
	    rec_read(k, back, &again, &err) != 0)
		abort(); /* a record written is not read back */
	twice = rec_write(k, &again);
	if (strcmp(once, twice) != 0)
		abort();
	rec_free(k, &r);
	rec_free(k, &again);
	free(once);
	free(twice);
	fg_json_free(back);
	fg_json_free(item);
	return 0;
}
