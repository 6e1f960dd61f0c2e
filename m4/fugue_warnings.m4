# FUGUE_WARNINGS: -Wall -Wextra, and -Werror unless --disable-werror.
AC_DEFUN([FUGUE_WARNINGS], [
	AC_ARG_ENABLE([werror],
		[AS_HELP_STRING([--disable-werror], [do not turn warnings into errors])],
		[], [enable_werror=yes])
	WARN_CFLAGS="-Wall -Wextra -Wformat=2 -Wshadow -Wno-unused-parameter -Wmissing-prototypes -Wstrict-prototypes"
	AS_IF([test "x$enable_werror" = xyes], [WARN_CFLAGS="$WARN_CFLAGS -Werror"])
	AC_SUBST([WARN_CFLAGS])
])
