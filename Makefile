# The README's two commands: `make run` and `make test`. Both install what they need first.
BUILD ?= build
JOBS ?= 2
CMAKE_FLAGS ?= -DCMAKE_BUILD_TYPE=RelWithDebInfo

.PHONY: all deps test-deps build run test bench clean

all: build

deps:
	@bash scripts/install-deps.sh

test-deps:
	@bash scripts/install-deps.sh --test

build: deps
	@cmake -S . -B $(BUILD) $(CMAKE_FLAGS) >/dev/null
	@cmake --build $(BUILD) -j $(JOBS)

# The main job on the built-in demo source.
run: build
	@$(BUILD)/cmd/ptzgrab snapshot -o $(BUILD)/demo-snapshot.jpg

test: test-deps build
	@ctest --test-dir $(BUILD) --output-on-failure

bench: test-deps build
	@bash scripts/bench/snapshot.sh

clean:
	rm -rf $(BUILD)
