/* cli.c: the fugue-localcloud command line: options, start-up, signals and shutdown. */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "lc.h"

static const char usage_text[] =
    "usage: fugue-localcloud [--port N] [--bind ADDR] [--data DIR | --memory]\n"
    "                        [--config FILE] [--debug SUBSYSTEMS] [--log-format text|json]\n"
    "                        [-v] [--help] [--version]\n"
    "\n"
    "An AWS-compatible endpoint on loopback: STS, SQS, SNS, S3, DynamoDB, IAM and EC2 for local runs\n"
    "and tests. Every service answers on one port, routed as AWS routes requests.\n"
    "\n"
    "  -p, --port N          listen on port N (default 4566); 0 picks a free port. The first\n"
    "                        line on standard output is \"listening on ADDR:PORT\".\n"
    "  -b, --bind ADDR       listen address (default 127.0.0.1)\n"
    "  -d, --data DIR        keep state in DIR across restarts (default\n"
    "                        $XDG_STATE_HOME/fugue-localcloud or ~/.local/state/fugue-localcloud)\n"
    "  -m, --memory          keep state in memory only\n"
    "  -c, --config FILE     access keys and fault rules (YAML or JSON), see fugue-localcloud(1)\n"
    "      --debug LIST      debug lines for subsystems (auth,sqs,sns,...; \"all\")\n"
    "      --log-format F    text or json (default: text on a terminal, else json)\n"
    "  -v, --verbose         informational lines too\n"
    "  -h, --help            this text\n"
    "  -V, --version         the version\n"
    "\n"
    "Default credentials: access key " LC_DEFAULT_ACCESS_KEY ", secret key "
    LC_DEFAULT_SECRET_KEY ",\n"
    "account " LC_DEFAULT_ACCOUNT " (" LC_DEFAULT_USER_ARN ").\n"
    "Admin API: GET /_localcloud/health, GET|DELETE /_localcloud/counters,\n"
    "GET|POST|PUT|DELETE /_localcloud/faults, POST /_localcloud/save.\n"
    "Exit status: 0 after SIGINT or SIGTERM, 1 when start-up fails, 2 on a usage error.\n";

/* Creates dir and its parents. */
static int
mkdir_p(const char *dir)
{
	char *p = fg_strdup(dir);
	int rc = 0;

	for (char *s = p + 1; *s && rc == 0; s++) {
		if (*s != '/')
			continue;
		*s = '\0';
		if (mkdir(p, 0700) != 0 && errno != EEXIST)
			rc = -1;
		*s = '/';
	}
	if (rc == 0 && mkdir(p, 0700) != 0 && errno != EEXIST)
		rc = -1;
	free(p);
	return rc;
}

/* The default state directory (caller frees), or NULL without HOME. */
static char *
default_data_dir(void)
{
	const char *x = getenv("XDG_STATE_HOME"), *home = getenv("HOME");

	if (x && *x == '/')
		return fg_printf("%s/fugue-localcloud", x);
	if (home && *home)
		return fg_printf("%s/.local/state/fugue-localcloud", home);
	return NULL;
}

/* SIGINT/SIGTERM: stops the loop; state is saved on the way out. */
static void
on_signal(int signo, void *arg)
{
	log_info("signal %d: shutting down", signo);
	fg_loop_exit(arg);
}

/* Parses a port number; -1 when invalid. */
static int
parse_port(const char *s)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || *s == '\0' || *end != '\0' || v < 0 || v > 65535)
		return -1;
	return (int)v;
}

/* Runs fugue-localcloud; returns the exit status. */
int
lc_main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "port", required_argument, NULL, 'p' },
		{ "bind", required_argument, NULL, 'b' },
		{ "data", required_argument, NULL, 'd' },
		{ "memory", no_argument, NULL, 'm' },
		{ "config", required_argument, NULL, 'c' },
		{ "debug", required_argument, NULL, 'D' },
		{ "log-format", required_argument, NULL, 'L' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	struct lc_config cfg = { .bind = "127.0.0.1", .port = LC_DEFAULT_PORT };
	enum fg_log_format fmt = FG_LOG_AUTO;
	const char *debug = NULL;
	char *dir = NULL, *err = NULL;
	struct fg_signal *sint, *sterm;
	struct lc_server *srv;
	struct fg_loop *loop;
	int c, verbose = 0;

	while ((c = getopt_long(argc, argv, "p:b:d:mc:vhV", opts, NULL)) != -1) {
		switch (c) {
		case 'p':
			if ((cfg.port = parse_port(optarg)) < 0) {
				fprintf(stderr, "fugue-localcloud: --port %s: not a port number\n", optarg);
				return 2;
			}
			break;
		case 'b': cfg.bind = optarg; break;
		case 'd': cfg.data_dir = optarg; break;
		case 'm': cfg.memory = 1; break;
		case 'c': cfg.config_file = optarg; break;
		case 'D': debug = optarg; break;
		case 'L':
			if (strcmp(optarg, "text") && strcmp(optarg, "json")) {
				fprintf(stderr, "fugue-localcloud: --log-format must be text or json\n");
				return 2;
			}
			fmt = optarg[0] == 't' ? FG_LOG_TEXT : FG_LOG_JSON;
			break;
		case 'v': verbose++; break;
		case 'h': fputs(usage_text, stdout); return 0;
		case 'V': printf("fugue-localcloud %s\n", PACKAGE_VERSION); return 0;
		default: fputs(usage_text, stderr); return 2;
		}
	}
	if (optind != argc) {
		fprintf(stderr, "fugue-localcloud: unexpected argument \"%s\"\n%s", argv[optind],
		    usage_text);
		return 2;
	}
	if (cfg.memory && cfg.data_dir) {
		fprintf(stderr, "fugue-localcloud: --data and --memory exclude each other\n");
		return 2;
	}
	log_init("fugue-localcloud", fmt, verbose);
	log_set_debug(debug);
	if (!cfg.memory && cfg.data_dir == NULL) {
		if ((dir = default_data_dir()) == NULL) {
			log_warnx("no HOME to put the state in: use --data DIR or --memory");
			return 1;
		}
		cfg.data_dir = dir;
	}
	if (cfg.data_dir && mkdir_p(cfg.data_dir) != 0) {
		log_warn("cannot create %s", cfg.data_dir);
		free(dir);
		return 1;
	}
	signal(SIGPIPE, SIG_IGN);
	loop = fg_loop_new();
	if ((srv = lc_server_new(loop, &cfg, &err)) == NULL) {
		log_warnx("%s", err);
		free(err);
		free(dir);
		fg_loop_free(loop);
		return 1;
	}
	printf("listening on %s:%d\n", cfg.bind, lc_server_port(srv));
	fflush(stdout);
	log_info("state: %s", cfg.data_dir ? cfg.data_dir : "in memory");
	sint = fg_signal_new(loop, SIGINT, on_signal, loop);
	sterm = fg_signal_new(loop, SIGTERM, on_signal, loop);
	fg_loop_run(loop);
	lc_server_free(srv);
	fg_signal_free(sint);
	fg_signal_free(sterm);
	fg_loop_free(loop);
	free(dir);
	return 0;
}
