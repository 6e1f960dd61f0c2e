/* sweep.c: bench-sweep: the AWS calls and wall time of one enforcement pass of a process of
 * 1,000 security groups and 200 subnets (and their VPC) that a real fugue-conductor manages on
 * fugue-localcloud. The ec2 plugin sweeps each type with one paginated, tag-filtered Describe
 * per region (1,000 items a page), so the pass should cost <= 10 EC2 calls, where one read per
 * resource costs >= 1,200. The calls are localcloud's counters, reset once the process
 * converged; the wall time is from the pass's job-started event to its job-finished event in
 * the process's history. Usage: bench-sweep [GROUPS SUBNETS] (1000 200 by default). Prints
 * figures; asserts nothing. See cond_bench.h for BENCH_KEEP, BENCH_HOLD and
 * BENCH_CONDUCTOR_FLAGS. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cond_bench.h"

#define ALIAS "sweep-bench"
#define INTERVAL "10"
#define POLL_MS 250
#define GIVE_UP_S 900

/* Writes the composition: a VPC, its subnets (10.0.i.0/24) and groups with one rule each. */
static void
write_composition(const char *file, unsigned groups, unsigned subnets)
{
	FILE *f = fopen(file, "w");

	if (f == NULL)
		fatal("%s", file);
	fprintf(f, "# %u security groups and %u subnets in one VPC (bench-sweep)\ncomposition\n\n"
	    "import Fugue.AWS as AWS\nimport Fugue.AWS.EC2 as EC2\n\n"
	    "vpc: EC2.Vpc.new {cidrBlock: \"10.0.0.0/16\", region: AWS.Us-east-1}\n"
	    "office: EC2.IpPermission.Target.cidr(\"203.0.113.0/24\")\n\n", groups, subnets);
	for (unsigned i = 0; i < subnets; i++)
		fprintf(f, "s%03u: EC2.Subnet.new {vpc: vpc, cidrBlock: \"10.0.%u.0/24\"}\n", i, i);
	for (unsigned i = 0; i < groups; i++)
		fprintf(f, "g%04u: EC2.SecurityGroup.new {description: \"bench group %04u\", vpc: vpc, "
		    "ipPermissions: [EC2.IpPermission.ssh(office)]}\n", i, i);
	if (fclose(f) != 0)
		fatal("%s", file);
}

/* Compiles and uploads the composition, and runs a process of it. */
static void
run_composition(struct cb *b, const char *file)
{
	struct composition comp;
	char *err = NULL;

	if (compose_compile(file, 0, stderr, &comp) != EXIT_OK)
		fatalx("%s does not compile", file);
	if (compose_upload(b->cl, &comp, &err) != EXIT_OK)
		fatalx("upload: %s", err);
	cb_run(b, ALIAS, comp.key, comp.hash);
	compose_free(&comp);
}

/* Sleeps ms milliseconds. */
static void
nap(unsigned ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

/* The wall time of the latest enforcement pass in the process's history, in ms, or -1. */
static int64_t
pass_ms(struct cb *b)
{
	char *args = request_args("process", ALIAS, NULL);
	int64_t start = -1, end = -1;
	struct reply rep;
	fg_json recs;

	cb_request(b, "history", args, &rep);
	recs = fg_json_get(rep.result, "records");
	/* Newest first: the job-finished of the pass, then its job-started. */
	for (size_t i = 0; i < fg_json_len(recs) && start < 0; i++) {
		fg_json r = fg_json_at(recs, i);
		const char *what = fg_json_str(fg_json_get(r, "what"));
		const char *msg = fg_json_str(fg_json_get(r, "message"));

		if (what == NULL || msg == NULL || strncmp(msg, "enforce", 7) != 0)
			continue;
		if (end < 0 && strcmp(what, "job-finished") == 0)
			end = cb_rfc3339_ms(fg_json_str(fg_json_get(r, "time")));
		else if (end >= 0 && strcmp(what, "job-started") == 0)
			start = cb_rfc3339_ms(fg_json_str(fg_json_get(r, "time")));
	}
	reply_free(&rep);
	free(args);
	return start >= 0 && end >= start ? end - start : -1;
}

/* Sums the calls localcloud counted for a service. */
static int64_t
service_calls(fg_json counters, const char *service)
{
	fg_json svc = fg_json_get(fg_json_get(counters, "calls"), service);
	int64_t sum = 0, n;

	for (size_t i = 0; i < fg_json_len(svc); i++)
		if (fg_json_int(fg_json_at(svc, i), &n) == 0)
			sum += n;
	return sum;
}

int
main(int argc, char **argv)
{
	/* EC2's own buckets (5 writes and 20 reads a second) would make converging the 1,200
	 * resources take minutes: localcloud does not throttle, so the Conductor may go faster.
	 * The sweep's figures do not depend on it. */
	static const char *const flags[] = { "--enforcement-interval", INTERVAL, "--limit",
		"ec2.write=200/400", "--limit", "ec2.read=400/800", NULL };
	unsigned groups = 1000, subnets = 200, n;
	struct cb_status st;
	struct cb b;
	uint64_t t0;
	int64_t ms;
	fg_json c;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc == 3) {
		groups = (unsigned)strtoul(argv[1], NULL, 10);
		subnets = (unsigned)strtoul(argv[2], NULL, 10);
	}
	if ((argc != 1 && argc != 3) || groups == 0 || subnets > 256) {
		fprintf(stderr, "usage: bench-sweep [GROUPS SUBNETS<=256]\n");
		return 2;
	}
	n = groups + subnets + 1;
	cb_start(&b, "sweep", flags);
	write_composition("sweep.lw", groups, subnets);
	t0 = cb_now_us();
	run_composition(&b, "sweep.lw");
	do {
		nap(200);
		cb_status(&b, ALIAS, &st);
		if ((cb_now_us() - t0) / 1000000 > GIVE_UP_S)
			fatalx("not converged after %d s: %lld ready, %lld failed", GIVE_UP_S,
			    (long long)st.n[2], (long long)st.n[5]);
	} while (st.reported == 0 || st.n[2] + st.n[5] < (int64_t)n);
	printf("bench-sweep: a process of %u security groups, %u subnets and their VPC; "
	    "enforcement every %s s\n", groups, subnets, INTERVAL);
	printf("  converged in %.1f s: %lld ready, %lld failed\n",
	    (double)(cb_now_us() - t0) / 1e6, (long long)st.n[2], (long long)st.n[5]);
	/* The run job ended: count from here to the end of the first enforcement pass. */
	fg_json_free(cb_admin(&b, "DELETE", "counters", NULL));
	do {
		nap(POLL_MS);
		cb_status(&b, ALIAS, &st);
	} while (st.enforced == 0);
	c = cb_admin(&b, "GET", "counters", NULL);
	ms = pass_ms(&b);
	printf("  one enforcement pass: %lld EC2 calls (target <= 10; one read per resource: "
	    ">= %u), wall time %lld ms\n", (long long)service_calls(c, "ec2"), n,
	    (long long)ms);
	cb_print_counters(c);
	fg_json_free(c);
	cb_stop(&b);
	return 0;
}
