/* main.c: fugue-localcloud, an AWS-compatible endpoint on loopback. */
#include "config.h"

#include "lc.h"

int
main(int argc, char **argv)
{
	return lc_main(argc, argv);
}
