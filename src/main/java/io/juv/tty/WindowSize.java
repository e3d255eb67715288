package io.juv.tty;

/**
 * A terminal's size in character cells; 0 by 0 when the terminal does not know (a pty nobody sized).
 *
 * @param width  the number of columns
 * @param height the number of rows
 */
public record WindowSize(int width, int height) {}
