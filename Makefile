# Sluice: the two set-up commands are `make run` and `make test`; both install missing Debian
# packages first (tools/install-deps.sh runs apt-get update before installing).
BUILD ?= build
TYPE ?= RelWithDebInfo
JOBS ?= $(shell nproc)
BENCH_EVENTS ?= 1000000
# bench e2e: records per input on the embedded broker (each partition must stay well under the
# mock's 5 MiB: the minute aggregation's repartition by action puts all user tags on at most
# two partitions, ~125 bytes each, so 30,000 is about the most it takes), partitions per topic.
BENCH_E2E_RECORDS ?= 30000
BENCH_E2E_PARTITIONS ?= 8

.PHONY: all deps configure build test test-unit test-integration run demo bench asan format format-check clean

all: build

deps:
	@bash tools/install-deps.sh

configure: deps
	@cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=$(TYPE) > /dev/null

build: configure
	@cmake --build $(BUILD) -j$(JOBS)

test: build
	@cd $(BUILD) && ctest --output-on-failure -j$(JOBS) --timeout 600

test-unit: build
	@cd $(BUILD) && ctest --output-on-failure -j$(JOBS) -L unit

test-integration: build
	@cd $(BUILD) && ctest --output-on-failure -L integration

# The main job on the embedded default: the mission topologies, each on an in-process mock
# broker fed by the built-in generator, until Ctrl-C (DURATION=SECONDS stops by itself).
run: build
	@BIN=$(BUILD)/bin/sluice bash tools/run-embedded.sh

# The minute aggregation through the test driver on generated data, with no broker at all.
demo: build
	@$(BUILD)/bin/sluice demo --count 300000

$(BUILD)/allezon-$(BENCH_EVENTS).jsonl: build
	@$(BUILD)/bin/sluice datagen allezon --count $(BENCH_EVENTS) --seed 42 > $@

bench: build $(BUILD)/allezon-$(BENCH_EVENTS).jsonl
	@$(BUILD)/bin/sluice bench engine --input $(BUILD)/allezon-$(BENCH_EVENTS).jsonl
	@$(BUILD)/bin/sluice bench e2e --records $(BENCH_E2E_RECORDS) --partitions $(BENCH_E2E_PARTITIONS)

# All tests under AddressSanitizer and UndefinedBehaviorSanitizer.
asan: deps
	@cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug -DSLUICE_SANITIZE=ON > /dev/null
	@cmake --build build-asan -j$(JOBS)
	@cd build-asan && ctest --output-on-failure -j$(JOBS) -L unit

format:
	@git ls-files '*.cpp' '*.h' | xargs clang-format -i

format-check:
	@git ls-files '*.cpp' '*.h' | xargs clang-format --dry-run --Werror

clean:
	@rm -rf $(BUILD) build-asan
