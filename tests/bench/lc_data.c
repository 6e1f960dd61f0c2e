/* lc_data.c (bench-lc-data): fugue-localcloud's DynamoDB PutItem and GetItem and S3
 * PutObject (1 KiB) under load, with 16 keep-alive connections; prints requests/s, p50/p99
 * latency and the server's RSS.
 * Usage: bench-lc-data [--data]   (default: localcloud with --memory) */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lc_bench.h"

#define REQUESTS 20000
#define CONCURRENCY 16
#define OBJECT_SIZE 1024
#define KEYS 1000
#define DDB_JSON "application/x-amz-json-1.0"

/* A DynamoDB call of action with body. */
static void
ddb_call(struct lcb_call *c, const char *target, char *body)
{
	c->method = "POST";
	c->path = fg_strdup("/");
	c->service = "dynamodb";
	c->target = target;
	c->content_type = DDB_JSON;
	c->body = body;
}

/* CreateTable bench (hash key pk). */
static void
create_table(unsigned n, struct lcb_call *c, void *arg)
{
	(void)n;
	(void)arg;
	ddb_call(c, "DynamoDB_20120810.CreateTable", fg_strdup("{\"TableName\":\"bench\","
	    "\"BillingMode\":\"PAY_PER_REQUEST\",\"AttributeDefinitions\":[{\"AttributeName\":\"pk\","
	    "\"AttributeType\":\"S\"}],\"KeySchema\":[{\"AttributeName\":\"pk\",\"KeyType\":\"HASH\"}]}"));
}

/* PutItem over KEYS keys. */
static void
put_item(unsigned n, struct lcb_call *c, void *arg)
{
	(void)arg;
	ddb_call(c, "DynamoDB_20120810.PutItem", fg_printf("{\"TableName\":\"bench\",\"Item\":{"
	    "\"pk\":{\"S\":\"k%u\"},\"n\":{\"N\":\"%u\"},\"s\":{\"S\":\"some value of a modest size\"}}}",
	    n % KEYS, n));
}

/* GetItem of the keys put before. */
static void
get_item(unsigned n, struct lcb_call *c, void *arg)
{
	(void)arg;
	ddb_call(c, "DynamoDB_20120810.GetItem", fg_printf("{\"TableName\":\"bench\",\"Key\":{"
	    "\"pk\":{\"S\":\"k%u\"}}}", n % KEYS));
}

/* CreateBucket bench-bucket. */
static void
create_bucket(unsigned n, struct lcb_call *c, void *arg)
{
	(void)n;
	(void)arg;
	c->method = "PUT";
	c->path = fg_strdup("/bench-bucket");
	c->service = "s3";
}

/* PutObject of 1 KiB over KEYS keys. */
static void
put_object(unsigned n, struct lcb_call *c, void *arg)
{
	c->method = "PUT";
	c->path = fg_printf("/bench-bucket/obj-%u", n % KEYS);
	c->service = "s3";
	c->content_type = "application/octet-stream";
	c->body = fg_strdup(arg);
}

int
main(int argc, char **argv)
{
	char tmpl[] = "/tmp/bench-lc-data-XXXXXX", object[OBJECT_SIZE + 1];
	const char *dir;
	unsigned failed = 0;
	struct lcb b;

	memset(object, 'o', OBJECT_SIZE);
	object[OBJECT_SIZE] = 0;
	dir = lcb_start_args(&b, argc, argv, getenv("LOCALCLOUD") ? getenv("LOCALCLOUD") :
	    LOCALCLOUD_BIN, tmpl, CONCURRENCY);
	printf("bench-lc-data: localcloud %s, %d keep-alive connections\n",
	    dir ? "--data (files)" : "--memory", CONCURRENCY);
	if (lcb_phase(&b, create_table, NULL, 1, 1, NULL) || lcb_phase(&b, create_bucket, NULL, 1, 1,
	    NULL))
		fatalx("bench-lc-data: setup failed");
	usleep(400 * 1000); /* the table leaves CREATING */
	failed += lcb_phase(&b, put_item, NULL, REQUESTS, CONCURRENCY, "DynamoDB PutItem");
	failed += lcb_phase(&b, get_item, NULL, REQUESTS, CONCURRENCY, "DynamoDB GetItem");
	failed += lcb_phase(&b, put_object, object, REQUESTS, CONCURRENCY, "S3 PutObject (1 KiB)");
	printf("localcloud RSS after the runs: %ld KiB\n", lcb_rss_kib(&b));
	failed += lcb_finish(&b, dir);
	return failed ? 1 : 0;
}
