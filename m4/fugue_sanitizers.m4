# FUGUE_SANITIZERS: --enable-sanitizers builds everything with ASan and UBSan.
AC_DEFUN([FUGUE_SANITIZERS], [
	AC_ARG_ENABLE([sanitizers],
		[AS_HELP_STRING([--enable-sanitizers], [build with AddressSanitizer and UndefinedBehaviorSanitizer])],
		[], [enable_sanitizers=no])
	SAN_CFLAGS=""
	SAN_LDFLAGS=""
	AS_IF([test "x$enable_sanitizers" = xyes], [
		SAN_CFLAGS="-fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer"
		SAN_LDFLAGS="-fsanitize=address,undefined"
	])
	AC_SUBST([SAN_CFLAGS])
	AC_SUBST([SAN_LDFLAGS])
	AM_CONDITIONAL([SANITIZERS], [test "x$enable_sanitizers" = xyes])
])
