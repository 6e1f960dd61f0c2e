/* nosym.c: a test module that exports no broker struct. */
int nosym_answer(void);

/* Something to export. */
int
nosym_answer(void)
{
	return 42;
}
