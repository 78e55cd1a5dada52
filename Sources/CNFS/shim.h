#ifndef CNFS_SHIM_H
#define CNFS_SHIM_H
#include <stdint.h>
#include <sys/types.h>
#include <sys/stat.h>
#include <nfsc/libnfs.h>
#endif
