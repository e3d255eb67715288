package io.juv.fs;

/** One entry of a directory listing: its name (not a path) and its kind, as the directory reports it. */
public record DirEntry(String name, FileKind kind) {}
