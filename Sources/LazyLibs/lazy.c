/* Opens a heavy C library on the first call of one of its functions.

   Starting the installer used to map about 60 shared libraries (libcurl alone pulls in
   gnutls, ssh, ldap, kerberos...) and libparted's constructor ran `sh -c dmidecode` before
   the first screen. Now lazy_stubs.c defines each listed function as a stub: the first call
   lands in lazy_trampoline below, which saves the argument registers, asks lazy_resolve for
   the real address (dlopen + dlsym, once) and jumps there; later calls jump straight through
   lazy_addresses. x86-64 System V only, like the rest of the installer. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "lazylibs_impl.h"
#include "lazylibs.h"

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static void *handles[16];

static void fail(const char *what, const char *soname, const char *purpose, const char *err) {
    char msg[512];
    int n = snprintf(msg, sizeof msg, "\nhost-installer: cannot %s %s (needed for %s): %s\n"
                     "Install the library (scripts/install-deps) and start the installer again.\n",
                     what, soname, purpose, err ? err : "unknown error");
    if (n > 0) { ssize_t w = write(2, msg, (size_t)n < sizeof msg ? (size_t)n : sizeof msg - 1); (void)w; }
    _exit(127);
}

static void *library(unsigned i) {
    pthread_mutex_lock(&lock);
    void *h = handles[i];
    if (!h) {
        h = dlopen(lazy_libraries[i].soname, RTLD_NOW | RTLD_LOCAL);
        if (!h) fail("load", lazy_libraries[i].soname, lazy_libraries[i].purpose, dlerror());
        handles[i] = h;
    }
    pthread_mutex_unlock(&lock);
    return h;
}

static void *lookup(unsigned lib, const char *name) {
    void *h = library(lib);
    pthread_mutex_lock(&lock);   /* dlerror's state is per thread, but keep lookups simple */
    dlerror();
    void *f = dlsym(h, name);
    const char *err = f ? NULL : dlerror();
    pthread_mutex_unlock(&lock);
    if (!f) fail("find a function in", lazy_libraries[lib].soname, lazy_libraries[lib].purpose, err ? err : name);
    return f;
}

LAZY_HIDDEN __attribute__((used)) void *lazy_resolve(unsigned idx) {
    void *f = lookup(lazy_symbols[idx].library, lazy_symbols[idx].name);
    __atomic_store_n(&lazy_addresses[idx], f, __ATOMIC_RELEASE);
    return f;
}

/* Entered with the stub's index in r11 and the caller's arguments in place; the stack is as
   the caller left it (return address on top). */
__asm__(
    ".text\n"
    ".globl lazy_trampoline\n.hidden lazy_trampoline\n.type lazy_trampoline, @function\n"
    "lazy_trampoline:\n"
    "    pushq %rbp\n"
    "    movq %rsp, %rbp\n"
    "    pushq %rdi\n    pushq %rsi\n    pushq %rdx\n    pushq %rcx\n"
    "    pushq %r8\n     pushq %r9\n     pushq %rax\n    pushq %r11\n"
    "    subq $128, %rsp\n"
    "    movdqu %xmm0, 0(%rsp)\n   movdqu %xmm1, 16(%rsp)\n  movdqu %xmm2, 32(%rsp)\n  movdqu %xmm3, 48(%rsp)\n"
    "    movdqu %xmm4, 64(%rsp)\n  movdqu %xmm5, 80(%rsp)\n  movdqu %xmm6, 96(%rsp)\n  movdqu %xmm7, 112(%rsp)\n"
    "    movl %r11d, %edi\n"
    "    call lazy_resolve\n"
    "    movq %rax, %r11\n"
    "    movdqu 0(%rsp), %xmm0\n   movdqu 16(%rsp), %xmm1\n  movdqu 32(%rsp), %xmm2\n  movdqu 48(%rsp), %xmm3\n"
    "    movdqu 64(%rsp), %xmm4\n  movdqu 80(%rsp), %xmm5\n  movdqu 96(%rsp), %xmm6\n  movdqu 112(%rsp), %xmm7\n"
    "    addq $128, %rsp\n"
    "    popq %r10\n    popq %rax\n    popq %r9\n     popq %r8\n"
    "    popq %rcx\n    popq %rdx\n    popq %rsi\n    popq %rdi\n"
    "    popq %rbp\n"
    "    jmp *%r11\n"
    ".size lazy_trampoline, .-lazy_trampoline\n"
);

int lazy_library_is_loaded(const char *soname) {
    int loaded = 0;
    pthread_mutex_lock(&lock);
    for (unsigned i = 0; i < lazy_library_count; i++)
        if (strcmp(lazy_libraries[i].soname, soname) == 0 && handles[i]) loaded = 1;
    pthread_mutex_unlock(&lock);
    return loaded;
}

void cx_free(void *p) {
    static void (**xml_free)(void *);
    void (**f)(void *) = __atomic_load_n(&xml_free, __ATOMIC_ACQUIRE);
    if (!f) {
        for (unsigned i = 0; i < lazy_library_count; i++)
            if (strcmp(lazy_libraries[i].soname, "libxml2.so.2") == 0) f = (void (**)(void *))lookup(i, "xmlFree");
        if (!f) fail("find xmlFree in", "libxml2.so.2", "answerfiles and repository metadata", "not listed in symbols.txt");
        __atomic_store_n(&xml_free, f, __ATOMIC_RELEASE);
    }
    (*f)(p);
}
