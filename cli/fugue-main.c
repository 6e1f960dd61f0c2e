/* fugue-main.c: the fugue command (everything is in libfugue-cli). */
#include "config.h"

#include "cmd.h"

/* Runs one command line. */
int
main(int argc, char **argv)
{
	return cmd_main(argc, argv);
}
