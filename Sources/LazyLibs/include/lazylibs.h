/* Heavy C libraries (curl, nfs, parted, archive, xml2, crypto) are opened on the first call
   of one of their functions instead of at program start: see lazy.c and symbols.txt. */
#ifndef LAZYLIBS_H
#define LAZYLIBS_H
/* 1 when the library with this soname has been opened by a first call, else 0. */
int lazy_library_is_loaded(const char *soname);
/* libxml2's xmlFree is a global function pointer, which Swift 6 refuses to read. */
void cx_free(void *p);
#endif
