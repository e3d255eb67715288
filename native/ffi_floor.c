/*
 * ffi_floor: the C floor of the FFI report. Times the same C functions the JMH benchmarks call
 * (libjuvbench.so, opened with dlopen, so each call goes through a function pointer and nothing
 * is inlined), in a loop, and prints one line per shape: "shape=NAME ns_per_call=X", the best of
 * five runs of --calls calls each
 * (a tenth as many for the 100-int sum).
 *
 *   ffi_floor [--lib target/native/libjuvbench.so] [--calls 20000000]
 */
#include <dlfcn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct juvbench_pair { int64_t a, b; };

static double now_ns(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1e9 + t.tv_nsec;
}

static void *sym(void *lib, const char *name) {
    void *p = dlsym(lib, name);
    if (!p) {
        fprintf(stderr, "ffi_floor: %s not found: %s\n", name, dlerror());
        exit(1);
    }
    return p;
}

/* The volatile sink keeps each result alive without a store per call costing much. */
static volatile int64_t sink;

#define BEST_OF(shape, calls, per, ...)                                        \
    do {                                                                       \
        double best = 1e300;                                                   \
        for (int run = 0; run < 5; run++) {                                    \
            int64_t acc = 0;                                                   \
            double t0 = now_ns();                                              \
            for (long i = 0; i < (calls); i++) { __VA_ARGS__; }                \
            double ns = (now_ns() - t0) / (double)(calls) / (per);             \
            sink = acc;                                                        \
            if (ns < best) best = ns;                                          \
        }                                                                      \
        printf("shape=%s ns_per_call=%.3f\n", shape, best);                    \
    } while (0)

int main(int argc, char **argv) {
    const char *path = "target/native/libjuvbench.so";
    long calls = 20000000;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--lib") && i + 1 < argc) path = argv[++i];
        else if (!strcmp(argv[i], "--calls") && i + 1 < argc) calls = atol(argv[++i]);
        else {
            fprintf(stderr, "usage: ffi_floor [--lib PATH] [--calls N]\n");
            return 2;
        }
    }
    void *lib = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    if (!lib) {
        fprintf(stderr, "ffi_floor: %s\n", dlerror());
        return 1;
    }
    void (*empty)(void) = (void (*)(void))sym(lib, "juvbench_empty");
    void (*args6)(int64_t, int64_t, int64_t, int64_t, int64_t, int64_t) =
        (void (*)(int64_t, int64_t, int64_t, int64_t, int64_t, int64_t))sym(lib, "juvbench_args6");
    int64_t (*ptr_len)(const uint8_t *, size_t) = (int64_t (*)(const uint8_t *, size_t))sym(lib, "juvbench_ptr_len");
    int64_t (*pair_sum)(struct juvbench_pair) = (int64_t (*)(struct juvbench_pair))sym(lib, "juvbench_pair_sum");
    int32_t (*sum_ints)(const int32_t *, int32_t) = (int32_t (*)(const int32_t *, int32_t))sym(lib, "juvbench_sum_ints");
    void (*call_n0)(void (*)(void), int) = (void (*)(void (*)(void), int))sym(lib, "juvbench_call_n0");
    void (*call_n1)(void (*)(void *), void *, int) = (void (*)(void (*)(void *), void *, int))sym(lib, "juvbench_call_n");
    void (*call_n3)(void (*)(void *, int64_t, const void *), void *, int) =
        (void (*)(void (*)(void *, int64_t, const void *), void *, int))sym(lib, "juvbench_call_n3");
    void (*cb0)(void) = (void (*)(void))sym(lib, "juvbench_c_cb0");
    void (*cb1)(void *) = (void (*)(void *))sym(lib, "juvbench_c_cb1");
    void (*cb3)(void *, int64_t, const void *) = (void (*)(void *, int64_t, const void *))sym(lib, "juvbench_c_cb3");

    uint8_t bytes[64] = { 1 };
    int32_t ints[100];
    for (int i = 0; i < 100; i++) ints[i] = i;

    /* Not printed: the first loop also pays for the pages, the caches and the clock's ramp. */
    for (long i = 0; i < calls; i++) empty();
    BEST_OF("empty", calls, 1, empty());
    BEST_OF("args6", calls, 1, args6(i, 2, 3, 4, 5, 6));
    BEST_OF("ptr_len", calls, 1, acc += ptr_len(bytes, sizeof bytes));
    BEST_OF("pair_by_value", calls, 1, { struct juvbench_pair p = { i, 2 }; acc += pair_sum(p); });
    BEST_OF("sum_ints_100", calls / 10, 1, acc += sum_ints(ints, 100));
    /* The upcall floor: the shim's loop calling a C callback, 10,000 to a call. */
    BEST_OF("upcall0", calls / 10000, 10000, call_n0(cb0, 10000));
    BEST_OF("upcall1", calls / 10000, 10000, call_n1(cb1, bytes, 10000));
    BEST_OF("upcall3", calls / 10000, 10000, call_n3(cb3, bytes, 10000));
    return 0;
}
