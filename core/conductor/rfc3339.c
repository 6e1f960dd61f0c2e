/* rfc3339.c: RFC 3339 timestamps, the time format of the protocol and the store. */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "store.h"

/* Formats Unix milliseconds as "YYYY-MM-DDTHH:MM:SS.mmmZ" (years of up to 6 digits fit). */
void
rfc3339_format(int64_t ms, char out[32])
{
	time_t t;
	struct tm tm;
	int64_t frac = ms % 1000;
	size_t n;

	if (frac < 0) {
		frac += 1000;
		ms -= 1000;
	}
	t = (time_t)(ms / 1000);
	gmtime_r(&t, &tm);
	/* (Not strftime's %Y: it leaves years before 1000 unpadded, which no parser takes.) */
	n = (size_t)snprintf(out, 24, "%04d-%02d-%02dT%02d:%02d:%02d", tm.tm_year + 1900,
	    tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
	if (n > 23)
		n = 23;
	out[n++] = '.';
	out[n++] = (char)('0' + frac / 100);
	out[n++] = (char)('0' + frac / 10 % 10);
	out[n++] = (char)('0' + frac % 10);
	out[n++] = 'Z';
	out[n] = '\0';
}

/* Reads n decimal digits at s into *out; -1 when one is not a digit. */
static int
digits(const char *s, int n, int *out)
{
	int i, v = 0;

	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return 0;
}

/* Parses "YYYY-MM-DDTHH:MM:SS[.fff…](Z|±hh:mm)" into Unix milliseconds. */
int
rfc3339_parse(const char *s, int64_t *ms)
{
	struct tm tm, back;
	int y, mo, d, h, mi, sec, oh, om, frac = 0, scale = 100;
	time_t t;
	int64_t off = 0;

	if (s == NULL || strlen(s) < 20 || digits(s, 4, &y) < 0 || s[4] != '-' ||
	    digits(s + 5, 2, &mo) < 0 || s[7] != '-' || digits(s + 8, 2, &d) < 0 ||
	    (s[10] != 'T' && s[10] != 't') || digits(s + 11, 2, &h) < 0 || s[13] != ':' ||
	    digits(s + 14, 2, &mi) < 0 || s[16] != ':' || digits(s + 17, 2, &sec) < 0)
		return -1;
	s += 19;
	if (*s == '.') {
		if (s[1] < '0' || s[1] > '9')
			return -1;
		for (s++; *s >= '0' && *s <= '9'; s++) {
			frac += (*s - '0') * scale;
			scale /= 10;
		}
	}
	if (*s == 'Z' || *s == 'z') {
		if (s[1] != '\0')
			return -1;
	} else if (*s == '+' || *s == '-') {
		if (digits(s + 1, 2, &oh) < 0 || s[3] != ':' || digits(s + 4, 2, &om) < 0 ||
		    s[6] != '\0' || oh > 23 || om > 59)
			return -1;
		off = (int64_t)(oh * 60 + om) * 60000;
		if (*s == '-')
			off = -off;
	} else
		return -1;
	if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 60)
		return -1;
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = sec == 60 ? 59 : sec;
	t = timegm(&tm);
	/* timegm folds impossible dates (February 30): a round trip catches them. */
	gmtime_r(&t, &back);
	if (back.tm_mday != d || back.tm_mon != mo - 1)
		return -1;
	*ms = (int64_t)t * 1000 + frac - off;
	return 0;
}
