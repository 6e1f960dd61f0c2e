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
		dnl Instrument every library for coverage; only the targets link libFuzzer's main.
		FUZZ_CFLAGS="-g -O1 -fsanitize=fuzzer-no-link,address,undefined -fno-omit-frame-pointer"
		FUZZ_LDFLAGS="-fsanitize=address,undefined"
	])
	AC_SUBST([FUZZ_CFLAGS])
	AC_SUBST([FUZZ_LDFLAGS])
	AM_CONDITIONAL([FUZZERS], [test "x$enable_fuzzers" = xyes])
])
