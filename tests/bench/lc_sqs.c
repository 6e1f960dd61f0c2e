/* lc_sqs.c (bench-lc-sqs): fugue-localcloud's SQS under load: SendMessage over the query and
 * the JSON protocol, then ReceiveMessage (10 at a time) and DeleteMessage, with 16 keep-alive
 * connections; prints requests/s, p50/p99 latency and the server's RSS.
 * Usage: bench-lc-sqs [--data]   (default: localcloud with --memory) */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>

#include "lc_bench.h"

#define REQUESTS 20000
#define CONCURRENCY 16
#define FORM "application/x-www-form-urlencoded; charset=utf-8"

/* Creates the queue. */
static void
create_queue(unsigned n, struct lcb_call *c, void *arg)
{
	(void)n;
	(void)arg;
	c->method = "POST";
	c->path = fg_strdup("/");
	c->service = "sqs";
	c->content_type = FORM;
	c->body = fg_strdup("Action=CreateQueue&QueueName=bench&Version=2012-11-05");
}

/* SendMessage, query protocol, with one message attribute (so its MD5 is computed). */
static void
send_query(unsigned n, struct lcb_call *c, void *arg)
{
	(void)arg;
	c->method = "POST";
	c->path = fg_strdup("/");
	c->service = "sqs";
	c->content_type = FORM;
	c->body = fg_printf("Action=SendMessage&Version=2012-11-05&QueueUrl=%%2F000000000000%%2F"
	    "bench&MessageBody=message%%20number%%20%u&MessageAttribute.1.Name=n"
	    "&MessageAttribute.1.Value.DataType=Number&MessageAttribute.1.Value.StringValue=%u", n, n);
}

/* SendMessage, JSON protocol. */
static void
send_json(unsigned n, struct lcb_call *c, void *arg)
{
	(void)arg;
	c->method = "POST";
	c->path = fg_strdup("/");
	c->service = "sqs";
	c->target = "AmazonSQS.SendMessage";
	c->content_type = "application/x-amz-json-1.0";
	c->body = fg_printf("{\"QueueUrl\":\"/000000000000/bench\",\"MessageBody\":\"json message "
	    "%u\"}", n);
}

/* ReceiveMessage of up to 10 messages (they stay in flight: no deletes in this phase). */
static void
receive(unsigned n, struct lcb_call *c, void *arg)
{
	(void)n;
	(void)arg;
	c->method = "POST";
	c->path = fg_strdup("/");
	c->service = "sqs";
	c->content_type = FORM;
	c->body = fg_strdup("Action=ReceiveMessage&Version=2012-11-05&QueueUrl=%2F000000000000%2F"
	    "bench&MaxNumberOfMessages=10&VisibilityTimeout=600");
}

int
main(int argc, char **argv)
{
	char tmpl[] = "/tmp/bench-lc-sqs-XXXXXX";
	const char *bin = getenv("LOCALCLOUD") ? getenv("LOCALCLOUD") : LOCALCLOUD_BIN;
	unsigned failed = 0;
	struct lcb b;
	const char *dir = lcb_start_args(&b, argc, argv, bin, tmpl, CONCURRENCY);

	printf("bench-lc-sqs: localcloud %s, %d connections kept alive\n",
	    dir ? "--data (files)" : "--memory", CONCURRENCY);
	if (lcb_phase(&b, create_queue, NULL, 1, 1, NULL) != 0)
		fatalx("CreateQueue failed");
	failed += lcb_phase(&b, send_query, NULL, REQUESTS, CONCURRENCY, "SQS SendMessage (query)");
	failed += lcb_phase(&b, send_json, NULL, REQUESTS, CONCURRENCY, "SQS SendMessage (JSON)");
	failed += lcb_phase(&b, receive, NULL, REQUESTS / 10, CONCURRENCY,
	    "SQS ReceiveMessage (10 each)");
	printf("localcloud RSS after %d messages: %ld KiB\n", 2 * REQUESTS, lcb_rss_kib(&b));
	failed += lcb_finish(&b, dir);
	return failed ? 1 : 0;
}
