/* fixed_clock.c: a fixed clock for tests and fuzz targets (the fg_clock_ops seam). */
#include "config.h"

#include <string.h>

#include "base.h"
#include "fixed_clock.h"

static int64_t fixed_wall_ms;

/* The fixed monotonic clock. */
static uint64_t
fixed_mono(void *arg)
{
	(void)arg;
	return 1000;
}

/* The fixed wall clock. */
static int64_t
fixed_wall(void *arg)
{
	(void)arg;
	return fixed_wall_ms;
}

/* Randomness the fixed clock's users do not depend on. */
static void
fixed_random(void *arg, void *buf, size_t len)
{
	(void)arg;
	memset(buf, 7, len);
}

static const struct fg_clock_ops fixed = { fixed_mono, fixed_wall, fixed_random, NULL };

/* Installs the fixed clock at wall_ms (Unix ms). */
void
fixed_clock_set(int64_t wall_ms)
{
	fixed_wall_ms = wall_ms;
	fg_clock_set(&fixed);
}
