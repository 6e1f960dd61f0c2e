# FUGUE_FUZZERS: --enable-fuzzers builds the libFuzzer targets (needs clang).
AC_DEFUN([FUGUE_FUZZERS], [
	AC_ARG_ENABLE([fuzzers],
		[AS_HELP_STRING([--enable-fuzzers], [build libFuzzer targets in tests/fuzz (CC=clang)])],
		[], [enable_fuzzers=no])
	AS_IF([test "x$enable_fuzzers" = xyes], [
		save_CFLAGS=$CFLAGS
		CFLAGS="$CFLAGS -fsanitize=fuzzer-no-link"
		AC_MSG_CHECKING([whether $CC supports -fsanitize=fuzzer])
		AC_LINK_IFELSE([AC_LANG_PROGRAM([], [])], [AC_MSG_RESULT([yes])],
			[AC_MSG_RESULT([no]); AC_MSG_ERROR([--enable-fuzzers needs clang with libFuzzer])])
		CFLAGS=$save_CFLAGS
	])
	AM_CONDITIONAL([FUZZERS], [test "x$enable_fuzzers" = xyes])
])
