# FUGUE_CHECK_DEPS: the libraries every part of Fugue links, found through pkg-config.
AC_DEFUN([FUGUE_CHECK_DEPS], [
	PKG_PROG_PKG_CONFIG
	PKG_CHECK_MODULES([LIBEVENT], [libevent_core >= 2.1 libevent_openssl >= 2.1 libevent_extra >= 2.1])
	PKG_CHECK_MODULES([OPENSSL], [openssl >= 1.1.1])
	PKG_CHECK_MODULES([YAJL], [yajl >= 2.0])
	PKG_CHECK_MODULES([EXPAT], [expat >= 2.2])
	PKG_CHECK_MODULES([YAML], [yaml-0.1 >= 0.2])
	PKG_CHECK_MODULES([CHECK], [check >= 0.11], [have_check=yes], [have_check=no])
	AS_IF([test "x$have_check" != xyes],
		[AC_MSG_WARN([Check not found: make check will not build the unit tests])])
	AM_CONDITIONAL([HAVE_CHECK], [test "x$have_check" = xyes])
])

# FUGUE_SHARED_DIR: where the team's shared test data lives (../shared beside the checkout).
AC_DEFUN([FUGUE_SHARED_DIR], [
	AC_ARG_WITH([shared-dir],
		[AS_HELP_STRING([--with-shared-dir=DIR], [the shared test data directory @<:@SRCDIR/../shared@:>@])],
		[SHARED_DIR=$withval], [SHARED_DIR='$(abs_top_srcdir)/../shared'])
	AC_SUBST([SHARED_DIR])
])
