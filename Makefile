# The README's two commands: `make run` and `make test`. Both install what they need first.
BUILD ?= build
JOBS ?= 2
CMAKE_FLAGS ?= -DCMAKE_BUILD_TYPE=RelWithDebInfo

PORT ?= 8080

.PHONY: all deps test-deps configure build build-all demo-media run snapshot test bench clean

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

snapshot: build
	@$(BUILD)/cmd/ptzgrab snapshot -o $(BUILD)/demo-snapshot.jpg

test: test-deps build-all demo-media
	@ctest --test-dir $(BUILD) --output-on-failure

bench: test-deps build demo-media
	@PTZGRAB_BIN=$(BUILD)/cmd/ptzgrab bash scripts/bench/snapshot.sh
	@PTZGRAB_BIN=$(BUILD)/cmd/ptzgrab bash scripts/bench/serve.sh

clean:
	rm -rf $(BUILD)
