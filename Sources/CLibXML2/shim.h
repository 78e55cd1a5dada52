#ifndef CLIBXML2_SHIM_H
#define CLIBXML2_SHIM_H
/* libxml2 built with ICU makes encoding.h include the system <unicode/ucnv.h>, whose
   UErrorCode clashes with Foundation's bundled ICU as soon as one Swift module imports both
   (a clean build fails: "'UErrorCode' has different definitions in different modules").
   Nothing here needs ICU: it only adds two trailing pointer fields to
   xmlCharEncodingHandler, which Swift code never touches. */
#include <libxml/xmlversion.h>
#undef LIBXML_ICU_ENABLED
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>
#include <libxml/xmlwriter.h>
/* xmlFree is a global function pointer, which Swift 6 refuses to read; LazyLibs defines
   cx_free, which calls it once libxml2 is open. */
void cx_free(void *p);
#endif
