package io.juv.fs;

import io.juv.ErrorKind;
import io.juv.EventLoop;
import io.juv.Loops;
import io.juv.UvException;
import io.juv.bindings.uv_h;
import io.juv.internal.Platform;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessMode;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Function;

import static java.nio.file.StandardOpenOption.CREATE;
import static java.nio.file.StandardOpenOption.CREATE_NEW;
import static java.nio.file.StandardOpenOption.READ;
import static java.nio.file.StandardOpenOption.TRUNCATE_EXISTING;
import static java.nio.file.StandardOpenOption.WRITE;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** io.juv.fs against the real file system, in a temporary directory of each test's own. */
@Timeout(60)
class FsTest {

    @TempDir
    Path dir;

    /** Runs an asynchronous scenario on a clean loop and gives back its result (rethrowing what failed in it). */
    private static <T> T on(Function<EventLoop, CompletableFuture<T>> scenario) {
        Object[] out = new Object[1];
        Throwable[] failed = new Throwable[1];
        boolean[] done = new boolean[1];
        Loops.Watchdog[] wd = new Loops.Watchdog[1];
        Loops.run(loop -> {
            wd[0] = Loops.watchdog(loop, Duration.ofSeconds(30));
            scenario.apply(loop).whenComplete((v, e) -> {
                out[0] = v;
                failed[0] = e;
                done[0] = true;
                wd[0].cancel();
            });
        });
        wd[0].assertNotFired();
        assertTrue(done[0], "the scenario never completed");
        if (failed[0] != null) {
            Throwable t = unwrap(failed[0]);
            if (t instanceof Error e) throw e;
            if (t instanceof RuntimeException r) throw r;
            throw new AssertionError(t);
        }
        @SuppressWarnings("unchecked") T t = (T) out[0];
        return t;
    }

    private static Throwable unwrap(Throwable t) {
        while (t instanceof CompletionException && t.getCause() != null) t = t.getCause();
        return t;
    }

    /** The error a future failed with, as a completed future (null if it succeeded). */
    private static CompletableFuture<UvException> failure(CompletableFuture<?> f) {
        return f.handle((v, e) -> e == null ? null : assertInstanceOf(UvException.class, unwrap(e)));
    }

    private static void assertKind(ErrorKind kind, UvException e) {
        assertNotNull(e, "expected " + kind + ", but the operation succeeded");
        assertEquals(kind, e.kind(), e::toString);
    }

    // ------------------------------------------------------------------ data

    @Test
    void tenMegabytesWrittenInBlocksAtPositionsAndReadBackInOrderHashTheSame() throws Exception {
        byte[] data = Loops.random(10 * 1024 * 1024 + 123, 7);
        Path file = dir.resolve("ten");
        int block = 1 << 20;
        byte[] digest = on(loop -> {
            Fs fs = loop.fs();
            return fs.open(file, WRITE, CREATE, TRUNCATE_EXISTING).thenCompose(out -> {
                // Every block at once, each at its own position: the pool writes them in any order.
                List<CompletableFuture<Integer>> writes = new ArrayList<>();
                for (int at = 0; at < data.length; at += block) {
                    writes.add(out.write(ByteBuffer.wrap(data, at, Math.min(block, data.length - at)), at));
                }
                return CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new)).thenCompose(v -> {
                    for (CompletableFuture<Integer> w : writes) assertTrue(w.join() > 0);
                    return out.close();
                });
            }).thenCompose(v -> fs.open(file)).thenCompose(in -> {
                MessageDigest sha = Loops.sha256();
                ByteBuffer buffer = ByteBuffer.allocate(64 * 1024 + 1);
                CompletableFuture<byte[]> all = new CompletableFuture<>();
                readAll(in, buffer, sha, all);
                return all.thenCompose(d -> in.close().thenApply(x -> d));
            });
        });
        assertArrayEquals(Loops.sha256(data), digest);
        assertArrayEquals(data, Files.readAllBytes(file));
    }

    /** Reads at the file's own position until a read gives 0 (the end). */
    private static void readAll(AsyncFile in, ByteBuffer buffer, MessageDigest sha, CompletableFuture<byte[]> all) {
        buffer.clear();
        in.read(buffer, AsyncFile.CURRENT_POSITION, (n, e) -> {
            if (e != null) {
                all.completeExceptionally(e);
            } else if (n == 0) {
                all.complete(sha.digest());
            } else {
                assertEquals(n, buffer.position(), "the position moves past the bytes read");
                sha.update(buffer.array(), 0, n);
                readAll(in, buffer, sha, all);
            }
        });
    }

    @Test
    void wholeFilesAreWrittenAndReadBack() throws Exception {
        byte[] data = Loops.random(1_000_003, 5);
        Path file = dir.resolve("whole");
        Files.writeString(file, "longer than what replaces it".repeat(50_000));
        byte[] back = on(loop -> loop.fs().writeFile(file, data).thenCompose(v -> loop.fs().readFile(file)));
        assertArrayEquals(data, back);
        assertArrayEquals(new byte[0], on(loop -> loop.fs().writeFile(file, new byte[0]).thenCompose(v -> loop.fs().readFile(file))));
        UvException missing = on(loop -> failure(loop.fs().readFile(dir.resolve("missing"))));
        assertKind(ErrorKind.NOT_FOUND, missing);
        UvException isDir = on(loop -> failure(loop.fs().readFile(dir)));
        assertKind(ErrorKind.IS_A_DIRECTORY, isDir);
    }

    @Test
    void scatterAndGatherFillAndTakeTheBuffersInOrder() {
        Path file = dir.resolve("sg");
        String text = on(loop -> loop.fs().open(file, Set.of(READ, WRITE, CREATE), 0600).thenCompose(f -> {
            ByteBuffer[] parts = {bytes("hello, "), ByteBuffer.allocateDirect(6).put(bytes("scatte")).flip(), bytes(" world")};
            return f.write(parts, 0).thenCompose(n -> {
                assertEquals(7 + 6 + 6, n);
                for (ByteBuffer p : parts) assertFalse(p.hasRemaining(), "a gathered buffer's position moves to its limit");
                ByteBuffer[] into = {ByteBuffer.allocate(3), ByteBuffer.allocate(10), ByteBuffer.allocate(100)};
                return f.read(into, 0).thenApply(m -> {
                    assertEquals(19, m);
                    assertEquals(3, into[0].position());
                    assertEquals(10, into[1].position());
                    assertEquals(6, into[2].position());
                    StringBuilder s = new StringBuilder();
                    for (ByteBuffer b : into) s.append(new String(b.array(), 0, b.position(), StandardCharsets.US_ASCII));
                    return s.toString();
                });
            }).thenCompose(s -> f.close().thenApply(v -> s));
        }));
        assertEquals("hello, scatte world", text);
    }

    @Test
    void positionalOperationsLeaveTheFilesOwnPositionWhereItWas() throws Exception {
        Path file = dir.resolve("pos");
        Files.writeString(file, "0123456789");
        String seen = on(loop -> loop.fs().open(file, READ, WRITE).thenCompose(f -> {
            ByteBuffer first = ByteBuffer.allocate(2), at6 = ByteBuffer.allocate(2), next = ByteBuffer.allocate(2);
            return f.read(first).thenCompose(n -> f.read(at6, 6)).thenCompose(n -> f.read(next))
                    .thenCompose(n -> f.write(bytes("ab"), 8))
                    .thenCompose(n -> f.write(bytes("XY")))   // at the own position: 4
                    .thenCompose(n -> f.close())
                    .thenApply(v -> ascii(first) + ascii(at6) + ascii(next));
        }));
        assertEquals("016723", seen);
        assertEquals("0123XY67ab", Files.readString(file));
    }

    @Test
    void readsAtTheEndGiveZeroAndAppendWritesAtTheEnd() throws Exception {
        Path file = dir.resolve("append");
        Files.writeString(file, "abc");
        int n = on(loop -> loop.fs().open(file, StandardOpenOption.APPEND).thenCompose(f ->
                f.write(bytes("def")).thenCompose(w -> f.close())).thenCompose(v -> loop.fs().open(file))
                .thenCompose(f -> f.read(ByteBuffer.allocate(10), 6).thenCompose(r -> f.close().thenApply(v -> r))));
        assertEquals(0, n);
        assertEquals("abcdef", Files.readString(file));
    }

    @Test
    void segmentsAreReadIntoAndWrittenFromTheirArenasAndJuvBuffersInPlace() throws Exception {
        Path file = dir.resolve("seg");
        String text = on(loop -> {
            Fs fs = loop.fs();
            Arena arena = Arena.ofConfined();
            MemorySegment src = arena.allocateFrom("segment bytes", StandardCharsets.US_ASCII);
            MemorySegment own = Fs.buffer(64);
            MemorySegment heap = MemorySegment.ofArray(new byte[7]);
            return fs.open(file, Set.of(READ, WRITE, CREATE), 0644).thenCompose(f ->
                    f.write(src.asSlice(0, 13), 0)
                            .thenCompose(n -> f.read(own, 0))
                            .thenCompose(n -> {
                                assertEquals(13, n);
                                return f.read(heap, 8);
                            })
                            .thenCompose(n -> f.close().thenApply(v -> {
                                arena.close();
                                return own.getString(0, StandardCharsets.US_ASCII).substring(0, 13) + "|"
                                        + new String((byte[]) heap.heapBase().orElseThrow(), 0, n, StandardCharsets.US_ASCII);
                            })));
        });
        assertEquals("segment bytes|bytes", text);
        assertTrue(Fs.outlivesItsUse(Fs.buffer(8)));
        assertFalse(Fs.outlivesItsUse(Arena.ofAuto().allocate(8)), "an arena juv did not make is copied");
    }

    // ------------------------------------------------------------------ status

    @Test
    void statLstatAndFstatDescribeTheFileTheLinkAndTheOpenFile() throws Exception {
        Path file = dir.resolve("s");
        Files.write(file, new byte[1234]);
        Path link = dir.resolve("link");
        Files.createSymbolicLink(link, file);
        FileStat[] got = on(loop -> {
            Fs fs = loop.fs();
            return fs.stat(file).thenCombine(fs.lstat(link), (a, b) -> new FileStat[] {a, b, null})
                    .thenCombine(fs.stat(link), (s, c) -> { s[2] = c; return s; })
                    .thenCompose(s -> fs.open(file).thenCompose(f -> f.stat().thenCompose(fst -> f.close().thenApply(v -> {
                        assertEquals(s[0].inode(), fst.inode());
                        assertEquals(s[0].size(), fst.size());
                        return s;
                    }))));
        });
        FileStat s = got[0];
        assertEquals(FileKind.FILE, s.kind());
        assertTrue(s.isFile());
        assertEquals(1234, s.size());
        assertEquals(Files.getAttribute(file, "unix:ino"), s.inode());
        assertEquals(((Number) Files.getAttribute(file, "unix:uid")).longValue(), s.uid());
        assertEquals(1, s.nlink());
        assertEquals(Files.getLastModifiedTime(file).toInstant(), s.modifiedTime());
        assertEquals(Files.getPosixFilePermissions(file), s.permissions());
        assertTrue(s.blockSize() > 0);
        assertEquals(FileKind.SYMLINK, got[1].kind());
        assertEquals(file.toString().length(), got[1].size(), "a link's size is the length of what it holds");
        assertEquals(s.inode(), got[2].inode(), "stat follows the link");
        FileStat d = on(loop -> loop.fs().stat(dir));
        assertTrue(d.isDirectory());
    }

    @Test
    void statfsDescribesTheFileSystem() {
        FileSystemStats s = on(loop -> loop.fs().statfs(dir));
        assertTrue(s.blockSize() > 0, s::toString);
        assertTrue(s.blocks() > 0, s::toString);
        assertTrue(s.availableBlocks() <= s.blocks(), s::toString);
        assertTrue(s.freeBlocks() <= s.blocks(), s::toString);
        assertTrue(s.totalBytes() >= s.availableBytes());
    }

    // ------------------------------------------------------------------ names and directories

    @Test
    void directoriesAreMadeListedRenamedAndRemoved() throws Exception {
        Path sub = dir.resolve("sub");
        List<DirEntry> listed = on(loop -> {
            Fs fs = loop.fs();
            return fs.mkdir(sub, 0755)
                    .thenCompose(v -> fs.mkdir(sub.resolve("inner")))
                    .thenCompose(v -> fs.open(sub.resolve("b"), WRITE, CREATE_NEW)).thenCompose(AsyncFile::close)
                    .thenCompose(v -> fs.symlink(Path.of("b"), sub.resolve("c")))
                    .thenCompose(v -> fs.list(sub));
        });
        assertEquals(List.of(new DirEntry("b", FileKind.FILE), new DirEntry("c", FileKind.SYMLINK),
                new DirEntry("inner", FileKind.DIRECTORY)), listed.stream().sorted((a, b) -> a.name().compareTo(b.name())).toList());
        assertEquals(0755, Files.getPosixFilePermissions(sub).size() == 7 ? 0755 : -1);
        on(loop -> {
            Fs fs = loop.fs();
            return fs.rename(sub.resolve("b"), sub.resolve("renamed"))
                    .thenCompose(v -> fs.unlink(sub.resolve("renamed")))
                    .thenCompose(v -> fs.unlink(sub.resolve("c")))
                    .thenCompose(v -> fs.rmdir(sub.resolve("inner")))
                    .thenCompose(v -> fs.list(sub))
                    .thenCompose(l -> {
                        assertEquals(List.of(), l);
                        return fs.rmdir(sub);
                    });
        });
        assertFalse(Files.exists(sub));
    }

    @Test
    void anOpenDirectoryIsReadInBatchesOneReadAtATime() throws Exception {
        Path big = dir.resolve("big");
        Files.createDirectory(big);
        Set<String> names = new java.util.TreeSet<>();
        for (int i = 0; i < 250; i++) {
            names.add("f" + i);
            Files.writeString(big.resolve("f" + i), "");
        }
        Files.createDirectory(big.resolve("sub"));
        names.add("sub");
        List<List<DirEntry>> batches = new ArrayList<>();
        UvException[] afterClose = new UvException[1];
        on(loop -> loop.fs().openDirectory(big).thenCompose(d -> {
            CompletableFuture<Void> all = new CompletableFuture<>();
            readBatches(d, batches, all);
            assertThrows(IllegalStateException.class, () -> d.read(1), "a second read while one is under way");
            return all.thenCompose(v -> d.close()).thenApply(v -> {
                assertTrue(d.isClosed());
                d.read(8, (e, error) -> afterClose[0] = error);
                return null;
            });
        }));
        assertKind(ErrorKind.FILE_CLOSED, afterClose[0]);
        assertTrue(batches.size() >= 4, "batches of at most 64: " + batches.size());
        for (List<DirEntry> b : batches) assertTrue(b.size() <= 64);
        Set<String> seen = new java.util.TreeSet<>();
        for (List<DirEntry> b : batches) for (DirEntry e : b) {
            assertTrue(seen.add(e.name()), "listed twice: " + e);
            assertEquals(e.name().equals("sub") ? FileKind.DIRECTORY : FileKind.FILE, e.kind(), e::toString);
        }
        assertEquals(names, seen);
    }

    private static void readBatches(AsyncDirectory d, List<List<DirEntry>> into, CompletableFuture<Void> all) {
        d.read(64, (entries, error) -> {
            if (error != null) all.completeExceptionally(error);
            else if (entries.isEmpty()) all.complete(null);
            else {
                into.add(entries);
                readBatches(d, into, all);
            }
        });
    }

    @Test
    void closingADirectoryDuringAReadWaitsForIt() throws Exception {
        Files.writeString(dir.resolve("one"), "");
        List<DirEntry> got = on(loop -> loop.fs().openDirectory(dir).thenCompose(d -> {
            CompletableFuture<List<DirEntry>> read = d.read(10);
            CompletableFuture<Void> closed = d.close();
            assertEquals(closed, d.close());
            return read.thenCombine(closed, (entries, v) -> entries);
        }));
        assertEquals(List.of(new DirEntry("one", FileKind.FILE)), got);
        UvException[] e = on(loop -> failure(loop.fs().openDirectory(dir.resolve("missing")))
                .thenCombine(failure(loop.fs().openDirectory(dir.resolve("one"))), (a, b) -> new UvException[] {a, b}));
        assertKind(ErrorKind.NOT_FOUND, e[0]);
        assertKind(ErrorKind.NOT_A_DIRECTORY, e[1]);
    }

    @Test
    void temporaryFilesAndDirectoriesGetFreshNames() throws Exception {
        Path[] made = on(loop -> {
            Fs fs = loop.fs();
            return fs.createTempDirectory(dir.resolve("d-")).thenCompose(d -> fs.createTempFile(d.resolve("f-"))
                    .thenCompose(f -> f.write(bytes("temp")).thenCompose(n -> f.close()).thenApply(v -> new Path[] {d, f.path()})));
        });
        assertTrue(Files.isDirectory(made[0]));
        assertTrue(made[0].getFileName().toString().matches("d-.{6}"), made[0]::toString);
        assertEquals(made[0], made[1].getParent());
        assertTrue(made[1].getFileName().toString().matches("f-.{6}"), made[1]::toString);
        assertEquals("temp", Files.readString(made[1]));
        assertEquals(Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE), Files.getPosixFilePermissions(made[1]));
    }

    @Test
    void copiesLinksAndRealPaths() throws Exception {
        Path a = dir.resolve("a");
        Files.writeString(a, "copied");
        Path b = dir.resolve("b"), c = dir.resolve("c"), hard = dir.resolve("hard"), soft = dir.resolve("soft");
        Object[] got = on(loop -> {
            Fs fs = loop.fs();
            return fs.copyFile(a, b)
                    .thenCompose(v -> fs.copyFile(a, c, CopyFlag.CLONE)) // a reflink where it can, else a copy
                    .thenCompose(v -> failure(fs.copyFile(a, b, CopyFlag.EXCLUSIVE)))
                    .thenCompose(excl -> fs.link(a, hard).thenCompose(v -> fs.symlink(a, soft))
                            .thenCompose(v -> fs.readlink(soft))
                            .thenCompose(r -> fs.realpath(dir.resolve(".").resolve("soft")).thenApply(real -> new Object[] {excl, r, real})))
                    .thenCompose(o -> fs.stat(a).thenApply(s -> { assertEquals(2, s.nlink()); return o; }));
        });
        assertEquals("copied", Files.readString(b));
        assertEquals("copied", Files.readString(c));
        assertKind(ErrorKind.ALREADY_EXISTS, (UvException) got[0]);
        assertEquals(a, got[1]);
        assertEquals(a.toRealPath(), got[2]);
    }

    @Test
    void transferToSendsBytesBetweenFiles() throws Exception {
        Path from = dir.resolve("from"), to = dir.resolve("to");
        byte[] data = Loops.random(300_000, 3);
        Files.write(from, data);
        long sent = on(loop -> loop.fs().open(from).thenCompose(in -> loop.fs().open(to, WRITE, CREATE).thenCompose(out ->
                in.transferTo(1000, data.length, out).thenCompose(n -> in.close().thenCompose(v -> out.close()).thenApply(v -> n)))));
        assertEquals(data.length - 1000, sent);
        assertArrayEquals(Arrays.copyOfRange(data, 1000, data.length), Files.readAllBytes(to));
    }

    // ------------------------------------------------------------------ attributes

    @Test
    void modesOwnersTimesLengthsAndSyncs() throws Exception {
        Path file = dir.resolve("attrs");
        Files.writeString(file, "0123456789");
        Instant atime = Instant.parse("2001-02-03T04:05:06.5Z"), mtime = Instant.parse("2002-03-04T05:06:07.25Z");
        Instant fatime = Instant.parse("2011-01-01T00:00:00Z"), fmtime = Instant.parse("2012-01-01T00:00:00Z");
        FileStat[] got = on(loop -> {
            Fs fs = loop.fs();
            return fs.chmod(file, 0640)
                    .thenCompose(v -> fs.chown(file, -1, -1))
                    .thenCompose(v -> fs.lchown(file, -1, -1))
                    .thenCompose(v -> fs.setTimes(file, atime, mtime))
                    .thenCompose(v -> fs.access(file, AccessMode.READ, AccessMode.WRITE))
                    .thenCompose(v -> fs.stat(file))
                    .thenCompose(first -> fs.open(file, READ, WRITE).thenCompose(f -> f.truncate(4)
                            .thenCompose(v -> f.chmod(0600))
                            .thenCompose(v -> f.chown(-1, -1))
                            .thenCompose(v -> f.setTimes(fatime, fmtime))
                            .thenCompose(v -> f.sync())
                            .thenCompose(v -> f.dataSync())
                            .thenCompose(v -> f.stat())
                            .thenCompose(second -> f.close().thenApply(v -> new FileStat[] {first, second}))));
        });
        assertEquals(0640, got[0].permissionBits());
        assertEquals(atime, got[0].accessTime());
        assertEquals(mtime, got[0].modifiedTime());
        assertEquals(0600, got[1].permissionBits());
        assertEquals(4, got[1].size());
        assertEquals(fmtime, got[1].modifiedTime());
        assertEquals(fatime, got[1].accessTime());
        assertEquals("0123", Files.readString(file));
    }

    @Test
    void aLinksOwnTimesAreSetWithoutTouchingItsTarget() throws Exception {
        Path file = dir.resolve("t");
        Files.writeString(file, "x");
        Path link = dir.resolve("tl");
        Files.createSymbolicLink(link, file);
        Instant when = Instant.parse("2003-04-05T06:07:08Z");
        FileStat[] got = on(loop -> loop.fs().setLinkTimes(link, when, when)
                .thenCompose(v -> loop.fs().lstat(link)).thenCombine(loop.fs().stat(file), (l, f) -> new FileStat[] {l, f}));
        assertEquals(when, got[0].modifiedTime());
        assertFalse(when.equals(got[1].modifiedTime()), "the target kept its time");
    }

    @Test
    void aCallbackThatThrowsGoesToTheLoopsErrorPolicyAndOtherThreadsAreRefused() throws Exception {
        Path file = dir.resolve("cb");
        Files.writeString(file, "x");
        List<Throwable> caught = new ArrayList<>();
        Throwable[] fromOtherThread = new Throwable[2];
        Loops.run(loop -> {
            loop.catchErrors(caught::add);
            Fs fs = loop.fs();
            fs.stat(file, (s, e) -> { throw new IllegalStateException("thrown by the callback"); });
            fromOtherThread[0] = Loops.onOtherThread(() -> fs.stat(file));
            fromOtherThread[1] = Loops.onOtherThread(loop::fs); // ApiFuzzTest: it returned a facade on any thread
        });
        assertEquals(1, caught.size(), caught::toString);
        assertEquals("thrown by the callback", caught.getFirst().getMessage());
        assertInstanceOf(WrongThreadException.class, fromOtherThread[0]);
        assertInstanceOf(WrongThreadException.class, fromOtherThread[1]);
    }

    // ------------------------------------------------------------------ errors

    @Test
    void everyOperationOnAMissingPathFailsWithNotFound() {
        Path missing = dir.resolve("missing");
        List<UvException> errors = on(loop -> {
            Fs fs = loop.fs();
            List<CompletableFuture<UvException>> each = List.of(
                    failure(fs.open(missing)), failure(fs.stat(missing)), failure(fs.lstat(missing)),
                    failure(fs.statfs(missing)), failure(fs.access(missing)), failure(fs.rename(missing, dir.resolve("x"))),
                    failure(fs.unlink(missing)), failure(fs.rmdir(missing)), failure(fs.list(missing)),
                    failure(fs.copyFile(missing, dir.resolve("y"))), failure(fs.readlink(missing)), failure(fs.realpath(missing)),
                    failure(fs.chmod(missing, 0600)), failure(fs.chown(missing, -1, -1)), failure(fs.lchown(missing, -1, -1)),
                    failure(fs.setTimes(missing, Instant.EPOCH, Instant.EPOCH)), failure(fs.link(missing, dir.resolve("z"))),
                    failure(fs.mkdir(missing.resolve("child"))), failure(fs.createTempFile(missing.resolve("t"))),
                    failure(fs.createTempDirectory(missing.resolve("t"))), failure(fs.open(missing.resolve("f"), WRITE, CREATE)));
            return CompletableFuture.allOf(each.toArray(CompletableFuture[]::new)).thenApply(v -> each.stream().map(CompletableFuture::join).toList());
        });
        for (UvException e : errors) {
            assertKind(ErrorKind.NOT_FOUND, e);
            assertEquals("ENOENT", e.errorName());
            assertTrue(e.getMessage().contains("missing"), e::getMessage);
        }
        assertEquals(21, errors.size());
    }

    @Test
    void existingNamesNotADirectoryIsADirectoryAndNotEmpty() throws Exception {
        Path file = dir.resolve("file");
        Files.writeString(file, "x");
        Path full = dir.resolve("full");
        Files.createDirectory(full);
        Files.writeString(full.resolve("inside"), "y");
        List<UvException> e = on(loop -> {
            Fs fs = loop.fs();
            List<CompletableFuture<UvException>> each = List.of(
                    failure(fs.mkdir(file)), failure(fs.open(file, WRITE, CREATE_NEW)), failure(fs.symlink(file, file)),
                    failure(fs.stat(file.resolve("below"))), failure(fs.list(file)), failure(fs.rmdir(file)),
                    failure(fs.open(full, WRITE)), failure(fs.unlink(full)), failure(fs.rmdir(full)),
                    failure(fs.readlink(file)),
                    fs.open(full).thenCompose(d -> failure(d.read(ByteBuffer.allocate(4), 0)).thenCompose(x -> d.close().thenApply(v -> x))));
            return CompletableFuture.allOf(each.toArray(CompletableFuture[]::new)).thenApply(v -> each.stream().map(CompletableFuture::join).toList());
        });
        assertKind(ErrorKind.ALREADY_EXISTS, e.get(0));
        assertKind(ErrorKind.ALREADY_EXISTS, e.get(1));
        assertKind(ErrorKind.ALREADY_EXISTS, e.get(2));
        assertKind(ErrorKind.NOT_A_DIRECTORY, e.get(3));
        assertKind(ErrorKind.NOT_A_DIRECTORY, e.get(4));
        assertKind(ErrorKind.NOT_A_DIRECTORY, e.get(5));
        assertKind(ErrorKind.IS_A_DIRECTORY, e.get(6));
        // unlink(2) of a directory: EISDIR on Linux, EPERM where POSIX's letter is kept.
        assertTrue(Set.of(ErrorKind.IS_A_DIRECTORY, ErrorKind.PERMISSION_DENIED).contains(e.get(7).kind()), e.get(7)::toString);
        assertTrue(Set.of(ErrorKind.DIRECTORY_NOT_EMPTY, ErrorKind.ALREADY_EXISTS).contains(e.get(8).kind()), e.get(8)::toString);
        assertEquals("EINVAL", e.get(9).errorName(), "readlink of a file that is no link");
        assertKind(ErrorKind.IS_A_DIRECTORY, e.get(10));
    }

    @Test
    void executingAFileWithNoExecuteBitIsDeniedEvenToRoot() throws Exception {
        Path file = dir.resolve("no-x");
        Files.writeString(file, "x");
        Files.setPosixFilePermissions(file, Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE));
        // access(X_OK) with no execute bit for anyone is refused to root as well, whose other checks all pass.
        UvException exec = on(loop -> failure(loop.fs().access(file, AccessMode.EXECUTE)));
        assertKind(ErrorKind.PERMISSION_DENIED, exec);
        assertEquals("EACCES", exec.errorName());
    }

    @Test
    void openingAFileOfMode000IsDenied() throws Exception {
        Path file = dir.resolve("mode-000");
        Files.writeString(file, "x");
        // The file is ours: its owner is the user the tests run as.
        Assumptions.assumeFalse(((Number) Files.getAttribute(file, "unix:uid")).intValue() == 0,
                "running as root, whom mode 000 does not stop (CAP_DAC_OVERRIDE): this case needs another user");
        Files.setPosixFilePermissions(file, Set.of());
        UvException open = on(loop -> failure(loop.fs().open(file)));
        assertKind(ErrorKind.PERMISSION_DENIED, open);
    }

    @Test
    void badArgumentsAreRefusedBeforeAnythingStarts() throws Exception {
        Path file = dir.resolve("args");
        Files.writeString(file, "x");
        on(loop -> {
            Fs fs = loop.fs();
            assertThrows(UnsupportedOperationException.class, () -> fs.open(file, StandardOpenOption.DELETE_ON_CLOSE));
            assertThrows(IllegalArgumentException.class, () -> fs.stat(Path.of("")));
            return fs.open(file).thenCompose(f -> {
                assertThrows(IllegalArgumentException.class, () -> f.read(ByteBuffer.allocate(1).asReadOnlyBuffer(), 0));
                assertThrows(IllegalArgumentException.class, () -> f.read(ByteBuffer.allocate(1), -2));
                assertThrows(IllegalArgumentException.class, () -> f.read(new ByteBuffer[0], 0));
                assertThrows(IllegalArgumentException.class, () -> f.truncate(-1));
                Arena closed = Arena.ofConfined();
                MemorySegment gone = closed.allocate(8);
                closed.close();
                assertThrows(IllegalStateException.class, () -> f.read(gone, 0));
                assertThrows(IllegalStateException.class, () -> f.write(gone, 0));
                assertEquals(0, loop.stats().pendingRequests(), "nothing was started");
                return f.close();
            });
        });
    }

    @Test
    void openFlagsMatchTheHeadersOnThisPlatform() {
        Assumptions.assumeTrue(Platform.OS == Platform.Os.LINUX && System.getProperty("os.arch").equals("amd64"),
                "the bindings were generated on Linux x86-64: only there are their UV_FS_O_* values this platform's");
        Platform.OpenFlags f = Platform.OPEN_FLAGS;
        assertEquals(uv_h.UV_FS_O_RDONLY(), f.readOnly());
        assertEquals(uv_h.UV_FS_O_WRONLY(), f.writeOnly());
        assertEquals(uv_h.UV_FS_O_RDWR(), f.readWrite());
        assertEquals(uv_h.UV_FS_O_APPEND(), f.append());
        assertEquals(uv_h.UV_FS_O_CREAT(), f.create());
        assertEquals(uv_h.UV_FS_O_EXCL(), f.exclusive());
        assertEquals(uv_h.UV_FS_O_TRUNC(), f.truncate());
        assertEquals(uv_h.UV_FS_O_SYNC(), f.sync());
        assertEquals(uv_h.UV_FS_O_DSYNC(), f.dsync());
        assertEquals(uv_h.UV_FS_O_NOFOLLOW(), f.noFollow());
    }

    @Test
    void noFollowRefusesALink() throws Exception {
        Path file = dir.resolve("target");
        Files.writeString(file, "x");
        Path link = dir.resolve("l");
        Files.createSymbolicLink(link, file);
        UvException e = on(loop -> failure(loop.fs().open(link, Set.of(READ, LinkOption.NOFOLLOW_LINKS), 0)));
        assertKind(ErrorKind.TOO_MANY_LINKS, e);
    }

    // ------------------------------------------------------------------ closing, and memory safety

    @Test
    void closeWaitsForTheOperationsAlreadyStartedAndRefusesLaterOnes() throws Exception {
        Path file = dir.resolve("closing");
        Files.write(file, Loops.random(1 << 20, 1));
        Object[] got = on(loop -> loop.fs().open(file).thenCompose(f -> {
            CompletableFuture<Integer> read = f.read(ByteBuffer.allocate(1 << 20), 0);
            CompletableFuture<Void> closed = f.close();
            assertTrue(f.isClosed());
            assertEquals(closed, f.close(), "close twice: the same future");
            CompletableFuture<UvException> refused = failure(f.read(ByteBuffer.allocate(1), 0));
            UvException[] viaCallback = new UvException[1];
            f.stat((s, e) -> viaCallback[0] = e);
            assertNotNull(viaCallback[0], "a refusal reaches the callback at once");
            return read.thenCombine(closed, (n, v) -> n).thenCombine(refused, (n, e) -> new Object[] {n, e, viaCallback[0]});
        }));
        assertEquals(1 << 20, got[0]);
        assertKind(ErrorKind.FILE_CLOSED, (UvException) got[1]);
        assertKind(ErrorKind.FILE_CLOSED, (UvException) got[2]);
    }

    @Test
    void exitWithOperationsPendingLetsThemFinishAndTheLoopEndsClean() throws Exception {
        Path file = dir.resolve("pending");
        Files.write(file, Loops.random(8 << 20, 4));
        AsyncFile[] f = new AsyncFile[1];
        int[] completed = {0};
        EventLoop loop = EventLoop.create();
        try {
            loop.run(l -> l.fs().open(file).thenAccept(opened -> {
                f[0] = opened;
                for (int i = 0; i < 8; i++) {
                    opened.read(ByteBuffer.allocate(1 << 20), (long) i << 20, (n, e) -> {
                        assertEquals(1 << 20, n);
                        completed[0]++;
                    });
                }
                l.exit();
            }));
            // libuv cannot take back work handed to its pool: every read ran to its end, memory freed.
            assertEquals(8, completed[0]);
            assertEquals(0, loop.stats().pendingRequests());
            loop.run(l -> f[0].close());
            Loops.assertClean(loop);
        } finally {
            Loops.closeClean(loop);
        }
    }

    @Test
    void aSegmentsArenaClosedWhileItsReadIsPendingGetsAnErrorNotAWriteIntoFreedMemory() throws Exception {
        Path file = dir.resolve("arena");
        Files.write(file, Loops.random(4 << 20, 2));
        UvException e = on(loop -> loop.fs().open(file).thenCompose(f -> {
            Arena arena = Arena.ofConfined();
            CompletableFuture<UvException> read = failure(f.read(arena.allocate(4 << 20), 0));
            arena.close(); // at once, while the pool reads: juv reads into memory of its own
            return read.thenCompose(x -> f.close().thenApply(v -> x));
        }));
        assertNotNull(e);
        assertEquals("ESCOPECLOSED", e.errorName());
    }

    @Test
    void buffersKeptPastCloseStayValidJavaMemory() throws Exception {
        Path file = dir.resolve("kept");
        Files.writeString(file, "kept bytes");
        ByteBuffer heap = ByteBuffer.allocate(16);
        MemorySegment own = Fs.buffer(16);
        Arena shared = Arena.ofShared();
        MemorySegment arenaSegment = shared.allocate(16);
        AsyncFile[] file0 = new AsyncFile[1];
        on(loop -> loop.fs().open(file).thenCompose(f -> {
            file0[0] = f;
            return f.read(heap, 0).thenCompose(n -> f.read(own, 0)).thenCompose(n -> f.read(arenaSegment, 5))
                    .thenCompose(n -> f.close());
        }));
        // The loop is closed: what the reads filled is the caller's memory, not the loop's.
        assertEquals("kept bytes", ascii(heap.flip()));
        assertEquals("kept bytes", own.getString(0, StandardCharsets.US_ASCII));
        assertEquals("bytes", arenaSegment.getString(0, StandardCharsets.US_ASCII));
        shared.close();
        assertThrows(IllegalStateException.class, () -> arenaSegment.get(java.lang.foreign.ValueLayout.JAVA_BYTE, 0));
        assertTrue(file0[0].isClosed());
        assertNotNull(file0[0].path());
    }

    /** AsyncFile's methods that answer from Java state once closed; the rest refuse (a failed future) or throw. */
    private static final Set<String> FILE_JAVA_STATE = Set.of("fd", "path", "isClosed", "close");

    @Test
    void everyMethodOfAClosedFileDirectoryAndOfAClosedLoopsFsRefusesOrAnswersFromJavaState() throws Exception {
        Path file = dir.resolve("reflect");
        Files.writeString(file, "x");
        AsyncFile[] f = new AsyncFile[1];
        AsyncDirectory[] d = new AsyncDirectory[1];
        EventLoop loop = EventLoop.create();
        Fs fs = loop.fs();
        try {
            loop.run(l -> {
                fs.open(file).thenAccept(opened -> {
                    f[0] = opened;
                    opened.close();
                    List<String> wrong = callEveryMethod(opened, AsyncFile.class, FILE_JAVA_STATE, true);
                    assertEquals(List.of(), wrong);
                });
                fs.openDirectory(dir).thenAccept(opened -> {
                    d[0] = opened;
                    opened.close();
                    assertEquals(List.of(), callEveryMethod(opened, AsyncDirectory.class, Set.of("path", "isClosed", "close"), true));
                });
            });
            Loops.assertClean(loop);
        } finally {
            Loops.closeClean(loop);
        }
        assertNotNull(f[0], "the open never completed");
        assertNotNull(d[0], "the directory's open never completed");
        assertEquals(List.of(), callEveryMethod(d[0], AsyncDirectory.class, Set.of("path", "isClosed", "close"), false));
        // The loop is gone: everything of the file and of the loop's Fs throws, but what Java knows.
        assertEquals(List.of(), callEveryMethod(f[0], AsyncFile.class, Set.of("fd", "path", "isClosed", "close"), false));
        assertEquals(List.of(), callEveryMethod(fs, Fs.class, Set.of(), false));
    }

    /** Calls every public instance method; returns what misbehaved (a crash would end the JVM instead). */
    private static List<String> callEveryMethod(Object target, Class<?> type, Set<String> javaState, boolean refusalsAnswer) {
        List<String> wrong = new ArrayList<>();
        for (Method m : type.getMethods()) {
            if (m.getDeclaringClass() == Object.class || Modifier.isStatic(m.getModifiers()) || m.getName().equals("toString")) continue;
            Object[] args = Arrays.stream(m.getParameterTypes()).map(p -> p == AsyncFile.class ? target : sample(p)).toArray();
            try {
                Object result = m.invoke(target, args);
                if (javaState.contains(m.getName())) continue;
                if (refusalsAnswer && result instanceof CompletableFuture<?> cf && cf.isCompletedExceptionally()) {
                    UvException e = assertInstanceOf(UvException.class, unwrap(cf.handle((v, t) -> t).join()));
                    if (e.kind() != ErrorKind.FILE_CLOSED) wrong.add(m + " failed with " + e);
                    continue;
                }
                if (refusalsAnswer && m.getReturnType() == void.class) continue; // told its callback FILE_CLOSED
                wrong.add(m + " returned normally");
            } catch (InvocationTargetException e) {
                Throwable t = e.getCause();
                boolean typed = t instanceof IllegalStateException || t instanceof UvException || t instanceof IllegalArgumentException;
                if (!typed) wrong.add(m + " threw " + t);
            } catch (IllegalAccessException e) {
                throw new AssertionError(e);
            }
        }
        return wrong;
    }

    private static Object sample(Class<?> t) {
        if (t == int.class) return 1;
        if (t == long.class) return 1L;
        if (t == Path.class) return Path.of("/nonexistent/juv");
        if (t == Set.class) return Set.of();
        if (t == OpenOption[].class) return new OpenOption[0];
        if (t == AccessMode[].class) return new AccessMode[0];
        if (t == CopyFlag[].class) return new CopyFlag[0];
        if (t == Instant.class) return Instant.EPOCH;
        if (t == byte[].class) return new byte[1];
        if (t == ByteBuffer.class) return ByteBuffer.allocate(1);
        if (t == ByteBuffer[].class) return new ByteBuffer[] {ByteBuffer.allocate(1)};
        if (t == MemorySegment.class) return MemorySegment.ofArray(new byte[1]);
        if (t == FsCallback.class) return (FsCallback<Object>) (v, e) -> { };
        throw new AssertionError("no sample for " + t);
    }

    // ------------------------------------------------------------------ helpers

    private static ByteBuffer bytes(String s) {
        return ByteBuffer.wrap(s.getBytes(StandardCharsets.US_ASCII));
    }

    private static String ascii(ByteBuffer b) {
        return new String(b.array(), 0, b.position() > 0 ? b.position() : b.limit(), StandardCharsets.US_ASCII);
    }
}
