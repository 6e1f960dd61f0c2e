# FUGUE_CHECK_LTDL: libltdl (no pkg-config file on Debian), for the plugin loader.
AC_DEFUN([FUGUE_CHECK_LTDL], [
	AC_CHECK_HEADER([ltdl.h], [], [AC_MSG_ERROR([ltdl.h not found: install libltdl-dev])])
	AC_CHECK_LIB([ltdl], [lt_dlopenext], [LTDL_LIBS=-lltdl],
		[AC_MSG_ERROR([libltdl not found: install libltdl-dev])])
	AC_SUBST([LTDL_LIBS])
])
