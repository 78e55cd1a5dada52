#ifndef CLIBXML2_SHIM_H
#define CLIBXML2_SHIM_H
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>
#include <libxml/xmlwriter.h>
/* xmlFree is a global function pointer, which Swift 6 refuses to read. */
static inline void cx_free(void *p) { xmlFree(p); }
#endif
