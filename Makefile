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
SOURCES := $(shell find src/main/java src/examples/java bindings/src -name '*.java' 2>/dev/null) pom.xml
RUN_CP := $(CLASSES):$(EXAMPLE_CLASSES)

.PHONY: run load example test build bindings native bench bench-compare bench-tools clean check-jdk check-libuv check-maven check-native

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
	$(MVN) test-compile
	@touch $@

build: $(STAMP)

## run: cl-async's benchmark server (ARGS='--port 9010 --delay 0 --keep-alive --no-stats')
run: check-jdk check-libuv $(STAMP)
	@exec $(JAVA) $(JVM_ARGS) -cp $(RUN_CP) io.juv.examples.SeedServer $(ARGS)

## load: juv's own load client (ARGS='--connections 19000 --addresses 4 --port 9009')
load: check-jdk check-libuv $(STAMP)
	@exec $(JAVA) $(JVM_ARGS) -cp $(RUN_CP) io.juv.examples.LoadClient $(ARGS)

## example: one of src/examples/java by its name (NAME=echo ARGS='--port 7000'); `make example` lists them
# A name is the class's name in kebab case: echo -> Echo, pipe-echo -> PipeEcho, seed-server -> SeedServer.
EXAMPLE_CLASS = $(shell echo '$(NAME)' | sed -E 's/(^|-)([a-z])/\U\2/g')
example: check-jdk check-libuv $(STAMP)
	@if [ -z "$(NAME)" ]; then echo "make example NAME=<name> ARGS='...', where <name> is one of:"; \
	  ls src/examples/java/io/juv/examples/*.java | xargs -n1 basename | sed -E 's/\.java$$//; s/([a-z0-9])([A-Z])/\1-\2/g' | tr A-Z a-z | sed 's/^/  /'; exit 2; fi
	@[ -f src/examples/java/io/juv/examples/$(EXAMPLE_CLASS).java ] || { echo "no example '$(NAME)' (make example lists them)"; exit 2; }
	@exec $(JAVA) $(JVM_ARGS) -cp $(RUN_CP) io.juv.examples.$(EXAMPLE_CLASS) $(ARGS)

## test: the JUnit suite, against the real libuv on loopback
test: check-jdk check-libuv check-maven
	mvn -B test

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
## seed_server, conn_client, timer_bench, echo_bench and libjuvbench.so (JNI + FFM shim)
NATIVE := target/native
# gcc unless CC was set in the environment or on the command line.
ifeq ($(origin CC),default)
CC := gcc
endif
NATIVE_CFLAGS ?= -O2 -Wall -Wextra
NATIVE_PROGRAMS := $(addprefix $(NATIVE)/,seed_server conn_client timer_bench echo_bench)

native: $(NATIVE_PROGRAMS) $(NATIVE)/libjuvbench.so

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
$(NATIVE)/echo_bench: native/c_echo.c
$(NATIVE_PROGRAMS): native/common.h | check-native $(NATIVE)
	$(CC) $(NATIVE_CFLAGS) -o $@ $(filter %.c,$^) -luv

# -z defs: an unresolved symbol fails here, not at System.load in the middle of a benchmark.
$(NATIVE)/libjuvbench.so: native/ffi_shim.c | check-native check-jdk $(NATIVE)
	$(CC) $(NATIVE_CFLAGS) -fPIC -shared -I$(JDK)/include -I$(JDK)/include/linux -Wl,-z,defs -o $@ $< -luv

## bench: every server side by side, the JMH suite and the C programs; report in target/bench/.
## QUICK=1: one short round, a smoke test of the harness (under two minutes), not a measurement.
## BENCH_ARGS='--rounds 5 --servers juv,C\ libuv --no-jmh' narrows it.
BENCH_ARGS ?=
bench: check-jdk check-maven bench-tools
	@$(MAKE) --no-print-directory native
	$(MVN) test-compile dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/bench.classpath
	$(JAVA) --enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow -Djava.awt.headless=true \
	  -cp $(CLASSES):target/test-classes:$$(cat target/bench.classpath) io.juv.bench.Harness $(if $(QUICK),--quick) $(BENCH_ARGS)

## bench-compare A=linux/report.json B=windows/report.json: two reports side by side (target/bench/compare.md)
bench-compare: check-jdk
	$(JAVA) -cp $(CLASSES):target/test-classes io.juv.bench.Harness --compare $(A) $(B)

# What the benchmark drives its servers with; installed when missing and we may (as root).
BENCH_PACKAGES := $(if $(shell command -v wrk),,wrk) $(if $(shell command -v gcc),,gcc) \
	$(if $(wildcard /usr/include/uv.h),,libuv1-dev) $(if $(shell command -v taskset),,util-linux)
bench-tools:
	@if [ -n "$(strip $(BENCH_PACKAGES))" ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "installing $(strip $(BENCH_PACKAGES))"; apt-get update -qq && apt-get install -y -qq $(BENCH_PACKAGES); \
	  else echo "make bench needs: $(strip $(BENCH_PACKAGES)) (apt-get install $(strip $(BENCH_PACKAGES)))"; exit 1; fi; fi

clean:
	rm -rf target
