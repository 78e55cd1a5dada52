/* ncursesw for Swift: the wide API, and functions for the macros and globals
 * that Swift 6 cannot import (stdscr, LINES, KEY_F(n), A_*, ACS_*). */
#ifndef CNCURSES_SHIM_H
#define CNCURSES_SHIM_H
#ifndef NCURSES_WIDECHAR
#define NCURSES_WIDECHAR 1          /* SwiftPM drops _XOPEN_SOURCE from pkg-config */
#endif
#include <locale.h>
#include <wchar.h>
#include <ncursesw/curses.h>

static inline WINDOW *cn_stdscr(void) { return stdscr; }
/* The next refresh repaints every cell (after a resize, what the terminal shows is unknown). */
static inline int cn_repaint_all(void) { return clearok(curscr, TRUE); }
static inline int cn_lines(void) { return LINES; }
static inline int cn_cols(void) { return COLS; }
static inline int cn_key_f(int n) { return KEY_F(n); }
static inline attr_t cn_a_normal(void) { return A_NORMAL; }
static inline attr_t cn_a_bold(void) { return A_BOLD; }
static inline attr_t cn_a_reverse(void) { return A_REVERSE; }
static inline attr_t cn_a_underline(void) { return A_UNDERLINE; }
static inline attr_t cn_color_pair(int n) { return COLOR_PAIR(n); }

/* rc = ERR | OK (character in *out) | KEY_CODE_YES (key code in *out) */
static inline int cn_get_wch(WINDOW *w, unsigned int *out) {
    wint_t wc = 0; int rc = wget_wch(w, &wc); *out = (unsigned int)wc; return rc;
}
/* One character cell with attributes and colour pair. */
static inline int cn_put(int y, int x, unsigned int ch, attr_t a, short pair) {
    cchar_t cc; wchar_t s[2] = { (wchar_t)ch, 0 };
    setcchar(&cc, s, a, pair, NULL);
    return mvadd_wch(y, x, &cc);
}
#endif
