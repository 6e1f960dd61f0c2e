/* lwc-main.c: the lwc command: options, then one compilation (see lwc(1)). */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lwc/lwc.h"

#define USAGE "usage: lwc FILE.lw [-s null|simple|tree] [-o OUT] [-i DIRS] [-S DIRS] " \
	"[--typecheck]\n           [--werror] [-w|--no-warnings] [--color=auto|always|never]\n"

static const char help[] = USAGE
    "\n"
    "Compiles a Ludwig composition. Prints nothing and exits 0 when it compiles.\n"
    "\n"
    "  -s FORMAT        what to print: null (nothing, the default), simple (the compiled\n"
    "                   composition as JSON) or tree (the evaluated bindings)\n"
    "  -o OUT           write the output to OUT (implies -s simple)\n"
    "  -i DIRS          colon-separated directories searched for imported modules, before\n"
    "                   LUDWIG_PATH and the installed library\n"
    "  -S DIRS          colon-separated directories holding plugin schemas, before\n"
    "                   FUGUE_SCHEMA_PATH and the installed schemas\n"
    "  --typecheck      stop after type checking (also accepts modules)\n"
    "  --werror         make warnings errors\n"
    "  -w, --no-warnings  do not print warnings\n"
    "  --color=WHEN     colour diagnostics: auto (on a terminal), always or never\n"
    "  -h, --help       print this help\n"
    "  -V, --version    print the version\n"
    "\n"
    "Exit status: 0 compiled, 1 compile errors, 2 usage errors.\n";

/* Reports a usage error and exits 2. */
static void usage_error(const char *, ...) FG_PRINTF(1, 2) FG_NORETURN;

static void
usage_error(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "lwc: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n" USAGE);
	exit(2);
}

/* Writes text to path (or stdout); 0 on success. */
static int
write_out(const char *path, const char *text)
{
	FILE *f = path ? fopen(path, "w") : stdout;
	int ok;

	if (f == NULL) {
		fprintf(stderr, "lwc: cannot write %s: %s\n", path, strerror(errno));
		return -1;
	}
	ok = fputs(text, f) >= 0;
	if (path != NULL)
		ok = fclose(f) == 0 && ok;
	else
		ok = fflush(f) == 0 && ok;
	if (!ok) {
		fprintf(stderr, "lwc: cannot write %s: %s\n", path ? path : "the output",
		    strerror(errno));
		return -1;
	}
	return 0;
}

/* Parses the options, compiles the file and writes the output. */
int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "color", required_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },
		{ "no-warnings", no_argument, NULL, 'w' },
		{ "typecheck", no_argument, NULL, 't' },
		{ "version", no_argument, NULL, 'V' },
		{ "werror", no_argument, NULL, 'e' },
		{ NULL, 0, NULL, 0 },
	};
	struct lwc_options o;
	const char *outfile = NULL;
	int ch, show = 0, rc;
	char *text = NULL;

	memset(&o, 0, sizeof(o));
	opterr = 0;
	while ((ch = getopt_long(argc, argv, ":s:o:i:S:whV", longopts, NULL)) != -1) {
		switch (ch) {
		case 's':
			show = 1;
			if (strcmp(optarg, "null") == 0)
				o.output = LWC_OUT_NULL;
			else if (strcmp(optarg, "simple") == 0)
				o.output = LWC_OUT_SIMPLE;
			else if (strcmp(optarg, "tree") == 0)
				o.output = LWC_OUT_TREE;
			else
				usage_error("unknown output format '%s' (null, simple or tree)", optarg);
			break;
		case 'o':
			outfile = optarg;
			break;
		case 'i':
			o.include = optarg;
			break;
		case 'S':
			o.schema_path = optarg;
			break;
		case 'w':
			o.no_warnings = 1;
			break;
		case 't':
			o.typecheck_only = 1;
			break;
		case 'e':
			o.werror = 1;
			break;
		case 'c':
			if (strcmp(optarg, "auto") == 0)
				o.color = LWC_COLOR_AUTO;
			else if (strcmp(optarg, "always") == 0)
				o.color = LWC_COLOR_ALWAYS;
			else if (strcmp(optarg, "never") == 0)
				o.color = LWC_COLOR_NEVER;
			else
				usage_error("--color takes auto, always or never, not '%s'", optarg);
			break;
		case 'h':
			fputs(help, stdout);
			return 0;
		case 'V':
			printf("lwc (Fugue) %s\n", PACKAGE_VERSION);
			return 0;
		case ':':
			usage_error("option %s needs an argument", argv[optind - 1]);
			break;
		default:
			usage_error("unknown option %s", argv[optind - 1]);
			break;
		}
	}
	if (optind != argc - 1)
		usage_error("%s", optind == argc ? "no file to compile" : "one file at a time");
	o.file = argv[optind];
	if (outfile != NULL && !show)
		o.output = LWC_OUT_SIMPLE;
	rc = lwc_compile(&o, &text);
	if (rc == 0 && text != NULL && write_out(outfile, text) < 0)
		rc = 1;
	free(text);
	return rc;
}
