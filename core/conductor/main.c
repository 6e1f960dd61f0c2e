/* main.c: fugue-conductor, the Fugue daemon (everything is in libconductor). */
#include "config.h"

#include "conductor.h"

/* Runs the Conductor. */
int
main(int argc, char **argv)
{
	return conductor_main(argc, argv);
}
