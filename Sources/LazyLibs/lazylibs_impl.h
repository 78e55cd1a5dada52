/* Internal to LazyLibs: the tables that scripts/gen-lazy-libs writes into lazy_stubs.c. */
#ifndef LAZYLIBS_IMPL_H
#define LAZYLIBS_IMPL_H
#define LAZY_HIDDEN __attribute__((visibility("hidden")))

struct lazy_library { const char *soname; const char *purpose; };
struct lazy_symbol { unsigned library; const char *name; };

extern const struct lazy_library lazy_libraries[] LAZY_HIDDEN;
extern const unsigned lazy_library_count LAZY_HIDDEN;
extern const struct lazy_symbol lazy_symbols[] LAZY_HIDDEN;
extern const unsigned lazy_symbol_count LAZY_HIDDEN;
/* The resolved address of each symbol, 0 until its first call. */
extern void *lazy_addresses[] LAZY_HIDDEN;
#endif
