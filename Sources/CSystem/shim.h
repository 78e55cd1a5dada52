#ifndef CSYSTEM_SHIM_H
#define CSYSTEM_SHIM_H
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
/* POSIX and Linux pieces that Swift's Glibc module leaves out. */
#include <pty.h>
#include <termios.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/wait.h>
#include <linux/loop.h>
#include <linux/fs.h>
#include <signal.h>
#include <unistd.h>
#include <errno.h>
#include <stdio.h>
#include <fcntl.h>
static inline int cs_errno(void) { return errno; }
static inline int cs_set_winsize(int fd, unsigned short rows, unsigned short cols) {
    struct winsize ws = { rows, cols, 0, 0 }; return ioctl(fd, TIOCSWINSZ, &ws);
}
static inline int cs_ioctl_int(int fd, unsigned long req, unsigned long arg) { return ioctl(fd, req, arg); }
static inline int cs_ioctl_ptr(int fd, unsigned long req, void *arg) { return ioctl(fd, req, arg); }
static inline unsigned long cs_blkgetsize64(void) { return BLKGETSIZE64; }
static inline unsigned long cs_loop_configure(void) { return LOOP_CONFIGURE; }
static inline int cs_wifexited(int s) { return WIFEXITED(s); }
static inline int cs_wexitstatus(int s) { return WEXITSTATUS(s); }
static inline int cs_wifsignaled(int s) { return WIFSIGNALED(s); }
static inline int cs_wtermsig(int s) { return WTERMSIG(s); }
/* Starts writeback of [offset, offset+len) without waiting for it (sync_file_range). */
static inline int cs_start_writeback(int fd, long long offset, long long len) {
    return sync_file_range(fd, offset, len, SYNC_FILE_RANGE_WRITE);
}
#endif
