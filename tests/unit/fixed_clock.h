/* fixed_clock.h: a fixed clock for tests and fuzz targets: wall time as given, monotonic
 * 1000 ms, random bytes all 7. */
#ifndef FUGUE_FIXED_CLOCK_H
#define FUGUE_FIXED_CLOCK_H

#include <stdint.h>

/* Installs the fixed clock at wall_ms (Unix ms); fg_clock_set(NULL) restores the real one. */
void fixed_clock_set(int64_t wall_ms);

#endif
