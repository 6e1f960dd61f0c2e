/* s3_store.c: S3 buckets and objects. Bodies live in DIR/s3/<id> files, written to a
 * temporary name and renamed (a crash of localcloud never leaves a torn body); the metadata is
 * saved with the rest of the state. A replaced body's file is removed only once the saved
 * state no longer names it. With --memory the bodies stay in memory. */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "s3.h"
#include "sigv4.h"

/* The directory of body files, or NULL in memory. */
static char *
body_dir(struct s3_state *st)
{
	const char *d = lc_data_dir(st->srv);

	return d ? fg_printf("%s/s3", d) : NULL;
}

/* The bucket called name, or NULL. */
struct s3_bucket *
s3_bucket_find(struct s3_state *st, const char *name)
{
	for (size_t i = 0; name && i < st->n; i++)
		if (strcmp(st->b[i]->name, name) == 0)
			return st->b[i];
	return NULL;
}

/* Adds an empty bucket, keeping the list sorted. */
struct s3_bucket *
s3_bucket_add(struct s3_state *st, const char *name, const char *region)
{
	struct s3_bucket *b = fg_calloc(1, sizeof(*b));
	size_t at = 0;

	b->name = fg_strdup(name);
	b->region = fg_strdup(region);
	b->created_ms = fg_wall_ms();
	fg_headers_init(&b->tags);
	while (at < st->n && strcmp(st->b[at]->name, name) < 0)
		at++;
	st->b = fg_realloc(st->b, (st->n + 1) * sizeof(*st->b));
	memmove(&st->b[at + 1], &st->b[at], (st->n - at) * sizeof(*st->b));
	st->b[at] = b;
	st->n++;
	return b;
}

/* Queues a body file for removal once no saved state names it. */
static void
discard_file(struct s3_state *st, char *file)
{
	if (file == NULL)
		return;
	st->garbage = fg_realloc(st->garbage, (st->ngarbage + 1) * sizeof(*st->garbage));
	st->garbage[st->ngarbage++] = file;
}

/* Frees an object (its body file is queued for removal when discard). */
static void
object_free(struct s3_state *st, struct s3_object *o, int discard)
{
	free(o->key);
	fg_headers_free(&o->headers);
	fg_buf_free(&o->body);
	if (discard)
		discard_file(st, o->file);
	else
		free(o->file);
	free(o);
}

/* Frees a bucket and its objects. */
static void
bucket_free(struct s3_state *st, struct s3_bucket *b, int discard)
{
	for (size_t i = 0; i < b->nobj; i++)
		object_free(st, b->obj[i], discard);
	free(b->obj);
	free(b->name);
	free(b->region);
	free(b->versioning);
	free(b->policy);
	fg_headers_free(&b->tags);
	free(b);
}

/* Removes a bucket (it must be empty for DeleteBucket; the caller checks). */
void
s3_bucket_remove(struct s3_state *st, struct s3_bucket *b)
{
	for (size_t i = 0; i < st->n; i++)
		if (st->b[i] == b) {
			memmove(&st->b[i], &st->b[i + 1], (st->n - i - 1) * sizeof(*st->b));
			st->n--;
			break;
		}
	bucket_free(st, b, 1);
}

/* Binary search for key; *at is its place. */
struct s3_object *
s3_object_find(const struct s3_bucket *b, const char *key, size_t *at)
{
	size_t lo = 0, hi = b->nobj;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		int r = strcmp(b->obj[mid]->key, key);

		if (r == 0) {
			if (at)
				*at = mid;
			return b->obj[mid];
		}
		if (r < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (at)
		*at = lo;
	return NULL;
}

/* Writes a body file: a temporary name, then rename. Returns the file name or NULL. */
static char *
write_body(struct s3_state *st, const void *body, size_t len, char **err)
{
	char *dir = body_dir(st), *path, *tmp, id[37];
	int fd;
	ssize_t n;
	size_t done = 0;

	lc_uuid(id);
	if (mkdir(dir, 0700) < 0 && errno != EEXIST) {
		*err = fg_printf("mkdir %s: %s", dir, strerror(errno));
		free(dir);
		return NULL;
	}
	path = fg_printf("%s/%s", dir, id);
	tmp = fg_printf("%s/.tmp-%s", dir, id);
	free(dir);
	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600)) < 0)
		goto fail;
	while (done < len) {
		if ((n = write(fd, (const char *)body + done, len - done)) < 0) {
			if (errno == EINTR)
				continue;
			close(fd);
			goto fail;
		}
		done += (size_t)n;
	}
	if (close(fd) < 0 || rename(tmp, path) < 0)
		goto fail;
	free(tmp);
	free(path);
	return fg_strdup(id);
fail:
	*err = fg_printf("writing %s: %s", tmp, strerror(errno));
	unlink(tmp);
	free(tmp);
	free(path);
	return NULL;
}

/* Stores an object (replacing one with the same key). */
struct s3_object *
s3_object_put(struct s3_state *st, struct s3_bucket *b, const char *key, const void *body,
    size_t len, const struct fg_headers *headers, char **err)
{
	struct s3_object *o = fg_calloc(1, sizeof(*o)), *old;
	char *dir = body_dir(st);
	char hex[33];
	size_t at;

	fg_buf_init(&o->body);
	if (dir != NULL) {
		free(dir);
		if ((o->file = write_body(st, body, len, err)) == NULL) {
			free(o);
			return NULL;
		}
	} else {
		fg_buf_add(&o->body, body, len);
	}
	o->key = fg_strdup(key);
	o->size = len;
	fg_md5_hex(body, len, hex);
	snprintf(o->etag, sizeof(o->etag), "\"%s\"", hex);
	o->mtime_ms = fg_wall_ms();
	fg_headers_init(&o->headers);
	fg_headers_copy(&o->headers, headers);
	if ((old = s3_object_find(b, key, &at)) != NULL) {
		object_free(st, old, 1);
		b->obj[at] = o;
		return o;
	}
	b->obj = fg_realloc(b->obj, (b->nobj + 1) * sizeof(*b->obj));
	memmove(&b->obj[at + 1], &b->obj[at], (b->nobj - at) * sizeof(*b->obj));
	b->obj[at] = o;
	b->nobj++;
	return o;
}

/* Deletes an object; 1 when it existed. */
int
s3_object_delete(struct s3_state *st, struct s3_bucket *b, const char *key)
{
	size_t at;
	struct s3_object *o = s3_object_find(b, key, &at);

	if (o == NULL)
		return 0;
	object_free(st, o, 1);
	memmove(&b->obj[at], &b->obj[at + 1], (b->nobj - at - 1) * sizeof(*b->obj));
	b->nobj--;
	return 1;
}

/* Reads an object's body. */
int
s3_object_body(struct s3_state *st, const struct s3_object *o, struct fg_buf *out, char **err)
{
	char *dir, *path;
	int rc;

	if (o->file == NULL) {
		fg_buf_add(out, o->body.data ? o->body.data : "", o->body.len);
		return 0;
	}
	dir = body_dir(st);
	path = fg_printf("%s/%s", dir, o->file);
	free(dir);
	rc = lc_read_file(path, out, err);
	if (rc == 1) {
		*err = fg_printf("%s: the body file is missing", path);
		rc = -1;
	}
	free(path);
	if (out->data == NULL)
		fg_buf_add(out, "", 0);
	return rc;
}

/* The service state. */
void *
s3_state_new(struct lc_server *srv)
{
	struct s3_state *st = fg_calloc(1, sizeof(*st));

	st->srv = srv;
	return st;
}

/* Frees the state (files stay: they are the saved bodies). */
void
s3_state_free(void *p)
{
	struct s3_state *st = p;

	for (size_t i = 0; i < st->n; i++)
		bucket_free(st, st->b[i], 0);
	for (size_t i = 0; i < st->ngarbage; i++)
		free(st->garbage[i]);
	for (size_t i = 0; i < st->ndoomed; i++)
		free(st->doomed[i]);
	free(st->garbage);
	free(st->doomed);
	free(st->b);
	free(st);
}

/* Removes body files that earlier saved state was the last to name. */
static void
collect_garbage(struct s3_state *st)
{
	char *dir = body_dir(st);

	for (size_t i = 0; i < st->ndoomed; i++) {
		char *path = dir ? fg_printf("%s/%s", dir, st->doomed[i]) : NULL;

		if (path && unlink(path) < 0 && errno != ENOENT)
			log_warn("s3: removing %s", path);
		free(path);
		free(st->doomed[i]);
	}
	free(st->doomed);
	free(dir);
	st->doomed = st->garbage;
	st->ndoomed = st->ngarbage;
	st->garbage = NULL;
	st->ngarbage = 0;
}

/* Writes a header list as [[name, value], ...]. */
static void
save_headers(struct fg_jw *w, const char *key, const struct fg_headers *h)
{
	fg_jw_key(w, key);
	fg_jw_arr(w);
	for (size_t i = 0; i < h->n; i++) {
		fg_jw_arr(w);
		fg_jw_str(w, h->v[i].name);
		fg_jw_str(w, h->v[i].value);
		fg_jw_end_arr(w);
	}
	fg_jw_end_arr(w);
}

/* Saves buckets and object metadata (bodies are in their files). */
void
s3_state_save(void *p, struct fg_jw *w)
{
	struct s3_state *st = p;

	collect_garbage(st);
	fg_jw_obj(w);
	fg_jw_key(w, "buckets");
	fg_jw_arr(w);
	for (size_t i = 0; i < st->n; i++) {
		const struct s3_bucket *b = st->b[i];

		fg_jw_obj(w);
		fg_jw_kstr(w, "Name", b->name);
		fg_jw_kint(w, "CreatedMs", b->created_ms);
		fg_jw_kstr(w, "Region", b->region);
		fg_jw_kstr(w, "Versioning", b->versioning);
		fg_jw_kstr(w, "Policy", b->policy);
		save_headers(w, "Tags", &b->tags);
		fg_jw_key(w, "Objects");
		fg_jw_arr(w);
		for (size_t k = 0; k < b->nobj; k++) {
			const struct s3_object *o = b->obj[k];

			fg_jw_obj(w);
			fg_jw_kstr(w, "Key", o->key);
			fg_jw_kint(w, "Size", (int64_t)o->size);
			fg_jw_kstr(w, "ETag", o->etag);
			fg_jw_kint(w, "MtimeMs", o->mtime_ms);
			fg_jw_kstr(w, "File", o->file);
			save_headers(w, "Headers", &o->headers);
			fg_jw_end_obj(w);
		}
		fg_jw_end_arr(w);
		fg_jw_end_obj(w);
	}
	fg_jw_end_arr(w);
	fg_jw_end_obj(w);
}

/* Reads [[name, value], ...] into h. */
static void
load_headers(fg_json a, struct fg_headers *h)
{
	for (size_t i = 0; i < fg_json_len(a); i++) {
		const char *n = fg_json_str(fg_json_at(fg_json_at(a, i), 0));
		const char *v = fg_json_str(fg_json_at(fg_json_at(a, i), 1));

		if (n && v)
			fg_headers_add(h, n, v);
	}
}

/* Reads one saved object into b; -1 and *err when malformed. */
static int
load_object(struct s3_bucket *b, fg_json j, char **err)
{
	struct s3_object *o;
	const char *key = fg_json_str(fg_json_get(j, "Key")), *etag = fg_json_str(fg_json_get(j, "ETag"));
	const char *file = fg_json_str(fg_json_get(j, "File"));
	int64_t size, mtime;
	size_t at;

	if (key == NULL || etag == NULL || strlen(etag) >= sizeof(o->etag) || file == NULL ||
	    strchr(file, '/') || fg_json_int(fg_json_get(j, "Size"), &size) < 0 || size < 0 ||
	    fg_json_int(fg_json_get(j, "MtimeMs"), &mtime) < 0 || s3_object_find(b, key, &at)) {
		*err = fg_printf("bucket %s: a malformed or duplicate object", b->name);
		return -1;
	}
	o = fg_calloc(1, sizeof(*o));
	o->key = fg_strdup(key);
	o->size = (uint64_t)size;
	strcpy(o->etag, etag);
	o->mtime_ms = mtime;
	o->file = fg_strdup(file);
	fg_buf_init(&o->body);
	fg_headers_init(&o->headers);
	load_headers(fg_json_get(j, "Headers"), &o->headers);
	b->obj = fg_realloc(b->obj, (b->nobj + 1) * sizeof(*b->obj));
	memmove(&b->obj[at + 1], &b->obj[at], (b->nobj - at) * sizeof(*b->obj));
	b->obj[at] = o;
	b->nobj++;
	return 0;
}

/* Removes body files no object names (left by a crash between a write and a save). */
static void
remove_orphans(struct s3_state *st)
{
	char *dir = body_dir(st);
	DIR *d = dir ? opendir(dir) : NULL;
	struct dirent *e;

	while (d && (e = readdir(d)) != NULL) {
		int used = e->d_name[0] == '.' && strncmp(e->d_name, ".tmp-", 5) != 0;

		for (size_t i = 0; i < st->n && !used; i++)
			for (size_t k = 0; k < st->b[i]->nobj && !used; k++)
				used = st->b[i]->obj[k]->file && strcmp(st->b[i]->obj[k]->file,
				    e->d_name) == 0;
		if (!used) {
			char *path = fg_printf("%s/%s", dir, e->d_name);

			unlink(path);
			free(path);
		}
	}
	if (d)
		closedir(d);
	free(dir);
}

/* Loads what s3_state_save wrote. */
int
s3_state_load(void *p, fg_json j, char **err)
{
	struct s3_state *st = p;
	fg_json buckets = fg_json_get(j, "buckets");

	if (buckets == NULL || !YAJL_IS_ARRAY(buckets)) {
		*err = fg_strdup("no \"buckets\" array");
		return -1;
	}
	for (size_t i = 0; i < fg_json_len(buckets); i++) {
		fg_json bj = fg_json_at(buckets, i), objs = fg_json_get(bj, "Objects");
		const char *name = fg_json_str(fg_json_get(bj, "Name"));
		const char *region = fg_json_str(fg_json_get(bj, "Region"));
		const char *v = fg_json_str(fg_json_get(bj, "Versioning"));
		const char *pol = fg_json_str(fg_json_get(bj, "Policy"));
		struct s3_bucket *b;
		int64_t ms;

		if (name == NULL || s3_bucket_find(st, name) != NULL ||
		    fg_json_int(fg_json_get(bj, "CreatedMs"), &ms) < 0) {
			*err = fg_printf("bucket %zu: no name, a duplicate, or no CreatedMs", i);
			return -1;
		}
		b = s3_bucket_add(st, name, region ? region : LC_DEFAULT_REGION);
		b->created_ms = ms;
		b->versioning = v ? fg_strdup(v) : NULL;
		b->policy = pol ? fg_strdup(pol) : NULL;
		load_headers(fg_json_get(bj, "Tags"), &b->tags);
		for (size_t k = 0; k < fg_json_len(objs); k++)
			if (load_object(b, fg_json_at(objs, k), err) < 0)
				return -1;
	}
	remove_orphans(st);
	return 0;
}
