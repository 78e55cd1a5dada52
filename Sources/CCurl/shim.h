#ifndef CCURL_SHIM_H
#define CCURL_SHIM_H
#include <curl/curl.h>
/* curl_easy_setopt is variadic: one typed entry point per argument kind. */
static inline CURLcode cc_setopt_long(CURL *c, CURLoption o, long v) { return curl_easy_setopt(c, o, v); }
static inline CURLcode cc_setopt_str(CURL *c, CURLoption o, const char *v) { return curl_easy_setopt(c, o, v); }
static inline CURLcode cc_setopt_ptr(CURL *c, CURLoption o, void *v) { return curl_easy_setopt(c, o, v); }
static inline CURLcode cc_setopt_off(CURL *c, CURLoption o, curl_off_t v) { return curl_easy_setopt(c, o, v); }
typedef size_t (*cc_write_fn)(char *, size_t, size_t, void *);
static inline CURLcode cc_setopt_writefn(CURL *c, cc_write_fn f) { return curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, f); }
typedef int (*cc_xfer_fn)(void *, curl_off_t, curl_off_t, curl_off_t, curl_off_t);
static inline CURLcode cc_setopt_xferfn(CURL *c, cc_xfer_fn f) { return curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, f); }
static inline CURLcode cc_getinfo_long(CURL *c, CURLINFO i, long *v) { return curl_easy_getinfo(c, i, v); }
static inline CURLcode cc_getinfo_off(CURL *c, CURLINFO i, curl_off_t *v) { return curl_easy_getinfo(c, i, v); }
#endif
