# Veil: the two commands a user needs are `make demo` and `make test`; both install what they
# need first (scripts/setup.sh is idempotent and fast when everything is present).

SWIFT ?= swift
PREFIX ?= /usr/local
EVAL_ROOT ?= ../shared/eval
VEIL := .build/release/veil
# The llvm-cov that matches the Swift toolchain's profile format (not the distribution's).
LLVM_COV ?= $(dir $(shell readlink -f $(shell command -v swift)))llvm-cov
DEMO := demo-output

.PHONY: all setup build test lint coverage docs demo eval bench bench-memory install clean

all: build

setup:
	@bash scripts/setup.sh

build: setup
	$(SWIFT) build -c release --product veil

lint:
	$(SWIFT) format lint --strict --recursive Sources Tests Package.swift

test: setup lint
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build --parallel

# Line and region coverage of the library by the test suite (the CLI is exercised by the
# binary-level tests in Tests/VeilCLITests, which llvm-cov does not see).
coverage: setup
	$(SWIFT) build --build-tests --enable-code-coverage
	$(SWIFT) test --skip-build --enable-code-coverage --parallel
	$(LLVM_COV) report .build/debug/VeilPackageTests.xctest -instr-profile .build/debug/codecov/default.profdata \
		-ignore-filename-regex='(\.build|Tests)/' | tail -1

# DocC for the umbrella module and every library module (swift-docc-plugin); any DocC warning
# (a broken symbol link, an undocumented parameter) fails the build.
DOC_TARGETS := Veil VeilGeometry VeilMedia VeilDetection VeilMasking VeilTracking VeilVideo VeilEvaluation \
	VeilAudit VeilPipeline VeilReview
docs: setup
	$(SWIFT) package --disable-sandbox generate-documentation --warnings-as-errors \
		$(addprefix --target ,$(DOC_TARGETS))

demo: build
	@bash scripts/demo.sh "$(VEIL)" "$(DEMO)"

eval: build
	@bash scripts/eval.sh "$(VEIL)" "$(EVAL_ROOT)"

bench: build
	@bash scripts/bench.sh "$(VEIL)" .bench "$(EVAL_ROOT)"

# Peak RSS against a plain ffmpeg transcode at 720p, 1080p and 4K, and a long 720p run sampled
# over time (LONG_MINUTES, default 20).
LONG_MINUTES ?= 20
bench-memory: build
	@bash scripts/bench_memory.sh "$(VEIL)" .bench "$(EVAL_ROOT)" "$(LONG_MINUTES)"

install: build
	install -m 0755 $(VEIL) $(PREFIX)/bin/veil

clean:
	rm -rf .build $(DEMO)
