package io.juv.internal;

import java.util.Arrays;

/**
 * The table behind libuv's data slots: a handle's or request's data slot holds a key into it,
 * not a pointer, so an upcall finds its Java object with two array reads and no hashing, and a
 * stale callback can never reach an object that was freed.
 *
 * <p>A key is {@code (loop index + 1) << 32 | slot}. A slot is given back only from a close or
 * completion callback, after which libuv never calls back with that key again.
 */
final class HandleTable {

    // ------------------------------------------------------------------ the process's loops

    private static volatile LoopCore[] loops = new LoopCore[4];

    static synchronized int addLoop(LoopCore core) {
        LoopCore[] all = loops;
        for (int i = 0; i < all.length; i++) {
            if (all[i] == null) {
                all[i] = core;
                return i;
            }
        }
        LoopCore[] grown = Arrays.copyOf(all, all.length * 2);
        grown[all.length] = core;
        loops = grown;
        return all.length;
    }

    static synchronized void removeLoop(int index) {
        loops[index] = null;
    }

    static LoopCore loopOf(long key) {
        return loops[(int) (key >>> 32) - 1];
    }

    // ------------------------------------------------------------------ one loop's objects

    private final int loopIndex;
    private Object[] table = new Object[256];
    private int[] freeSlots = new int[256];
    private int freeCount;
    private int nextSlot;

    HandleTable(int loopIndex) {
        this.loopIndex = loopIndex;
    }

    int register(Object o) {
        int slot;
        if (freeCount > 0) {
            slot = freeSlots[--freeCount];
        } else {
            slot = nextSlot++;
            if (slot == table.length) {
                table = Arrays.copyOf(table, slot * 2);
                freeSlots = Arrays.copyOf(freeSlots, slot * 2);
            }
        }
        table[slot] = o;
        return slot;
    }

    /** What a registered slot holds: the object itself, or a {@link LeakDetector.Lost} standing for it. */
    void set(int slot, Object o) {
        table[slot] = o;
    }

    void unregister(int slot) {
        table[slot] = null;
        freeSlots[freeCount++] = slot;
    }

    Object lookup(long key) {
        return table[(int) key];
    }

    long keyOf(int slot) {
        return ((long) (loopIndex + 1) << 32) | slot;
    }

    /** Objects registered now: what a leak gate compares with its baseline. */
    int live() {
        return nextSlot - freeCount;
    }

    /** Slots in use or once used: the range {@link #at} answers for. */
    int extent() {
        return nextSlot;
    }

    Object at(int slot) {
        return table[slot];
    }
}
