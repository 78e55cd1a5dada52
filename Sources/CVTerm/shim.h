#ifndef CVTERM_SHIM_H
#define CVTERM_SHIM_H
#include <vterm.h>
static inline VTermKey cv_key_function(int n) { return (VTermKey)(VTERM_KEY_FUNCTION_0 + n); }
/* -1: the terminal's default colour; 0-255: a palette index; RGB is mapped to -2. */
static inline int cv_color_index(const VTermColor *c, int isBackground) {
    if (isBackground ? VTERM_COLOR_IS_DEFAULT_BG(c) : VTERM_COLOR_IS_DEFAULT_FG(c)) return -1;
    if (VTERM_COLOR_IS_INDEXED(c)) return c->indexed.idx;
    return -2;
}
static inline int cv_cell_bold(const VTermScreenCell *c) { return c->attrs.bold; }
static inline int cv_cell_reverse(const VTermScreenCell *c) { return c->attrs.reverse; }
static inline uint32_t cv_cell_char(const VTermScreenCell *c) { return c->chars[0]; }
#endif
