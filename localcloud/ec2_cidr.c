/* ec2_cidr.c: IPv4 CIDR blocks: parsing, formatting, containment and overlap. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "ec2.h"

/* The network mask of a prefix length. */
static uint32_t
mask(int len)
{
	return len == 0 ? 0 : 0xffffffffu << (32 - len);
}

/* Reads a decimal number of at most max without leading zeros; returns the characters read,
 * 0 when there is none. */
static size_t
decimal(const char *s, unsigned max, unsigned *out)
{
	size_t n = 0;
	unsigned v = 0;

	while (s[n] >= '0' && s[n] <= '9') {
		if (n > 0 && v == 0)
			return 0;
		v = v * 10 + (unsigned)(s[n] - '0');
		if (v > max)
			return 0;
		n++;
	}
	*out = v;
	return n;
}

/* Parses "a.b.c.d/n" with the host bits clear. */
int
ec2_cidr_parse(const char *s, struct ec2_cidr *c)
{
	uint32_t ip = 0;
	unsigned v;
	size_t n;

	if (s == NULL)
		return -1;
	for (int i = 0; i < 4; i++) {
		if ((n = decimal(s, 255, &v)) == 0)
			return -1;
		ip = ip << 8 | v;
		s += n;
		if (*s++ != (i < 3 ? '.' : '/'))
			return -1;
	}
	if ((n = decimal(s, 32, &v)) == 0 || s[n] != '\0')
		return -1;
	if ((ip & ~mask((int)v)) != 0)
		return -1;
	c->net = ip;
	c->len = (int)v;
	return 0;
}

/* Writes an address in dotted decimal. */
void
ec2_ip_format(uint32_t ip, char out[16])
{
	snprintf(out, 16, "%u.%u.%u.%u", ip >> 24, ip >> 16 & 255, ip >> 8 & 255, ip & 255);
}

/* Writes a block as "a.b.c.d/n". */
void
ec2_cidr_format(const struct ec2_cidr *c, char out[EC2_CIDR_MAX])
{
	char ip[16];

	ec2_ip_format(c->net, ip);
	snprintf(out, EC2_CIDR_MAX, "%s/%d", ip, c->len);
}

/* Says whether inner lies within outer. */
int
ec2_cidr_contains(const struct ec2_cidr *outer, const struct ec2_cidr *inner)
{
	return inner->len >= outer->len && (inner->net & mask(outer->len)) == outer->net;
}

/* Says whether two blocks share an address (one then contains the other). */
int
ec2_cidr_overlap(const struct ec2_cidr *a, const struct ec2_cidr *b)
{
	return ec2_cidr_contains(a, b) || ec2_cidr_contains(b, a);
}

/* The number of addresses of a block. */
uint64_t
ec2_cidr_size(const struct ec2_cidr *c)
{
	return (uint64_t)1 << (32 - c->len);
}
