/* sqs_attr.c: SQS message attributes: their rules, and the MD5 digest AWS returns for them. */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sigv4.h"
#include "sqs.h"
#include "utf8.h"

/* Says whether an attribute name follows SQS's rules. */
static int
name_ok(const char *n)
{
	size_t len = strlen(n);

	if (len == 0 || len > 256 || strspn(n, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "0123456789_-.") != len)
		return 0;
	if (n[0] == '.' || n[len - 1] == '.' || strstr(n, "..") != NULL)
		return 0;
	if (strncasecmp(n, "aws.", 4) == 0 || strncasecmp(n, "amazon.", 7) == 0)
		return 0;
	return 1;
}

/* Says whether s looks like a number SQS accepts (decimal, optional sign and exponent). */
static int
number_ok(const char *s)
{
	size_t i = 0, digits = 0;

	if (s[i] == '+' || s[i] == '-')
		i++;
	for (; s[i] >= '0' && s[i] <= '9'; i++)
		digits++;
	if (s[i] == '.')
		for (i++; s[i] >= '0' && s[i] <= '9'; i++)
			digits++;
	if (digits == 0 || digits > 38)
		return 0;
	if (s[i] == 'e' || s[i] == 'E') {
		size_t e = 0;

		i++;
		if (s[i] == '+' || s[i] == '-')
			i++;
		for (; s[i] >= '0' && s[i] <= '9'; i++)
			e++;
		if (e == 0)
			return 0;
	}
	return s[i] == '\0';
}

/* The transport kind of a data type: 1 string/number, 2 binary, 0 invalid. */
static int
data_kind(const char *t)
{
	static const struct { const char *p; int kind; } base[] = {
		{ "String", 1 }, { "Number", 1 }, { "Binary", 2 },
	};

	if (t == NULL || strlen(t) > 256)
		return 0;
	for (size_t i = 0; i < FG_ARRAY_LEN(base); i++) {
		size_t n = strlen(base[i].p);

		if (strncmp(t, base[i].p, n) == 0 && (t[n] == '\0' || (t[n] == '.' && t[n + 1])))
			return base[i].kind;
	}
	return 0;
}

/* Says whether text holds only the characters SQS allows in messages (XML 1.0 characters). */
static int
text_ok(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0;

	if (fg_utf8_invalid(s, len) != len)
		return 0;
	while (i < len) {
		size_t n = fg_utf8_char(s + i, len - i);

		if (n == 1 && p[i] < 0x20 && p[i] != '\t' && p[i] != '\n' && p[i] != '\r')
			return 0;
		/* U+FFFE and U+FFFF (EF BF BE/BF) are not characters. */
		if (n == 3 && p[i] == 0xEF && p[i + 1] == 0xBF && p[i + 2] >= 0xBE)
			return 0;
		i += n;
	}
	return 1;
}

/* Checks one attribute's value; adds its size to *bytes. */
static int
value_check(const char *name, fg_json v, int sys, size_t *bytes, char **err)
{
	const char *type = fg_json_str(fg_json_get(v, "DataType"));
	const char *sv = fg_json_str(fg_json_get(v, "StringValue"));
	const char *bv = fg_json_str(fg_json_get(v, "BinaryValue"));
	int kind = data_kind(type);

	if (type == NULL || *type == '\0') {
		*err = fg_printf("The message attribute '%s' must contain a non-empty message "
		    "attribute type.", name);
		return -1;
	}
	if (kind == 0 || (sys && kind != 1)) {
		*err = fg_printf("The type of message (%s) attribute '%s' is invalid. You must use "
		    "only the following supported type prefixes: %s.", sys ? "system" : "user", name,
		    sys ? "String" : "Binary, Number, String");
		return -1;
	}
	if (fg_json_len(fg_json_get(v, "StringListValues")) ||
	    fg_json_len(fg_json_get(v, "BinaryListValues"))) {
		*err = fg_printf("Message attribute list values in SendMessage operation are not "
		    "supported.");
		return -1;
	}
	*bytes += strlen(name) + strlen(type);
	if (kind == 1) {
		if (sv == NULL || *sv == '\0' || bv) {
			*err = fg_printf("The message attribute '%s' must contain non-empty message "
			    "attribute value for message attribute type '%s'.", name, type);
			return -1;
		}
		if (strncmp(type, "Number", 6) == 0 && !number_ok(sv)) {
			*err = fg_printf("Can't cast the value of message (user) attribute '%s' to a "
			    "number.", name);
			return -1;
		}
		if (!text_ok(sv, strlen(sv))) {
			*err = fg_printf("Message (user) attribute '%s' must contain valid characters.",
			    name);
			return -1;
		}
		*bytes += strlen(sv);
	} else {
		size_t n;
		unsigned char *raw = bv ? fg_base64_decode(bv, &n) : NULL;

		if (raw == NULL || n == 0 || sv) {
			free(raw);
			*err = fg_printf("The message attribute '%s' must contain non-empty message "
			    "attribute value for message attribute type '%s'.", name, type);
			return -1;
		}
		free(raw);
		*bytes += n;
	}
	return 0;
}

/* Checks a MessageAttributes or MessageSystemAttributes object. */
int
sqs_attrs_check(fg_json attrs, int sys, size_t *bytes, char **err)
{
	if (attrs == NULL || YAJL_IS_NULL(attrs))
		return 0;
	if (fg_json_len(attrs) > SQS_MAX_ATTRIBUTES) {
		*err = fg_printf("Number of message attributes [%zu] exceeds the allowed maximum "
		    "[%d].", fg_json_len(attrs), SQS_MAX_ATTRIBUTES);
		return -1;
	}
	for (size_t i = 0; i < fg_json_len(attrs); i++) {
		const char *name = fg_json_key(attrs, i);

		if (sys ? strcmp(name, "AWSTraceHeader") != 0 : !name_ok(name)) {
			*err = sys ? fg_printf("Message system attribute name '%s' is invalid.", name) :
			    fg_printf("Message (user) attribute name '%s' is invalid.", name);
			return -1;
		}
		for (size_t j = 0; j < i; j++)
			if (strcmp(fg_json_key(attrs, j), name) == 0) {
				*err = fg_printf("Message (user) attribute name '%s' is repeated.", name);
				return -1;
			}
		if (value_check(name, fg_json_at(attrs, i), sys, bytes, err) != 0)
			return -1;
	}
	return 0;
}

/* Orders attribute names by their bytes. */
static int
cmp_names(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Appends a 4-byte big-endian length and the bytes. */
static void
put_field(struct fg_buf *b, const void *p, size_t n)
{
	unsigned char len[4] = { (unsigned char)(n >> 24), (unsigned char)(n >> 16),
		(unsigned char)(n >> 8), (unsigned char)n };

	fg_buf_add(b, len, 4);
	fg_buf_add(b, p, n);
}

/* The MD5 of a set of message attributes, as AWS computes it. */
void
sqs_attrs_md5(fg_json attrs, char out[33])
{
	size_t n = attrs && YAJL_IS_OBJECT(attrs) ? fg_json_len(attrs) : 0;
	const char **names;
	struct fg_buf b;

	out[0] = '\0';
	if (n == 0)
		return;
	names = fg_calloc(n, sizeof(*names));
	for (size_t i = 0; i < n; i++)
		names[i] = fg_json_key(attrs, i);
	qsort(names, n, sizeof(*names), cmp_names);
	fg_buf_init(&b);
	for (size_t i = 0; i < n; i++) {
		fg_json v = fg_json_get(attrs, names[i]);
		const char *type = fg_json_str(fg_json_get(v, "DataType"));
		const char *sv = fg_json_str(fg_json_get(v, "StringValue"));
		const char *bv = fg_json_str(fg_json_get(v, "BinaryValue"));
		char kind = data_kind(type) == 2 ? 2 : 1;

		type = type ? type : "";
		put_field(&b, names[i], strlen(names[i]));
		put_field(&b, type, strlen(type));
		fg_buf_addc(&b, kind);
		if (kind == 2) {
			size_t len = 0;
			unsigned char *raw = bv ? fg_base64_decode(bv, &len) : NULL;

			put_field(&b, raw ? (const void *)raw : "", raw ? len : 0);
			free(raw);
		} else
			put_field(&b, sv ? sv : "", sv ? strlen(sv) : 0);
	}
	fg_md5_hex(b.data, b.len, out);
	fg_buf_free(&b);
	free(names);
}

/* Says whether name is selected by a list of attribute names (All, .*, prefix.*, name). */
int
sqs_attr_selected(fg_json names, const char *name)
{
	for (size_t i = 0; names && i < fg_json_len(names); i++) {
		const char *s = fg_json_str(fg_json_at(names, i));
		size_t n;

		if (s == NULL)
			continue;
		n = strlen(s);
		if (strcmp(s, "All") == 0 || strcmp(s, ".*") == 0 || strcmp(s, name) == 0)
			return 1;
		if (n > 2 && strcmp(s + n - 2, ".*") == 0 && strncmp(s, name, n - 1) == 0)
			return 1;
	}
	return 0;
}

/* Says whether a message body holds only allowed characters (for sqs_msg.c). */
int
sqs_text_ok(const char *s, size_t len)
{
	return text_ok(s, len);
}
