/* fuzz_cli.c: what the fugue CLI reads: its settings file (fugue.yaml) and its credentials
 * file (fugue-credentials), found where the CLI looks for them (HOME/.fugue), and the Conductor's replies as
 * it parses and prints them (JSON and text tables, times in local time). The first byte picks
 * the reader; the rest is the file or the reply. */
#include "config.h"

#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cmd.h"

#define ID "7f0c2a4e-8c1b-4d2f-9a6e-3b5c7d9e1f20"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static FILE *devnull;
static char home[] = "/tmp/fuzz_cli.XXXXXX";
static char *settings, *credentials, *dotfugue;

/* Removes the scratch HOME at exit. */
static void
cleanup(void)
{
	unlink(settings);
	unlink(credentials);
	rmdir(dotfugue);
	rmdir(home);
}

/* HOME is a scratch directory: the CLI finds its files in HOME/.fugue. */
int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	if (mkdtemp(home) == NULL || setenv("HOME", home, 1) != 0 ||
	    (devnull = fopen("/dev/null", "w")) == NULL)
		abort();
	dotfugue = fg_printf("%s/.fugue", home);
	settings = fg_printf("%s/" CLI_CONFIG_NAME, dotfugue);
	credentials = fg_printf("%s/" CLI_CREDENTIALS_NAME, dotfugue);
	if (mkdir(dotfugue, 0700) != 0)
		abort();
	atexit(cleanup);
	log_set_stream(devnull);
	return 0;
}

/* Writes the input as a file (mode 0600). */
static void
put_file(const char *path, const uint8_t *data, size_t size)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);

	if (fd < 0 || write(fd, data, size) != (ssize_t)size || close(fd) != 0)
		abort();
}

/* Reads a settings file, then a credentials file over it. */
static void
files(int creds, const uint8_t *data, size_t size)
{
	const char *path = creds ? credentials : settings;
	struct cli_config *cfg;
	char *err = NULL;

	put_file(path, data, size);
	cfg = config_load(creds ? "/dev/null" : path, &err);
	if (cfg != NULL && creds && config_load_credentials(cfg, &err) == 0 &&
	    (cfg->user == NULL || cfg->secret == NULL))
		abort();
	if (cfg == NULL && err == NULL)
		abort();
	free(err);
	config_free(cfg);
	unlink(path);
}

/* Prints a value as both writers do, a time column included. */
static void
print(fg_json v)
{
	static const struct out_col cols[] = { { "fid", "FID", 0 }, { "time", "TIME", 1 } };
	static const struct out_view views[] = {
		{ "", OUT_PAIRS, NULL, 0, NULL },
		{ "processes", OUT_ROWS, cols, FG_ARRAY_LEN(cols), "none" },
		{ "records", OUT_ROWS, cols, FG_ARRAY_LEN(cols), NULL },
	};

	for (int f = OUT_TEXT; f <= OUT_JSON; f++) {
		struct out *o = out_new((enum out_format)f, devnull);

		out_set_width(o, 40);
		out_views(o, views, FG_ARRAY_LEN(views));
		out_value(o, NULL, v);
		out_free(o);
	}
}

/* Parses a reply to ID and prints what it holds. */
static void
reply(const uint8_t *data, size_t size)
{
	struct reply r;
	char *err = NULL;
	int rc = reply_parse((const char *)data, size, ID, &r, &err);

	if (rc < 0) {
		if (err == NULL)
			abort();
		free(err);
		return;
	}
	if (rc == 0) {
		if (r.ok ? r.result == NULL : r.code == NULL || r.message == NULL)
			abort();
		if (r.ok)
			print(r.result);
		reply_free(&r);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s, *t;

	if (size < 1)
		return 0;
	switch (data[0] % 4) {
	case 0:
	case 1:
		files(data[0] % 4, data + 1, size - 1);
		break;
	case 2:
		reply(data + 1, size - 1);
		break;
	default:
		s = fg_strndup((const char *)data + 1, size - 1);
		t = out_time_text(s);
		free(t);
		free(s);
		break;
	}
	return 0;
}
