/* plugin-abi.c: opens one broker module with libltdl and prints, as one JSON object, what it
 * exports under fugue/broker.h (entry symbol, ABI version, name, types and which callbacks each
 * type has) without judging it: conform.py checks the facts, so that a module the Conductor's
 * loader would refuse is still described.
 * Usage: plugin-abi MODULE   (a path with or without .la/.so; its base name is the plugin name)
 * Exit: 0 with the JSON on stdout, 1 with a message on stderr when the module cannot be opened
 * or lacks its entry symbol. */
#include "config.h"

#include <ltdl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base.h"
#include "fugue/broker.h"
#include "json.h"

#define SYMBOL_SUFFIX "_LTX_fugue_broker"

/* Writes one type: its name and a boolean per callback. */
static void
write_type(struct fg_jw *w, const struct fugue_type *t)
{
	fg_jw_obj(w);
	fg_jw_kstr(w, "name", t->name);
	fg_jw_kbool(w, "create", t->create != NULL);
	fg_jw_kbool(w, "read", t->read != NULL);
	fg_jw_kbool(w, "update", t->update != NULL);
	fg_jw_kbool(w, "delete", t->delete != NULL);
	fg_jw_kbool(w, "sweep", t->sweep != NULL);
	fg_jw_end_obj(w);
}

/* Writes the broker struct; types only when the ABI major is the header's (else the layout
 * after the version fields is unknown). */
static void
write_broker(struct fg_jw *w, const char *symbol, const struct fugue_broker *b)
{
	fg_jw_obj(w);
	fg_jw_kstr(w, "symbol", symbol);
	fg_jw_kint(w, "abi_major", b->abi_major);
	fg_jw_kint(w, "abi_minor", b->abi_minor);
	fg_jw_kint(w, "host_abi_major", FUGUE_BROKER_ABI_MAJOR);
	fg_jw_kint(w, "host_abi_minor", FUGUE_BROKER_ABI_MINOR);
	if (b->abi_major == FUGUE_BROKER_ABI_MAJOR) {
		fg_jw_kstr(w, "name", b->name);
		fg_jw_kstr(w, "description", b->description);
		fg_jw_kint(w, "ntypes", (int64_t)b->ntypes);
		fg_jw_key(w, "types");
		fg_jw_arr(w);
		for (size_t i = 0; b->types != NULL && i < b->ntypes; i++)
			write_type(w, &b->types[i]);
		fg_jw_end_arr(w);
	}
	fg_jw_end_obj(w);
}

int
main(int argc, char **argv)
{
	char *path, *dot, *symbol;
	const char *base;
	lt_dladvise adv;
	lt_dlhandle h;
	const struct fugue_broker *b;
	struct fg_jw w;
	int rc = 1;

	if (argc != 2) {
		fprintf(stderr, "usage: plugin-abi MODULE\n");
		return 2;
	}
	path = fg_strdup(argv[1]);
	base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
	if ((dot = strrchr(base, '.')) != NULL && (strcmp(dot, ".la") == 0 || strcmp(dot, ".so") == 0))
		*dot = '\0';
	symbol = fg_printf("%s" SYMBOL_SUFFIX, base);
	if (lt_dlinit() != 0 || lt_dladvise_init(&adv) != 0 || lt_dladvise_ext(&adv) != 0 ||
	    lt_dladvise_local(&adv) != 0) {
		fprintf(stderr, "plugin-abi: libltdl: %s\n", lt_dlerror());
		free(symbol);
		free(path);
		return 1;
	}
	h = lt_dlopenadvise(path, adv);
	lt_dladvise_destroy(&adv);
	if (h == NULL)
		fprintf(stderr, "plugin-abi: %s: cannot be loaded: %s\n", argv[1], lt_dlerror());
	else if ((b = lt_dlsym(h, symbol)) == NULL)
		fprintf(stderr, "plugin-abi: %s: does not export %s\n", argv[1], symbol);
	else {
		fg_jw_init(&w, 0);
		write_broker(&w, symbol, b);
		printf("%s\n", fg_jw_text(&w));
		fg_jw_free(&w);
		rc = 0;
	}
	if (h != NULL)
		lt_dlclose(h);
	lt_dlexit();
	free(symbol);
	free(path);
	return rc;
}
