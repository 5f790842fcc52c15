# Veil: the two commands a user needs are `make demo` and `make test`; both install what they
# need first (scripts/setup.sh is idempotent and fast when everything is present).

SWIFT ?= swift
PREFIX ?= /usr/local
EVAL_ROOT ?= ../shared/eval
VEIL := .build/release/veil
# The llvm-cov that matches the Swift toolchain's profile format (not the distribution's).
LLVM_COV ?= $(dir $(shell readlink -f $(shell command -v swift)))llvm-cov
DEMO := demo-output

# Sanitizer + fuzzing build (issue 11; docs/DECISIONS.md "Sanitizers and fuzzing"). One build in
# its own scratch path serves both the sanitized test run and the libFuzzer targets:
# - Swift: AddressSanitizer (swiftc has no UndefinedBehaviorSanitizer on Linux; Swift's own
#   overflow and bounds checks are on in debug builds) plus libFuzzer's coverage instrumentation.
# - C/C++ shims: AddressSanitizer + UndefinedBehaviorSanitizer (vptr left out: it needs RTTI
#   from the uninstrumented OpenCV/dlib), failing hard on the first report, plus coverage.
# - Every product links libFuzzer without its main(); `veil-fuzz` starts it through
#   LLVMFuzzerRunDriver, the tests and the CLI never do, so they run as usual.
TOOLCHAIN_BIN := $(dir $(shell readlink -f $(shell command -v swift)))
CLANG_RT := $(shell $(TOOLCHAIN_BIN)clang -print-resource-dir)/lib/linux
SANITIZE_SCRATCH ?= .build-asan
SANITIZE_C := -fsanitize=address,undefined -fno-sanitize=vptr -fno-sanitize-recover=undefined \
	-fsanitize=fuzzer-no-link -fno-omit-frame-pointer
SANITIZE_FLAGS := --scratch-path $(SANITIZE_SCRATCH) \
	-Xswiftc -sanitize=address -Xswiftc -sanitize-coverage=edge,inline-8bit-counters,pc-table,trace-cmp \
	-Xswiftc -DVEIL_LIBFUZZER \
	$(foreach flag,$(SANITIZE_C),-Xcc $(flag) -Xcxx $(flag)) \
	-Xlinker $(CLANG_RT)/libclang_rt.fuzzer_no_main-x86_64.a -Xlinker -lstdc++
# The sanitizer build leaves out the review server (Hummingbird/SwiftNIO, the `VeilReviewServer`
# target, its tests and `veil review`): Package.swift reads this internal variable. Building NIO
# under ASan would add minutes to `make test`, and the server's own code calls no native
# library (docs/DECISIONS.md, "The review server").
SANITIZE_MANIFEST := VEIL_SANITIZE=1
# Leaks are not checked in the test run (DECISIONS.md, "Sanitizers and fuzzing"); every report
# aborts the run, so a finding fails `make test`.
SANITIZE_ENV := ASAN_OPTIONS=detect_leaks=0:suppressions=$(CURDIR)/Fuzz/asan.supp SWIFT_BACKTRACE=enable=no \
	UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
# What the sanitized run covers (regular expressions over test IDs, as for `swift test --filter`),
# chosen by measurement (DECISIONS.md): every suite that reaches FFmpeg, OpenCV, ONNX Runtime
# or libheif, the pipeline's stills, regions and tracks suites, and the CLI on a handful of
# clips. Left out for time: VideoPipelineTests (the same native calls as VeilVideoTests, ~110
# CPU-seconds under ASan) and the CLI's long runs (a 30 s clip for Ctrl-C, 1080p tiles).
SANITIZED_TESTS := '^VeilMediaTests\.' '^VeilVideoTests\.' '^VeilDetectionTests\.' '^VeilMaskingTests\.' \
	'^VeilPipelineTests\.(ImagePipelineTests|OutputNamingTests|UserRegionsTests|PolygonRegionTests|TracksFileTests)/' \
	'^VeilCLITests\.CLITests/(videoRoundTripThroughTheCLI|batchWithABadFile|audioOnlyFile|outputEqualToInput)'
# Tests to leave out of the sanitized run (regular expressions, as for `swift test --skip`):
# empty unless a finding waits for a fix elsewhere; each entry names its bug.
SANITIZE_SKIP ?=
FUZZ_TARGETS := tracks regions metadata image video
FUZZ_SECONDS ?= 300
FUZZ_SMOKE_SECONDS ?= 20
FUZZ_WORK ?= $(SANITIZE_SCRATCH)/fuzz
# Test commands run with TMPDIR in a fresh folder removed afterwards: nothing a test, SwiftPM or
# a child veil makes in the temporary directory outlives the run (scripts/in_scratch_tmp.sh).
IN_SCRATCH_TMP := bash scripts/in_scratch_tmp.sh

.PHONY: all setup setup-gpu build test lint coverage docs demo eval bench bench-photos bench-memory install uninstall test-deploy clean \
	sanitize-build test-sanitized fuzz fuzz-smoke test-browser browser-tests

all: build

# `make setup GPU=1` also installs the GPU runtime (as `make setup-gpu` does).
setup:
	@bash scripts/setup.sh
	@if [ "$(GPU)" = 1 ]; then bash scripts/setup_gpu.sh; fi

# ONNX Runtime's GPU build (onnxruntime-gpu[cuda,cudnn], pinned, sha256-verified) beside the CPU
# one, for --gpu; chosen by the driver's CUDA version (GPU_CUDA=12|13 overrides). Not part of
# `make test`: the wheels are ~2 GB.
setup-gpu:
	@bash scripts/setup_gpu.sh

build: setup
	$(SWIFT) build -c release --product veil

lint:
	$(SWIFT) format lint --strict --recursive Sources Tests Package.swift

test: setup lint
	$(SWIFT) build --build-tests
	$(IN_SCRATCH_TMP) $(SWIFT) test --skip-build --parallel
	$(MAKE) browser-tests
	$(MAKE) test-deploy
	$(MAKE) test-sanitized
	$(MAKE) fuzz-smoke

# The review editor in headless Chromium (Tests/Browser, Selenium from setup's venv): drives the
# debug `veil review` on a generated clip. `make test` runs it after the Swift tests.
BROWSER_PYTHON ?= $(or $(XDG_CACHE_HOME),$(HOME)/.cache)/veil-setup/venv-browser/bin/python
test-browser: setup
	$(SWIFT) build --product veil
	$(MAKE) browser-tests

browser-tests:
	VEIL=$(CURDIR)/.build/debug/veil $(IN_SCRATCH_TMP) $(BROWSER_PYTHON) Tests/Browser/test_review_page.py

# The sanitizer build: tests, the CLI and veil-fuzz, all instrumented.
sanitize-build: setup
	$(SANITIZE_MANIFEST) $(SWIFT) build --build-tests $(SANITIZE_FLAGS)

# The native-facing suites under AddressSanitizer + UBSan, CLI tests running the sanitized veil.
test-sanitized: sanitize-build
	$(SANITIZE_MANIFEST) $(SANITIZE_ENV) $(IN_SCRATCH_TMP) $(SWIFT) test --skip-build --parallel $(SANITIZE_FLAGS) \
		$(foreach tests,$(SANITIZED_TESTS),--filter $(tests)) $(foreach test,$(SANITIZE_SKIP),--skip '$(test)')

# Each libFuzzer target for FUZZ_SECONDS (default 300 s); findings land in FUZZ_WORK.
fuzz: sanitize-build
	@bash scripts/fuzz.sh $(SANITIZE_SCRATCH)/debug/veil-fuzz $(FUZZ_SECONDS) $(FUZZ_WORK) $(FUZZ_TARGETS)

# `make test`'s short run of each target, from a fixed seed so CI runs are alike.
fuzz-smoke: sanitize-build
	@bash scripts/fuzz.sh $(SANITIZE_SCRATCH)/debug/veil-fuzz $(FUZZ_SMOKE_SECONDS) $(FUZZ_WORK)-smoke --seed 1 \
		$(FUZZ_TARGETS)

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
	VeilAudit VeilCharts VeilPipeline VeilReview VeilBatch
docs: setup
	$(SWIFT) package --disable-sandbox generate-documentation --warnings-as-errors \
		$(addprefix --target ,$(DOC_TARGETS))

demo: build
	@bash scripts/demo.sh "$(VEIL)" "$(DEMO)"

eval: build
	@bash scripts/eval.sh "$(VEIL)" "$(EVAL_ROOT)"

# The floors and Veil run BENCH_ROUNDS interleaved times (medians reported), deface once.
BENCH_ROUNDS ?= 3
bench: build
	@bash scripts/bench.sh "$(VEIL)" .bench "$(EVAL_ROOT)" "$(BENCH_ROUNDS)"

# `make bench-photos`: the photo part of `make bench` alone (Veil at defaults and --targets face vs deface).
bench-photos: build
	@bash scripts/bench_photos.sh "$(VEIL)" .bench "$(EVAL_ROOT)"

# Peak RSS against a plain ffmpeg transcode at 720p, 1080p and 4K, and a long 720p run sampled
# over time (LONG_MINUTES, default 20).
LONG_MINUTES ?= 20
bench-memory: build
	@bash scripts/bench_memory.sh "$(VEIL)" .bench "$(EVAL_ROOT)" "$(LONG_MINUTES)"

# `make install`: the release binary, the models (verified by setup.sh, copied and compared when
# PREFIX is not setup's /usr/local), the man pages generated from the argument parser
# (swift-argument-parser's generate-manual plugin: one page per subcommand) and bash/zsh/fish
# completions from `veil --generate-completion-script`. DESTDIR stages a package.
BINDIR := $(DESTDIR)$(PREFIX)/bin
MANDIR := $(DESTDIR)$(PREFIX)/share/man/man1
MODELDIR := $(DESTDIR)$(PREFIX)/share/veil/models
SETUP_MODELS := /usr/local/share/veil/models
BASH_COMPLETIONS := $(DESTDIR)$(PREFIX)/share/bash-completion/completions
ZSH_COMPLETIONS := $(DESTDIR)$(PREFIX)/share/zsh/site-functions
FISH_COMPLETIONS := $(DESTDIR)$(PREFIX)/share/fish/vendor_completions.d
MAN_BUILD := .build/man

install: build
	install -d $(BINDIR) $(MANDIR) $(BASH_COMPLETIONS) $(ZSH_COMPLETIONS) $(FISH_COMPLETIONS)
	install -m 0755 $(VEIL) $(BINDIR)/veil
	@if [ "$$(realpath -m $(MODELDIR))" != "$(SETUP_MODELS)" ]; then \
		install -d $(MODELDIR) && for model in $(SETUP_MODELS)/*; do \
			install -m 0644 "$$model" $(MODELDIR)/ && cmp -s "$$model" "$(MODELDIR)/$$(basename "$$model")" \
				|| { echo "model $$model: copy differs" >&2; exit 1; }; \
		done; echo "models: copied to $(MODELDIR)"; \
	else echo "models: verified by setup in $(SETUP_MODELS)"; fi
	rm -rf $(MAN_BUILD) && mkdir -p $(MAN_BUILD)
	$(SWIFT) package --disable-sandbox --allow-writing-to-directory $(MAN_BUILD) generate-manual --multi-page \
		--authors "The Veil authors" -o $(MAN_BUILD)
	install -m 0644 $(MAN_BUILD)/*.1 $(MANDIR)/
	$(VEIL) --generate-completion-script bash > $(BASH_COMPLETIONS)/veil
	$(VEIL) --generate-completion-script zsh > $(ZSH_COMPLETIONS)/_veil
	$(VEIL) --generate-completion-script fish > $(FISH_COMPLETIONS)/veil.fish

# Removes what `make install` put in place (models only when it copied them outside setup's folder).
uninstall:
	rm -f $(BINDIR)/veil $(MANDIR)/veil.1 $(MANDIR)/veil.*.1 $(BASH_COMPLETIONS)/veil $(ZSH_COMPLETIONS)/_veil \
		$(FISH_COMPLETIONS)/veil.fish
	@if [ "$$(realpath -m $(MODELDIR))" != "$(SETUP_MODELS)" ]; then rm -rf $(MODELDIR); fi

# `veil batch` on a real single-node Slurm cluster and the Kubernetes Job (schemas, meaning, its
# command once per index); both use the debug binary `swift build` just made.
test-deploy:
	@bash scripts/test_slurm.sh .build/debug/veil
	@bash scripts/test_kubernetes.sh .build/debug/veil

clean:
	rm -rf .build $(SANITIZE_SCRATCH) $(DEMO)
