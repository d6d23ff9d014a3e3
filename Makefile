# MimiCom's front door. `make run` and `make test` work on a fresh Debian 12 machine as root:
# scripts/setup.sh installs what is missing first.
SHELL := /bin/bash
BUILD ?= build
TEST_BUILD ?= build-test
JOBS ?= $(shell nproc)

.PHONY: all setup ui build run test bench fmt lint clean

all: build

setup:
	@scripts/setup.sh

ui: setup
	@cd app && npm run build --silent

build: setup ui
	@cmake -S . -B $(BUILD) -G Ninja -DCMAKE_BUILD_TYPE=Release -DMIMICOM_TESTS=OFF >/dev/null
	@cmake --build $(BUILD) -j $(JOBS)

run: build
	./$(BUILD)/mimicom serve $(ARGS)

# Every test, built with AddressSanitizer and UndefinedBehaviorSanitizer. ctest's summary ends it.
test: setup ui
	@cmake -S . -B $(TEST_BUILD) -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DMIMICOM_SANITIZE=ON >/dev/null
	@cmake --build $(TEST_BUILD) -j $(JOBS)
	@cd app && npm run typecheck --silent
	@ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 \
	  ctest --test-dir $(TEST_BUILD) --output-on-failure -j $(JOBS)

bench: build
	@scripts/setup.sh --bench
	@bench/run.sh $(BUILD)/mimicom

fmt:
	@git ls-files '*.cpp' '*.hpp' | xargs clang-format -i

lint: setup
	@cmake -S . -B $(TEST_BUILD) -G Ninja -DMIMICOM_SANITIZE=ON >/dev/null
	@git ls-files '*.cpp' | grep -v '_test.cpp' | xargs clang-tidy -p $(TEST_BUILD) --quiet

clean:
	rm -rf $(BUILD) $(TEST_BUILD)
