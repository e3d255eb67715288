package io.juv.tty;

/** A terminal's size in character cells; 0 by 0 when the terminal does not know (a pty nobody sized). */
public record WindowSize(int width, int height) {}
