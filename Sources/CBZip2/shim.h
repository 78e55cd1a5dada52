#ifndef CBZIP2_SHIM_H
#define CBZIP2_SHIM_H
/* libbz2 (not linked: LazyLibs opens it on the first call). */
#include <bzlib.h>
#endif
