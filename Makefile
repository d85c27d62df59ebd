# Stock Tracker: the two commands a user types are `make run` and `make test`.
# Every target installs and starts what it needs, from nothing, idempotently.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PRESET ?= release
BUILD  := build/$(PRESET)
BIN    := $(BUILD)/app/stocktracker

.PHONY: help deps build build-asan web services-up services-down services-status \
        run test test-unit test-integration test-asan bench chaos fuzz clean

help:
	@echo "make run            install, build, start PostgreSQL/Redis/Kafka, run the whole pipeline"
	@echo "make test           install, build, start the servers, run every test"
	@echo "make bench          run the benchmarks, write docs/benchmarks.md"
	@echo "make chaos          run the fault tests at full size (kill -9, zombie, scaling, broker restart), write docs/chaos.md"
	@echo "make fuzz           every parser under libFuzzer with ASan/UBSan, FUZZ_SECONDS each (600), write docs/fuzzing.md"
	@echo "make web            build the dashboard (web/ -> web/dist)"
	@echo "make services-up    start the local servers only (services-down stops them, services-status shows them)"
	@echo "make clean          stop the servers, delete build/ and var/"

deps:
	@scripts/install-deps.sh

build: deps
	@cmake --preset $(PRESET) > /dev/null
	@cmake --build --preset $(PRESET)

# The dashboard (web/ -> web/dist, served by `stocktracker api`): npm ci, vite build.
web: deps
	@scripts/build-web.sh

build-asan: deps
	@cmake --preset asan > /dev/null
	@cmake --build --preset asan --target unit_tests

services-up: deps
	@scripts/services.sh up

services-down:
	@scripts/services.sh down

services-status:
	@scripts/services.sh status

run: build web
	@scripts/run.sh $(BIN)

# Unit tests (no servers), the sanitizer build of the unit tests, then the
# integration tests against the real servers.
test: build build-asan web
	@scripts/test.sh $(BUILD) build/asan

bench: build
	@scripts/bench.sh $(BUILD)

# The fault tests of TARGETS.md's Safety table at full size (make test runs
# the same tests small); restarts the Kafka broker it started.
chaos: build
	@scripts/chaos.sh $(BUILD)

# Every parser of outside input under libFuzzer with ASan+UBSan (tests/fuzz,
# clang 19 in build/fuzz), FUZZ_SECONDS each, two at a time; writes
# docs/fuzzing.md and fails if a target crashed. Only this target installs
# clang (install-deps.sh fuzz).
FUZZ_SECONDS ?= 600
fuzz:
	@scripts/install-deps.sh fuzz
	@cmake --preset fuzz > /dev/null
	@cmake --build --preset fuzz
	@FUZZ_SECONDS=$(FUZZ_SECONDS) scripts/fuzz.sh build/fuzz

clean:
	-@scripts/services.sh down
	rm -rf build var
