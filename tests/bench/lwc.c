/* lwc.c (bench-lwc): compiles a generated composition of 10,000 resources (tests/bench/lwc/gen:
 * a pattern instantiated 1,000 times) with the built lwc and prints the wall time and peak RSS
 * of the compiler (targets: at most 1 s and 200 MB). */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define INSTANCES 1000

/* Seconds on the monotonic clock. */
static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Counts the resources ("id" members of the resources array) in the compiled composition. */
static long
count_resources(const char *path)
{
	FILE *f = fopen(path, "r");
	char line[4096];
	long n = 0;

	if (f == NULL)
		return -1;
	while (fgets(line, sizeof(line), f) != NULL)
		if (strstr(line, "\"dependsOn\"") != NULL)
			n++;
	fclose(f);
	return n;
}

/* Generates the composition, compiles it and prints the figures. */
int
main(void)
{
	char dir[] = "/tmp/bench-lwc.XXXXXX", src[64], out[64], cmd[512];
	struct rusage ru;
	double t0, t1;
	int status;
	long n;
	pid_t pid;

	if (mkdtemp(dir) == NULL) {
		perror("mkdtemp");
		return 1;
	}
	snprintf(src, sizeof(src), "%s/big.lw", dir);
	snprintf(out, sizeof(out), "%s/big.json", dir);
	snprintf(cmd, sizeof(cmd), "sh '%s' %d > '%s'", LWC_GEN, INSTANCES, src);
	if (system(cmd) != 0) {
		fprintf(stderr, "bench-lwc: %s failed\n", cmd);
		return 1;
	}
	t0 = now();
	if ((pid = fork()) == 0) {
		execl(LWC_BIN, "lwc", src, "-i", LWC_LIBDIR, "-S", LWC_PLUGINS, "-o", out,
		    (char *)NULL);
		_exit(127);
	}
	if (pid < 0 || wait4(pid, &status, 0, &ru) < 0) {
		perror("bench-lwc");
		return 1;
	}
	t1 = now();
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		fprintf(stderr, "bench-lwc: lwc failed on %s\n", src);
		return 1;
	}
	n = count_resources(out);
	printf("lwc: %ld resources (%d instances of a network pattern, a security group and an "
	    "instance)\n", n, INSTANCES);
	printf("lwc: %.3f s wall, %.3f s CPU, %.1f MB peak RSS (targets: 1 s, 200 MB)\n", t1 - t0,
	    (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 +
	    (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6,
	    (double)ru.ru_maxrss / 1024.0);
	unlink(src);
	unlink(out);
	rmdir(dir);
	return n == 10 * INSTANCES ? 0 : 1;
}
