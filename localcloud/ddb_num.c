/* ddb_num.c: DynamoDB numbers as exact decimals: parsing, canonical text, ordering, + and -. */
#include <stdlib.h>
#include <string.h>

#include "ddb.h"

#define NOT_NUMERIC "The parameter cannot be converted to a numeric value"
#define OVERFLOW_MSG "Number overflow. Attempting to store a number with magnitude larger than supported range"
#define UNDERFLOW_MSG "Number underflow. Attempting to store a number with magnitude smaller than supported range"
#define DIGITS_MSG "Attempting to store more than 38 significant digits in a Number"
/* Digits of an exact sum: the exponent range plus the precision, plus carry. */
#define SUM_WIDTH (DDB_NUM_MAX_EXP - DDB_NUM_MIN_EXP + 2 * DDB_NUM_MAX_DIGITS + 4)

/* Checks the range and precision of a parsed number. */
static int
num_check(const struct ddb_num *n, int sig, char **err)
{
	if (n->nd == 0)
		return 0;
	if (n->exp > DDB_NUM_MAX_EXP) {
		*err = fg_strdup(OVERFLOW_MSG);
		return -1;
	}
	if (n->exp < DDB_NUM_MIN_EXP) {
		*err = fg_strdup(UNDERFLOW_MSG);
		return -1;
	}
	if (sig > DDB_NUM_MAX_DIGITS) {
		*err = fg_strdup(DIGITS_MSG);
		return -1;
	}
	return 0;
}

/* Parses [+-]digits[.digits][e[+-]digits] into n (exact); -1 with DynamoDB's message. */
int
ddb_num_parse(const char *s, size_t len, struct ddb_num *n, char **err)
{
	size_t i = 0;
	long intdigits = 0, pos = 0, first = -1, last = -1, e = 0;
	int seen = 0, esign = 1;

	memset(n, 0, sizeof(*n));
	if (len == 0) {
		*err = fg_strdup(NOT_NUMERIC);
		return -1;
	}
	if (s[i] == '-' || s[i] == '+')
		n->neg = s[i++] == '-';
	for (int frac = 0; i < len; i++) {
		if (s[i] == '.' && !frac) {
			frac = 1;
			continue;
		}
		if (s[i] < '0' || s[i] > '9')
			break;
		seen = 1;
		if (!frac)
			intdigits++;
		if (s[i] != '0') {
			if (first < 0)
				first = pos;
			last = pos;
		}
		if (first >= 0 && pos - first < DDB_NUM_MAX_DIGITS + 1)
			n->d[pos - first] = s[i];
		pos++;
	}
	if (seen && i < len && (s[i] == 'e' || s[i] == 'E')) {
		int edigits = 0;

		i++;
		if (i < len && (s[i] == '-' || s[i] == '+'))
			esign = s[i++] == '-' ? -1 : 1;
		for (; i < len && s[i] >= '0' && s[i] <= '9'; i++, edigits++)
			if (e < 1000000)
				e = e * 10 + (s[i] - '0');
		if (edigits == 0)
			seen = 0;
	}
	if (!seen || i != len) {
		*err = fg_printf(NOT_NUMERIC ": %.*s", (int)(len > 200 ? 200 : len), s);
		return -1;
	}
	if (first < 0) {
		memset(n, 0, sizeof(*n));
		return 0;
	}
	n->exp = (int)(intdigits - 1 - first + esign * e);
	n->nd = (int)(last - first + 1);
	if (n->nd > DDB_NUM_MAX_DIGITS) {
		int sig = n->nd;

		n->nd = DDB_NUM_MAX_DIGITS;
		n->d[n->nd] = 0;
		return num_check(n, sig, err);
	}
	n->d[n->nd] = 0;
	return num_check(n, n->nd, err);
}

/* Plain decimal text of n, as DynamoDB returns numbers. */
char *
ddb_num_format(const struct ddb_num *n)
{
	struct fg_buf b;

	if (n->nd == 0)
		return fg_strdup("0");
	fg_buf_init(&b);
	if (n->neg)
		fg_buf_addc(&b, '-');
	if (n->exp < 0) {
		fg_buf_addstr(&b, "0.");
		for (int i = -1; i > n->exp; i--)
			fg_buf_addc(&b, '0');
		fg_buf_add(&b, n->d, (size_t)n->nd);
	} else {
		for (int i = 0; i <= n->exp; i++)
			fg_buf_addc(&b, i < n->nd ? n->d[i] : '0');
		if (n->nd > n->exp + 1) {
			fg_buf_addc(&b, '.');
			fg_buf_add(&b, n->d + n->exp + 1, (size_t)(n->nd - n->exp - 1));
		}
	}
	return fg_buf_detach(&b);
}

/* Parses and re-prints a number. */
int
ddb_num_canon(const char *s, size_t len, char **out, char **err)
{
	struct ddb_num n;

	if (ddb_num_parse(s, len, &n, err) < 0)
		return -1;
	*out = ddb_num_format(&n);
	return 0;
}

/* Compares magnitudes of two parsed numbers. */
static int
mag_cmp(const struct ddb_num *a, const struct ddb_num *b)
{
	int r;

	if (a->nd == 0 || b->nd == 0)
		return (a->nd != 0) - (b->nd != 0);
	if (a->exp != b->exp)
		return a->exp < b->exp ? -1 : 1;
	r = strncmp(a->d, b->d, (size_t)(a->nd < b->nd ? a->nd : b->nd));
	if (r != 0)
		return r < 0 ? -1 : 1;
	return (a->nd > b->nd) - (a->nd < b->nd);
}

/* Orders two canonical number texts by value (text that does not parse orders as zero). */
int
ddb_num_cmp(const char *as, const char *bs)
{
	struct ddb_num a, b;
	char *err = NULL;
	int sa, sb, m;

	if (ddb_num_parse(as, strlen(as), &a, &err) < 0) {
		free(err);
		err = NULL;
		memset(&a, 0, sizeof(a));
	}
	if (ddb_num_parse(bs, strlen(bs), &b, &err) < 0) {
		free(err);
		memset(&b, 0, sizeof(b));
	}
	sa = a.nd == 0 ? 0 : a.neg ? -1 : 1;
	sb = b.nd == 0 ? 0 : b.neg ? -1 : 1;
	if (sa != sb)
		return sa < sb ? -1 : 1;
	m = mag_cmp(&a, &b);
	return sa < 0 ? -m : m;
}

/* Adds the digits of n into acc (units at index pos_of(10^low)), with sign. */
static void
acc_add(int *acc, const struct ddb_num *n, int low, int sign)
{
	for (int i = 0; i < n->nd; i++)
		acc[n->exp - i - low] += sign * (n->d[i] - '0');
}

/* a + b (or a - b) exactly; the result must fit DynamoDB's range and precision. */
int
ddb_num_add(const char *as, const char *bs, int subtract, char **out, char **err)
{
	struct ddb_num a, b, r;
	int acc[SUM_WIDTH], low, top, bottom, sa, sb, sign = 1;

	if (ddb_num_parse(as, strlen(as), &a, err) < 0 || ddb_num_parse(bs, strlen(bs), &b, err) < 0)
		return -1;
	if (subtract)
		b.neg = !b.neg;
	memset(acc, 0, sizeof(acc));
	low = 0;
	if (a.nd && a.exp - a.nd + 1 < low)
		low = a.exp - a.nd + 1;
	if (b.nd && b.exp - b.nd + 1 < low)
		low = b.exp - b.nd + 1;
	sa = a.neg ? -1 : 1;
	sb = b.neg ? -1 : 1;
	/* Subtract the smaller magnitude from the larger so digits stay non-negative. */
	if (sa != sb && mag_cmp(&a, &b) < 0) {
		acc_add(acc, &b, low, 1);
		acc_add(acc, &a, low, -1);
		sign = sb;
	} else {
		acc_add(acc, &a, low, 1);
		acc_add(acc, &b, low, sa == sb ? 1 : -1);
		sign = sa;
	}
	for (int i = 0; i < SUM_WIDTH - 1; i++) {
		while (acc[i] < 0) {
			acc[i] += 10;
			acc[i + 1]--;
		}
		acc[i + 1] += acc[i] / 10;
		acc[i] %= 10;
	}
	memset(&r, 0, sizeof(r));
	for (top = SUM_WIDTH - 1; top >= 0 && acc[top] == 0; top--)
		;
	if (top >= 0) {
		int sig;

		for (bottom = 0; acc[bottom] == 0; bottom++)
			;
		r.neg = sign < 0;
		r.exp = top + low;
		sig = top - bottom + 1;
		r.nd = sig > DDB_NUM_MAX_DIGITS ? DDB_NUM_MAX_DIGITS : sig;
		for (int i = 0; i < r.nd; i++)
			r.d[i] = (char)('0' + acc[top - i]);
		if (num_check(&r, sig, err) < 0)
			return -1;
	}
	*out = ddb_num_format(&r);
	return 0;
}

/* Bytes DynamoDB counts for a number: about one per two significant digits, plus one. */
size_t
ddb_num_size(const char *s)
{
	struct ddb_num n;
	char *err = NULL;

	if (ddb_num_parse(s, strlen(s), &n, &err) < 0) {
		free(err);
		return 1;
	}
	if (n.nd == 0)
		return 1;
	return 1 + (size_t)((n.nd + 1) / 2) + ((n.nd % 2) || (n.exp % 2) ? 0 : 1) + (n.neg ? 1 : 0);
}
