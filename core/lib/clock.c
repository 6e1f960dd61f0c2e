/* clock.c: the clock and randomness seams (monotonic, wall time, random bytes). */
#include "config.h"

#include <openssl/rand.h>
#include <stdlib.h>
#include <time.h>

#include "base.h"

/* Reads the monotonic clock. */
static uint64_t
real_mono_ms(void *arg)
{
	struct timespec ts;

	(void)arg;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* Reads the wall clock. */
static int64_t
real_wall_ms(void *arg)
{
	struct timespec ts;

	(void)arg;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Fills buf from OpenSSL's CSPRNG. */
static void
real_random(void *arg, void *buf, size_t len)
{
	(void)arg;
	if (RAND_bytes(buf, (int)len) != 1)
		fatalx("RAND_bytes failed");
}

static const struct fg_clock_ops real_clock = { real_mono_ms, real_wall_ms, real_random, NULL };
static const struct fg_clock_ops *clock_ops = &real_clock;

/* Replaces the clock and randomness (tests); NULL restores the real ones. */
void
fg_clock_set(const struct fg_clock_ops *ops)
{
	clock_ops = ops ? ops : &real_clock;
}

/* Monotonic milliseconds. */
uint64_t
fg_mono_ms(void)
{
	return clock_ops->mono_ms(clock_ops->arg);
}

/* Unix time in milliseconds. */
int64_t
fg_wall_ms(void)
{
	return clock_ops->wall_ms(clock_ops->arg);
}

/* Unix time in seconds. */
time_t
fg_wall_time(void)
{
	return (time_t)(fg_wall_ms() / 1000);
}

/* Fills buf with random bytes. */
void
fg_random_bytes(void *buf, size_t len)
{
	clock_ops->random(clock_ops->arg, buf, len);
}

/* A uniformly random 32-bit number. */
uint32_t
fg_random_u32(void)
{
	uint32_t v;

	fg_random_bytes(&v, sizeof(v));
	return v;
}

/* A random number in [0, 1). */
double
fg_random_unit(void)
{
	return fg_random_u32() / 4294967296.0;
}
