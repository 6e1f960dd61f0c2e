/* yaml.c: YAML documents (the configuration file) converted to JSON text with libyaml. */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "lc.h"

#define YAML_MAX_DEPTH 64

/* Writes a plain (unquoted) scalar with YAML's core-schema types: null, bool, int, float. */
static void
plain_scalar(struct fg_jw *jw, const char *s, size_t len)
{
	char *end;
	long long i;
	double d;

	if (len == 0 || strcmp(s, "~") == 0 || strcmp(s, "null") == 0 || strcmp(s, "Null") == 0 ||
	    strcmp(s, "NULL") == 0) {
		fg_jw_null(jw);
		return;
	}
	if (strcmp(s, "true") == 0 || strcmp(s, "True") == 0 || strcmp(s, "TRUE") == 0 ||
	    strcmp(s, "false") == 0 || strcmp(s, "False") == 0 || strcmp(s, "FALSE") == 0) {
		fg_jw_bool(jw, s[0] == 't' || s[0] == 'T');
		return;
	}
	if (strspn(s, "+-0123456789") == len) {
		errno = 0;
		i = strtoll(s, &end, 10);
		if (errno == 0 && *end == '\0') {
			fg_jw_int(jw, i);
			return;
		}
	}
	if (strspn(s, "+-0123456789.eE") == len && strpbrk(s, "0123456789")) {
		errno = 0;
		d = strtod(s, &end);
		if (errno == 0 && *end == '\0') {
			fg_jw_double(jw, d);
			return;
		}
	}
	fg_jw_strn(jw, s, len);
}

/* Converts YAML text to JSON text; NULL and *err ("line 3, column 5: ...") on bad input. */
char *
lc_yaml_to_json(const char *text, size_t len, char **err)
{
	yaml_parser_t parser;
	yaml_event_t ev;
	struct fg_jw jw;
	/* Per open container: 1 for a mapping whose next scalar is a key. */
	int key_next[YAML_MAX_DEPTH];
	int depth = 0, docs = 0, done = 0, wrote = 0;
	char *out = NULL;

	if (!yaml_parser_initialize(&parser))
		fatalx("yaml_parser_initialize failed");
	yaml_parser_set_input_string(&parser, (const unsigned char *)text, len);
	fg_jw_init(&jw, 0);
	while (!done) {
		size_t line, col;

		if (!yaml_parser_parse(&parser, &ev)) {
			*err = fg_printf("line %zu, column %zu: %s", parser.problem_mark.line + 1,
			    parser.problem_mark.column + 1, parser.problem ? parser.problem :
			    "malformed YAML");
			goto out;
		}
		line = ev.start_mark.line + 1;
		col = ev.start_mark.column + 1;
		if (depth > 0 && key_next[depth - 1] == 1 && (ev.type == YAML_MAPPING_START_EVENT ||
		    ev.type == YAML_SEQUENCE_START_EVENT)) {
			*err = fg_printf("line %zu, column %zu: mapping keys must be scalars", line, col);
			yaml_event_delete(&ev);
			goto out;
		}
		switch (ev.type) {
		case YAML_STREAM_END_EVENT:
			done = 1;
			break;
		case YAML_DOCUMENT_START_EVENT:
			if (++docs > 1) {
				*err = fg_printf("line %zu, column %zu: only one YAML document is allowed",
				    line, col);
				yaml_event_delete(&ev);
				goto out;
			}
			break;
		case YAML_ALIAS_EVENT:
			*err = fg_printf("line %zu, column %zu: YAML aliases are not supported", line,
			    col);
			yaml_event_delete(&ev);
			goto out;
		case YAML_SCALAR_EVENT: {
			const char *s = (const char *)ev.data.scalar.value;
			size_t n = ev.data.scalar.length;

			if (depth > 0 && key_next[depth - 1] == 1) {
				char *k = fg_strndup(s, n);

				fg_jw_key(&jw, k);
				free(k);
				key_next[depth - 1] = 0;
			} else {
				if (ev.data.scalar.style == YAML_PLAIN_SCALAR_STYLE)
					plain_scalar(&jw, s, n);
				else
					fg_jw_strn(&jw, s, n);
				if (depth > 0 && key_next[depth - 1] == 0)
					key_next[depth - 1] = 1;
				wrote = 1;
			}
			break;
		}
		case YAML_MAPPING_START_EVENT:
		case YAML_SEQUENCE_START_EVENT:
			if (depth == YAML_MAX_DEPTH) {
				*err = fg_printf("line %zu, column %zu: nested deeper than %d", line, col,
				    YAML_MAX_DEPTH);
				yaml_event_delete(&ev);
				goto out;
			}
			if (depth > 0 && key_next[depth - 1] == 0)
				key_next[depth - 1] = 1;
			if (ev.type == YAML_MAPPING_START_EVENT)
				fg_jw_obj(&jw);
			else
				fg_jw_arr(&jw);
			key_next[depth++] = ev.type == YAML_MAPPING_START_EVENT ? 1 : -1;
			wrote = 1;
			break;
		case YAML_MAPPING_END_EVENT:
			fg_jw_end_obj(&jw);
			depth--;
			break;
		case YAML_SEQUENCE_END_EVENT:
			fg_jw_end_arr(&jw);
			depth--;
			break;
		default:
			break;
		}
		yaml_event_delete(&ev);
	}
	if (!wrote)
		fg_jw_null(&jw);
	out = fg_jw_detach(&jw);
out:
	fg_jw_free(&jw);
	yaml_parser_delete(&parser);
	return out;
}
