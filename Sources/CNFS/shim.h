#ifndef CNFS_SHIM_H
#define CNFS_SHIM_H
#include <stdint.h>
#include <sys/types.h>
#include <sys/stat.h>
#include <sys/time.h>   /* libnfs.h uses struct timeval without including it */
#include <fcntl.h>
#include <nfsc/libnfs.h>
#endif
