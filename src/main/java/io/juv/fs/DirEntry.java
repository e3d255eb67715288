package io.juv.fs;

/**
 * One entry of a directory listing: its name (not a path) and its kind, as the directory reports it.
 *
 * @param name the entry's name within its directory
 * @param kind what it is; {@link FileKind#UNKNOWN} where the file system does not say (stat it then)
 */
public record DirEntry(String name, FileKind kind) {}
