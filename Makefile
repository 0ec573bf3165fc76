# The README's two commands: `make run` and `make test`. Both install what they need first.
BUILD ?= build
JOBS ?= 2
CMAKE_FLAGS ?= -DCMAKE_BUILD_TYPE=RelWithDebInfo

PORT ?= 8080
# Second and third build folders: the whole suite under ASan+UBSan; the cache and server tests under TSan.
ASAN_BUILD ?= build-asan
TSAN_BUILD ?= build-tsan
FUZZ_SECONDS ?= 60

.PHONY: all deps test-deps configure build build-all demo-media run snapshot install test test-asan tsan fuzz bench clean

all: build

deps:
	@bash scripts/install-deps.sh

test-deps:
	@bash scripts/install-deps.sh --test

configure: deps
	@cmake -S . -B $(BUILD) $(CMAKE_FLAGS) >/dev/null

# Only the program: `make run` does not wait for the test binaries.
build: configure
	@cmake --build $(BUILD) -j $(JOBS) --target ptzgrab

build-all: configure
	@cmake --build $(BUILD) -j $(JOBS)

# The demo source's live HLS clip for the view page (generated with ffmpeg, not committed).
demo-media: deps
	@bash scripts/make-demo-media.sh

# The main job on the built-in demo source: one snapshot, then the server (Ctrl-C stops it).
run: build demo-media
	@$(BUILD)/cmd/ptzgrab snapshot -o $(BUILD)/demo-snapshot.jpg
	@$(BUILD)/cmd/ptzgrab serve --port $(PORT) --static-dir $(BUILD)/static

# The program, its man page, assets (with the demo clip), units and example config under PREFIX.
PREFIX ?= /usr/local
install: configure demo-media
	@cmake --build $(BUILD) -j $(JOBS) --target ptzgrab ptzgrab_man
	@cmake --install $(BUILD) --prefix $(PREFIX)

snapshot: build
	@$(BUILD)/cmd/ptzgrab snapshot -o $(BUILD)/demo-snapshot.jpg

# Every test, then every test again built with AddressSanitizer + UndefinedBehaviorSanitizer.
test: test-deps build-all demo-media
	@ctest --test-dir $(BUILD) --output-on-failure
	@$(MAKE) --no-print-directory test-asan

# The whole suite, and a short smoke of each fuzz harness, under ASan+UBSan (findings are fatal).
test-asan: test-deps demo-media
	@cmake -S . -B $(ASAN_BUILD) $(CMAKE_FLAGS) -DPTZGRAB_SANITIZE=address,undefined >/dev/null
	@cmake --build $(ASAN_BUILD) -j $(JOBS)
	@ctest --test-dir $(ASAN_BUILD) --output-on-failure

# The frame cache, live streams, latest-frame store and server tests under ThreadSanitizer. Not part of `make test`:
# its own cold build (TSan cannot share the ASan one) adds about 10 min on the 2-core CI machine.
tsan: test-deps demo-media
	@cmake -S . -B $(TSAN_BUILD) $(CMAKE_FLAGS) -DPTZGRAB_SANITIZE=thread >/dev/null
	@cmake --build $(TSAN_BUILD) -j $(JOBS) --target core_tests live_tests web_serve_tests
	@ctest --test-dir $(TSAN_BUILD) --output-on-failure -R "^(core_tests|live_tests|web_serve_tests)$$"

# Each fuzz harness for FUZZ_SECONDS (default 60), built with ASan+UBSan; one result line per harness.
fuzz: deps
	@cmake -S . -B $(ASAN_BUILD) $(CMAKE_FLAGS) -DPTZGRAB_SANITIZE=address,undefined >/dev/null
	@cmake --build $(ASAN_BUILD) -j $(JOBS) --target fuzzers
	@bash scripts/fuzz.sh $(ASAN_BUILD) $(FUZZ_SECONDS)

bench: test-deps build demo-media
	@PTZGRAB_BIN=$(BUILD)/cmd/ptzgrab bash scripts/bench/snapshot.sh
	@PTZGRAB_BIN=$(BUILD)/cmd/ptzgrab bash scripts/bench/serve.sh
	@PTZGRAB_BIN=$(BUILD)/cmd/ptzgrab bash scripts/bench/live.sh
	@PTZGRAB_BIN=$(BUILD)/cmd/ptzgrab bash scripts/bench/ptz.sh

clean:
	rm -rf $(BUILD) $(ASAN_BUILD) $(TSAN_BUILD)
