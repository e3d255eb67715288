package io.juv.tty;

/** A terminal's input mode ({@code uv_tty_mode_t}). */
public enum TtyMode {
    /** As the terminal was: line editing, echo, signals from ^C and ^Z. */
    NORMAL,
    /** Every key as it is pressed, no echo, no line editing, ^C a byte like any other (on Windows, window events too). */
    RAW,
    /** Binary-safe: raw, and no output processing either (Unix only; for a terminal used as a byte channel). */
    IO
}
