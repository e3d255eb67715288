package io.juv;

/** The kinds of libuv handle juv opens, as counted by {@link LoopStats#handles()}. */
public enum HandleKind {
    TIMER, TCP, PIPE, SIGNAL, ASYNC, CHECK, PREPARE, UDP
}
