/// A key press, decoded the same way under TERM=linux, xterm, screen and tmux.
enum Key: Equatable, Hashable {
    case char(Character)
    case tab, backTab, enter, escape, space
    case up, down, left, right, pageUp, pageDown, home, end
    case backspace, delete
    case f(Int)
    /// Alt-F1..F3 (consoles); also the fallback chord Ctrl-A then 1..3.
    case altF(Int)
    case ctrl(Character)
    case resize
}
