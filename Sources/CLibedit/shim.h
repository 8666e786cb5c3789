#ifndef CLIBEDIT_SHIM_H
#define CLIBEDIT_SHIM_H
/* libedit's readline-compatible API: not variadic, so Swift calls it directly. */
#include <stdio.h>
#include <stdlib.h>
#include <editline/readline.h>
#endif
