# juv: the entry points. `make run` starts cl-async's benchmark server on port 9009;
# `make test` runs the test suite. Both find a JDK 25 and check for libuv first.

SHELL := /bin/bash
.DEFAULT_GOAL := run

# A JDK >= 25: $JAVA_HOME if it is new enough, else the newest in /usr/lib/jvm. The version is
# read from the JDK's `release` file, so finding it costs no JVM start.
JDK := $(shell for j in "$$JAVA_HOME" $$(ls -d /usr/lib/jvm/*/ 2>/dev/null | sort -rV); do \
	  j=$${j%/}; [ -n "$$j" ] && [ -x "$$j/bin/javac" ] && [ -f "$$j/release" ] || continue; \
	  v=$$(sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$$j/release"); \
	  [ -n "$$v" ] && [ "$$v" -ge 25 ] && { echo "$$j"; break; }; done)
JAVA := $(JDK)/bin/java
export JAVA_HOME := $(JDK)
# Maven itself runs on that JDK; this keeps its own libraries' Unsafe warnings quiet.
export MAVEN_OPTS ?= --sun-misc-unsafe-memory-access=allow
MVN := mvn -B -q

JAVA_OPTS ?= -XX:+UseSerialGC
JVM_ARGS := --enable-native-access=ALL-UNNAMED $(JAVA_OPTS)
ARGS ?=

CLASSES := target/classes
# Examples and tools (src/examples/java) are compiled with the tests, never into the library jar.
EXAMPLE_CLASSES := target/test-classes
STAMP := $(EXAMPLE_CLASSES)/.built
SOURCES := $(shell find src/main/java src/examples/java src/jmh/java bindings/src -name '*.java' 2>/dev/null) pom.xml
# The test-scope libraries as Maven resolved them (picocli for every example's and tool's command line;
# Jackson, JFreeChart, JMH and Netty for the benchmarks), written with the build; read when a recipe runs.
TEST_CLASSPATH := target/bench.classpath
RUN_CP := $(CLASSES):$(EXAMPLE_CLASSES):$$(cat $(TEST_CLASSPATH))

.PHONY: run load example examples-jar consumer test test-newest reliability soak sanitize libuv-newest libuv-asan build bindings native bench bench-ffi bench-compare bench-tools clean check-jdk docs \
	check-libuv check-libuv-file check-maven check-native

check-jdk:
	@if [ -z "$(JDK)" ]; then \
	  echo "juv needs a JDK 25 or newer (java.lang.foreign, final since 22; juv targets 25)."; \
	  echo "Install one (for example Eclipse Temurin 25: https://adoptium.net) and set JAVA_HOME to it,"; \
	  echo "or put it under /usr/lib/jvm. The default 'java' on this machine is too old."; \
	  exit 1; fi

check-libuv:
	@if ! { ldconfig -p 2>/dev/null | grep -q 'libuv\.so\.1'; } && ! ls /usr/lib/*/libuv.so.1 /usr/local/lib/libuv.so.1 >/dev/null 2>&1; then \
	  echo "juv needs libuv 1.44 or newer: apt-get install libuv1 (macOS: brew install libuv)."; exit 1; fi

check-maven:
	@command -v mvn >/dev/null || { echo "juv builds with Maven: apt-get install maven"; exit 1; }

# Compiles only when a source changed, so `make run` starts at once the second time.
$(STAMP): $(SOURCES) | check-jdk check-maven
	$(MVN) test-compile dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=$(TEST_CLASSPATH)
	@touch $@

build: $(STAMP)

## run: cl-async's benchmark server (ARGS='--port 9010 --delay 0 --keep-alive --no-stats')
run: check-jdk check-libuv $(STAMP)
	@exec $(JAVA) $(JVM_ARGS) -cp $(RUN_CP) io.juv.examples.SeedServer $(ARGS)

## load: juv's own load client (ARGS='--connections 19000 --addresses 4 --port 9009')
load: check-jdk check-libuv $(STAMP)
	@exec $(JAVA) $(JVM_ARGS) -cp $(RUN_CP) io.juv.examples.LoadClient $(ARGS)

## example: one of src/examples/java by its name (NAME=echo ARGS='--port 7000'); `make example` lists them
# A name is the class's name in kebab case: echo -> Echo, pipe-echo -> PipeEcho, seed-server -> SeedServer;
# the classes without a main (helpers of the examples) are not examples.
EXAMPLE_CLASS = $(shell echo '$(NAME)' | sed -E 's/(^|-)([a-z])/\U\2/g')
example: check-jdk check-libuv $(STAMP)
	@if [ -z "$(NAME)" ]; then echo "make example NAME=<name> ARGS='...', where <name> is one of:"; \
	  grep -l 'static void main' src/examples/java/io/juv/examples/*.java | xargs -n1 basename | sed -E 's/\.java$$//; s/([a-z0-9])([A-Z])/\1-\2/g' | tr A-Z a-z | sed 's/^/  /'; exit 2; fi
	@grep -qs 'static void main' src/examples/java/io/juv/examples/$(EXAMPLE_CLASS).java || { echo "no example '$(NAME)' (make example lists them)"; exit 2; }
	@exec $(JAVA) $(JVM_ARGS) -cp $(RUN_CP) io.juv.examples.$(EXAMPLE_CLASS) $(ARGS)

## examples-jar: every example in one runnable jar, target/juv-examples.jar: `java -jar target/juv-examples.jar
## <name> [args]` runs one with no flag and no warning (its manifest: Enable-Native-Access: ALL-UNNAMED); no name lists them
EXAMPLES_JAR := target/juv-examples.jar
# Only src/examples/java's classes (with their nested ones), not the tests that share their package.
# The libraries the examples use (test scope in the pom), as an ERE of artifact ids: their classes are unpacked into
# the jar. One that is not (yet) a dependency is skipped, so the jar builds before and after it is added.
EXAMPLES_JAR_LIBS := picocli
examples-jar: $(EXAMPLES_JAR)
$(EXAMPLES_JAR): $(STAMP)
	$(MVN) dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/examples.classpath
	@set -euo pipefail; d=target/examples-jar; rm -rf $$d; mkdir -p $$d/classes; \
	for lib in $$(tr ':' '\n' < target/examples.classpath | grep -E '/($(EXAMPLES_JAR_LIBS))-[0-9][^/]*\.jar$$' || true); do \
	  ( cd $$d/classes && $(JDK)/bin/jar xf $$lib ); done; \
	rm -rf $$d/classes/META-INF/MANIFEST.MF $$d/classes/META-INF/versions $$d/classes/module-info.class; \
	cp -r $(CLASSES)/io $$d/classes/; \
	shopt -s nullglob; for f in $$(cd src/examples/java && find io -name '*.java'); do c=$${f%.java}; \
	  mkdir -p $$d/classes/$$(dirname $$c); cp $(EXAMPLE_CLASSES)/$$c.class $(EXAMPLE_CLASSES)/$$c\$$*.class $$d/classes/$$(dirname $$c)/; done; \
	printf 'Main-Class: io.juv.examples.jar.Main\nEnable-Native-Access: ALL-UNNAMED\n' > $$d/manifest.txt; \
	$(JDK)/bin/jar --create --file $@.tmp --manifest $$d/manifest.txt -C $$d/classes . && mv $@.tmp $@
	@echo "$@: java -jar $@ <example> [args]"

## consumer: consumer/, a juv user's project, against the installed artifact (mvn install -DskipTests): README.md's
## example on the module path and on the class path, the artifact's contents, and the examples jar (consumer/run)
consumer: check-jdk check-maven check-libuv $(EXAMPLES_JAR)
	$(MVN) install -DskipTests
	consumer/run

## test: the JUnit suite, against the real libuv on loopback
## (LIBUV=/path/to/libuv.so.1: against that libuv instead of the system's; EXPECT_LIBUV=1.50: and fail
## unless that is the version loaded)
LIBUV ?=
EXPECT_LIBUV ?=
# Options for the test JVM only (the pom's juv.test.args; juv.jvm.args keeps native access granted).
TEST_ARGS := $(if $(LIBUV),-Djuv.libuv.path=$(abspath $(LIBUV))) $(if $(EXPECT_LIBUV),-Djuv.expect.libuv=$(EXPECT_LIBUV))
test: check-jdk check-maven $(if $(LIBUV),check-libuv-file,check-libuv)
	mvn -B test $(if $(strip $(TEST_ARGS)),-Djuv.test.args='$(strip $(TEST_ARGS))')

## reliability: the long reliability suite (JUnit tag "reliability": leak gates, faults, fuzzing, soak);
## LIBUV=... and EXPECT_LIBUV=... as for make test
reliability: check-jdk check-maven $(if $(LIBUV),check-libuv-file,check-libuv)
	mvn -B test -Djuv.test.groups=reliability -Djuv.test.excludedGroups=none $(if $(strip $(TEST_ARGS)),-Djuv.test.args='$(strip $(TEST_ARGS))')

## soak: the soak test for ten minutes (SoakTest: mixed load on two loops; RSS, heap, native bytes and fds
## sampled every second into target/soak/samples.csv, their slopes printed); LIBUV=... and EXPECT_LIBUV=... as for make test
soak: check-jdk check-maven $(if $(LIBUV),check-libuv-file,check-libuv)
	mvn -B test -Dtest=SoakTest -Djuv.test.excludedGroups=none -Djuv.soak.seconds=600 $(if $(strip $(TEST_ARGS)),-Djuv.test.args='$(strip $(TEST_ARGS))')

check-libuv-file:
	@[ -f "$(LIBUV)" ] || { echo "LIBUV=$(LIBUV): no such file (make libuv-newest builds $(LIBUV_NEWEST))"; exit 1; }

# The newest libuv Debian ships, for the other side of every version gate (libuv 1.44 is the floor):
# Debian 13's binary package needs a newer glibc than Debian 12's, so its source package is built
# here. apt-get reads a sources list, package lists and a cache of its own under target/, so the
# system's apt setup stays as it was; apt checks the download against Debian's signed index. It
# downloads as the user running make (APT::Sandbox::User), as its _apt user may not write under target/.
LIBUV_NEWEST_VERSION := 1.50
LIBUV_NEWEST_SUITE := trixie
LIBUV_NEWEST_DIR := target/libuv/$(LIBUV_NEWEST_VERSION)
LIBUV_NEWEST := $(LIBUV_NEWEST_DIR)/libuv.so.1
# The Debian mirror the system's own sources name (not its -security one), else Debian's own.
DEBIAN_MIRROR ?= $(or $(shell cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources 2>/dev/null | \
	  grep -v '^[[:space:]]*\#' | grep -oE 'https?://[^[:space:]]+/debian/?([[:space:]]|$$)' | head -n1 | tr -d '[:space:]'),http://deb.debian.org/debian)
APT_KEYRING := $(wildcard /usr/share/keyrings/debian-archive-keyring.gpg)
APT_PRIVATE := -o Dir::Etc::sourcelist=$(abspath $(LIBUV_NEWEST_DIR))/apt/sources.list -o Dir::Etc::sourceparts=- \
	-o Dir::State::Lists=$(abspath $(LIBUV_NEWEST_DIR))/apt/lists -o Dir::Cache=$(abspath $(LIBUV_NEWEST_DIR))/apt/cache \
	-o APT::Sandbox::User=root

## libuv-newest: libuv 1.50 from Debian 13's source package, built into target/libuv/1.50/libuv.so.1
## (needs apt-get, dpkg-source, cmake and gcc; about 10 s, nothing when it is there)
libuv-newest: $(LIBUV_NEWEST)

## test-newest: the suite against that libuv 1.50 (built first when missing)
test-newest: $(LIBUV_NEWEST)
	@$(MAKE) --no-print-directory test LIBUV=$(LIBUV_NEWEST) EXPECT_LIBUV=$(LIBUV_NEWEST_VERSION)

# The unpacked source is fetched once and built by every libuv target below. source.version appears only
# when the fetch and unpacking worked (the source is unpacked beside and moved into place), so a failed
# fetch starts afresh next time and is never taken for finished. The source's version is checked, as
# Debian may move trixie to a newer one.
LIBUV_SOURCE := $(LIBUV_NEWEST_DIR)/source.version
$(LIBUV_SOURCE):
	@for t in apt-get dpkg-source cmake gcc; do command -v $$t >/dev/null || { \
	  echo "building libuv $(LIBUV_NEWEST_VERSION) needs $$t: apt-get install dpkg-dev cmake gcc"; exit 1; }; done
	@set -euo pipefail; d=$(LIBUV_NEWEST_DIR); rm -rf $$d; mkdir -p $$d/apt/lists/partial $$d/apt/cache/archives/partial $$d/dl; \
	echo "deb-src $(if $(APT_KEYRING),[signed-by=$(APT_KEYRING)] )$(DEBIAN_MIRROR) $(LIBUV_NEWEST_SUITE) main" > $$d/apt/sources.list; \
	echo "libuv $(LIBUV_NEWEST_VERSION): fetching Debian $(LIBUV_NEWEST_SUITE)'s libuv1 source from $(DEBIAN_MIRROR)"; \
	apt-get -qq $(APT_PRIVATE) update || { echo "make libuv-newest: apt-get update of $$d/apt/sources.list failed"; exit 1; }; \
	( cd $$d/dl && apt-get -qq $(APT_PRIVATE) source --download-only libuv1 ) || \
	  { echo "make libuv-newest: apt-get source libuv1 ($(LIBUV_NEWEST_SUITE)) failed"; exit 1; }; \
	dpkg-source -x $$d/dl/libuv1_*.dsc $$d/src.tmp >$$d/extract.log 2>&1 || \
	  { cat $$d/extract.log; echo "make libuv-newest: dpkg-source could not unpack libuv1"; exit 1; }; \
	v=$$(sed -n 's/^Version: \([0-9.]*\).*/\1/p' $$d/dl/libuv1_*.dsc); \
	case "$$v" in $(LIBUV_NEWEST_VERSION)|$(LIBUV_NEWEST_VERSION).*) ;; \
	  *) echo "make libuv-newest: Debian $(LIBUV_NEWEST_SUITE) ships libuv $$v, not $(LIBUV_NEWEST_VERSION): update LIBUV_NEWEST_VERSION"; exit 1;; esac; \
	mv $$d/src.tmp $$d/src; echo "$$v" > $@.tmp && mv $@.tmp $@

# $(call libuv_build,DIR,CMAKE ARGUMENTS): libuv's shared library built with cmake from that one source
# into DIR/build, then copied to the target; it appears only when every step worked. (Arguments that
# hold a comma go in a variable: call splits at the commas it is written with, not at expanded ones.)
libuv_build = @set -euo pipefail; v=$$(cat $(LIBUV_SOURCE)); d=$(1); mkdir -p $$d; \
	echo "libuv $$v: building $$d with cmake"; \
	cmake -S $(LIBUV_NEWEST_DIR)/src -B $$d/build -DBUILD_TESTING=OFF $(2) >$$d/build.log 2>&1 && \
	  cmake --build $$d/build --target uv -j2 >>$$d/build.log 2>&1 || \
	  { tail -n 30 $$d/build.log; echo "make: building libuv $$v into $$d failed (log: $$d/build.log)"; exit 1; }; \
	cp -L $$d/build/libuv.so.1 $@.tmp && mv $@.tmp $@; \
	echo "libuv $$v: $@"

$(LIBUV_NEWEST): $(LIBUV_SOURCE)
	$(call libuv_build,$(LIBUV_NEWEST_DIR),-DCMAKE_BUILD_TYPE=Release)

## libuv-asan: the same libuv 1.50 built with AddressSanitizer and UndefinedBehaviorSanitizer, into
## target/libuv/1.50-asan/libuv.so.1, for make sanitize (about 20 s, nothing when it is there)
LIBUV_ASAN_DIR := target/libuv/$(LIBUV_NEWEST_VERSION)-asan
LIBUV_ASAN := $(LIBUV_ASAN_DIR)/libuv.so.1
# Recoverable, so that one run logs every report instead of ending the test JVM at the first; make
# sanitize fails when any was logged. -O1 -g: exact lines in the reports' stacks; frame pointers: ASan's
# fast unwinder walks them. GCC's two runtimes, both loaded as shared libraries, share sanitizer_common's
# exported symbols (__sanitizer_set_report_path ...): whichever is loaded second reports to standard
# error, not to its log_path. So UBSan's runtime is linked into libuv.so itself, hidden
# (--exclude-libs), with its own report file; ASan's stays shared, preloaded first as it must be.
SANITIZE_CFLAGS := -fsanitize=address,undefined -fsanitize-recover=address,undefined -fno-omit-frame-pointer -O1 -g
SANITIZE_LDFLAGS := -fsanitize=address,undefined -static-libubsan -Wl,--exclude-libs,libubsan.a
libuv-asan: $(LIBUV_ASAN)
$(LIBUV_ASAN): $(LIBUV_SOURCE)
	$(call libuv_build,$(LIBUV_ASAN_DIR),-DCMAKE_BUILD_TYPE=None '-DCMAKE_C_FLAGS=$(SANITIZE_CFLAGS)' '-DCMAKE_SHARED_LINKER_FLAGS=$(SANITIZE_LDFLAGS)')

## sanitize: the whole suite, reliability tests included, with libuv built with ASan and UBSan loaded into
## the test JVM; fails on any sanitizer report or JVM crash (logs in target/sanitize/).
## SANITIZE_TEST='LeakGateTest,CloseWhilePendingTest' runs only those classes; SANITIZE_ARGS='-Dx=y' adds
## options to the test JVM (smaller counts for the reliability tests, say)
SANITIZE_TEST ?=
# A spawn forks the whole test JVM, two to three times slower under ASan (measured: 14 against 38
# spawns/s): the leak gate's 1,000 processes do not fit in its 300 s there.
SANITIZE_ARGS ?= -Djuv.leak.processes=200
SANITIZE_LOG := $(abspath target/sanitize)
# The ASan runtime the build was linked with, preloaded: it must come first in the process.
SANITIZE_PRELOAD = $(shell $(CC) -print-file-name=libasan.so)
# The options that let HotSpot run under ASan (Temurin 25, GCC 12's runtime), each tried:
# - handle_segv=0: SIGSEGV is HotSpot's (implicit null checks, safepoint polls, stack banging). Owned by
#   ASan without allow_user_segv_handler, the JVM dies at its first implicit null check ("SEGV on
#   unknown address 0x0" in JIT code); with ASan's handler installed but HotSpot's on top (chained),
#   it runs, but a real crash is ASan's report without Java frames instead of hs_err with them.
# - handle_sigfpe=0: HotSpot's implicit division by zero (x86 idiv traps); owned by ASan, the JVM dies
#   at the first one ("FPE on unknown address"). handle_sigbus=0: HotSpot's, for faults on mapped files.
# - handle_sigill=0, handle_abort=0: ASan's defaults, written out: HotSpot aborts after its hs_err.
# - allow_user_segv_handler=1 (the runtime's default, written out): HotSpot's sigaction always wins.
# - use_sigaltstack=0: ASan handles no signal, so it needs no alternate stack on every thread.
# - detect_leaks=0: LeakSanitizer cannot run in a JVM: at exit its stop-the-world tracer faults
#   ("Tracer caught signal 11" at an address that moves with the Java heap's placement) and nothing
#   is checked; juv's native bytes are counted by the tests instead.
# - detect_stack_use_after_return=1 (off by default): libuv hands some callbacks pointers into its own
#   stack (uv__inotify_read's buffer holds fs_event's file names, uv__udp_recvmsg's the UDP sender's
#   address), so juv reading one after the callback returned is caught only with fake stack frames.
#   HotSpot never sees them (only libuv's instrumented frames move); forks get slower.
# - halt_on_error=0 with the -fsanitize-recover build: a report does not end the JVM; one run logs all.
# A crash goes to target/sanitize too (-XX:ErrorFile), so it fails the run as a report does.
SANITIZE_SIGNALS := handle_segv=0:handle_sigbus=0:handle_sigfpe=0:handle_sigill=0:handle_abort=0:allow_user_segv_handler=1:use_sigaltstack=0
ASAN_OPTIONS_JUV := $(SANITIZE_SIGNALS):detect_leaks=0:detect_stack_use_after_return=1:halt_on_error=0:log_path=$(SANITIZE_LOG)/asan
UBSAN_OPTIONS_JUV := $(SANITIZE_SIGNALS):print_stacktrace=1:halt_on_error=0:log_path=$(SANITIZE_LOG)/ubsan
SANITIZE_TEST_ARGS := -Djuv.test.sanitize=true -Djuv.libuv.path=$(abspath $(LIBUV_ASAN)) -Djuv.expect.libuv=$(LIBUV_NEWEST_VERSION) -XX:ErrorFile=$(SANITIZE_LOG)/hs_err_pid%p.log $(SANITIZE_ARGS)
sanitize: check-jdk check-maven $(LIBUV_ASAN)
	@rm -rf $(SANITIZE_LOG); mkdir -p $(SANITIZE_LOG)
	@[ -f "$(SANITIZE_PRELOAD)" ] || { echo "make sanitize needs ASan's runtime, libasan.so: apt-get install gcc"; exit 1; }
	@rc=0; mvn -B test -Djuv.test.groups= -Djuv.test.excludedGroups=none -Djuv.test.args='$(strip $(SANITIZE_TEST_ARGS))' \
	  $(if $(SANITIZE_TEST),-Dtest='$(SANITIZE_TEST)' -Dsurefire.failIfNoSpecifiedTests=false) \
	  -Djuv.test.preload=$(SANITIZE_PRELOAD) -Djuv.test.asan.options=$(ASAN_OPTIONS_JUV) -Djuv.test.ubsan.options=$(UBSAN_OPTIONS_JUV) || rc=$$?; \
	reports=$$(find $(SANITIZE_LOG) -type f -size +0 | sort); \
	if [ -n "$$reports" ]; then for f in $$reports; do echo "=== $$f"; head -n 60 $$f; done; \
	  echo "make sanitize: $$(echo "$$reports" | wc -l) report file(s) in $(SANITIZE_LOG)"; exit 1; fi; \
	[ $$rc = 0 ] || { echo "make sanitize: the suite failed (no sanitizer report)"; exit $$rc; }; \
	echo "make sanitize: no sanitizer report, no JVM crash"

## docs: the Javadoc site of the public packages (io.juv, io.juv.net, io.juv.fs, io.juv.process, io.juv.tty)
## in target/reports/apidocs; doclint checks it all (every public and protected element documented, with its
## @param, @return and @throws) and any warning fails. The site shows the public members; the protected ones
## (juv's hooks between its own packages) are checked in a run of their own first. DOCS_CHECK=io.juv: doclint
## checks only those packages (comma-separated), while the site still has them all
DOCS_CHECK ?=
# compile first: the plugin takes a module's name from target/classes (module-info.class), once juv is a module.
docs: check-jdk check-maven
	mvn -B compile javadoc:javadoc@protected javadoc:javadoc $(if $(DOCS_CHECK),-Djuv.docs.check=$(DOCS_CHECK))
	@echo "make docs: target/reports/apidocs/index.html"

## bindings: regenerate bindings/ with jextract (on PATH, or JEXTRACT=/path/to/jextract)
JEXTRACT ?= jextract
UV_H ?= /usr/include/uv.h
bindings:
	@command -v $(JEXTRACT) >/dev/null || { echo "make bindings needs jextract on PATH or JEXTRACT=/path/to/jextract"; exit 1; }
	@[ -f $(UV_H) ] || { echo "make bindings needs libuv's headers: apt-get install libuv1-dev"; exit 1; }
	rm -rf bindings/src/io
	$(JEXTRACT) @bindings/includes.txt --target-package io.juv.bindings --header-class-name uv_h \
	  --output bindings/src $(UV_H)

## native: the C side of the benchmarks, built into target/native/ (needs gcc and libuv1-dev):
## seed_server, conn_client, timer_bench, echo_bench, udp_echo_bench, fs_bench, libjuvbench.so (JNI + FFM shim)
## and ffi_floor (the C floor of the FFI report: the shim's functions timed from C)
NATIVE := target/native
# gcc unless CC was set in the environment or on the command line.
ifeq ($(origin CC),default)
CC := gcc
endif
NATIVE_CFLAGS ?= -O2 -Wall -Wextra
NATIVE_PROGRAMS := $(addprefix $(NATIVE)/,seed_server conn_client timer_bench echo_bench udp_echo_bench spawn_bench fs_bench)

native: $(NATIVE_PROGRAMS) $(NATIVE)/libjuvbench.so $(NATIVE)/ffi_floor

# Asks the compiler itself, so a libuv under /usr/local counts as well as libuv1-dev's.
check-native:
	@command -v $(CC) >/dev/null || { echo "make native needs a C compiler: apt-get install gcc"; exit 1; }
	@echo '#include <uv.h>' | $(CC) -E -x c - >/dev/null 2>&1 || \
	  { echo "make native needs libuv's headers (uv.h): apt-get install libuv1-dev"; exit 1; }

$(NATIVE):
	@mkdir -p $@

# The executables are named for what they are run as, the sources for what they measure.
$(NATIVE)/seed_server: native/seed_server.c
$(NATIVE)/conn_client: native/conn_client.c
$(NATIVE)/timer_bench: native/c_timers.c
$(NATIVE)/echo_bench: native/c_echo.c native/pingpong.h
$(NATIVE)/udp_echo_bench: native/c_udp_echo.c native/pingpong.h
$(NATIVE)/spawn_bench: native/spawn_bench.c
$(NATIVE)/fs_bench: native/fs_bench.c
$(NATIVE_PROGRAMS): native/common.h | check-native $(NATIVE)
	$(CC) $(NATIVE_CFLAGS) -o $@ $(filter %.c,$^) -luv

# -z defs: an unresolved symbol fails here, not at System.load in the middle of a benchmark.
$(NATIVE)/libjuvbench.so: native/ffi_shim.c | check-native check-jdk $(NATIVE)
	$(CC) $(NATIVE_CFLAGS) -fPIC -shared -I$(JDK)/include -I$(JDK)/include/linux -Wl,-z,defs -o $@ $< -luv -lpthread

# Opens libjuvbench.so with dlopen, so that every call goes through a pointer, as the JVM's do.
$(NATIVE)/ffi_floor: native/ffi_floor.c | check-native $(NATIVE)
	$(CC) $(NATIVE_CFLAGS) -o $@ $< -ldl

## bench: every server side by side, the JMH suite, the C programs and bench-ffi; report in target/bench/.
## QUICK=1: one short round, a smoke test of the harness (under two minutes), not a measurement.
## BENCH_ARGS='--rounds 5 --servers juv,C\ libuv --no-jmh' narrows it; '--load juv' (portable mode: juv's own
## load client, the JDK's CPU clock) or '--load wrk' forces a mode, '--clock process|proc|ps' a clock;
## BENCH_ARGS=--help lists every option. Without wrk, taskset or /proc it runs in portable mode.
BENCH_ARGS ?=
BENCH_JAVA = $(JAVA) --enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow -Djava.awt.headless=true \
	  -cp $(RUN_CP)
BENCH_CLASSPATH = $(MVN) test-compile dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=$(TEST_CLASSPATH)
bench: check-jdk check-maven bench-tools
	@$(MAKE) --no-print-directory native || echo "make bench: the C programs did not build: the C server and C programs are skipped, the load is juv's"
	$(BENCH_CLASSPATH)
	$(BENCH_JAVA) io.juv.bench.Harness $(if $(QUICK),--quick) $(BENCH_ARGS)

## bench-ffi: what crossing Java <-> C costs: downcalls of five shapes and upcalls of three, FFM, FFM critical
## and JNI against plain C, from JVM and native threads, steady (JMH, -prof gc) and cold (fresh JVMs);
## report in target/bench/ffi/ (make bench runs it too). QUICK=1: 1 fork, short iterations (about a minute).
bench-ffi: check-jdk check-maven
	@$(MAKE) --no-print-directory native
	$(BENCH_CLASSPATH)
	$(BENCH_JAVA) io.juv.bench.Ffi $(if $(QUICK),--quick)

## bench-compare A=linux/report.json B=windows/report.json: two reports side by side (target/bench/compare.md);
## runs measured with different load tools, clocks or pinning are flagged at the top (and on stderr)
bench-compare: check-jdk $(STAMP)
	@[ -f "$(A)" ] && [ -f "$(B)" ] || { echo "make bench-compare A=first/report.json B=second/report.json"; exit 2; }
	$(BENCH_JAVA) io.juv.bench.Harness --compare $(A) $(B)

# What the benchmark drives its servers with in wrk mode; installed when missing and we may (as root, with
# apt-get). Elsewhere (macOS, Windows, no root) it runs without them, in portable mode.
BENCH_PACKAGES := $(if $(shell command -v wrk),,wrk) $(if $(shell command -v $(CC)),,gcc) \
	$(if $(wildcard /usr/include/uv.h),,libuv1-dev) $(if $(shell command -v taskset),,util-linux)
bench-tools:
	@if [ -n "$(strip $(BENCH_PACKAGES))" ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "installing $(strip $(BENCH_PACKAGES))"; apt-get update -qq && apt-get install -y -qq $(BENCH_PACKAGES); \
	  else echo "make bench: no $(strip $(BENCH_PACKAGES)) here (Debian: apt-get install $(strip $(BENCH_PACKAGES))): what needs them is skipped, and without wrk or taskset the load is juv's own (portable mode)"; fi; fi

## alloc-report: the bytes the seed server's loop thread allocates per keep-alive request (wrk) and per
## connection (conn_client), after a warm-up, with JFR's allocation sites (target/alloc/report.md);
## ALLOC_ARGS='--warmup 20 --seconds 20 --connections 100'
ALLOC_ARGS ?=
.PHONY: alloc-report
alloc-report: check-jdk check-libuv bench-tools $(STAMP)
	@$(MAKE) --no-print-directory native
	$(JAVA) --enable-native-access=ALL-UNNAMED -cp $(RUN_CP) io.juv.bench.AllocReport $(ALLOC_ARGS)

clean:
	rm -rf target
