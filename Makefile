# A thin wrapper around meson. The README's quick start:
#   make tutorials   build the tutorials alone, then run every one (files they write: build/tutorial_output)
#   make test        build everything, then run the whole test suite
# Both first install missing Debian packages (as root), or print the line to run.
# `make test NATIVE=true` builds with -march=native (see meson_options.txt).

BUILD_DIR ?= build
# fortunes-min: tutorial 14's text (it falls back to built-in proverbs without it).
# libopenmpi-dev, openmpi-bin: the distributed layer, its tests and tutorial 15
# (optional: without them those are skipped).
PACKAGES := g++ make meson ninja-build pkg-config libfmt-dev doctest-dev fortunes-min libopenmpi-dev openmpi-bin
# CI treats warnings as errors.
NATIVE ?= false
MESON_OPTIONS := -Dwerror=$(if $(CI),true,false) -Dnative=$(NATIVE)
# When ccache is installed meson compiles through it. Paths relative to the
# clone, and no hash of the build folder, let a fresh clone elsewhere reuse
# what an earlier one compiled.
export CCACHE_BASEDIR := $(CURDIR)
export CCACHE_NOHASHDIR := true
# The sanitizer builds at -Og with line tables only (-g1): stack traces keep
# their files and lines, the build takes a quarter of -O2 -g's time, and the
# suite runs as fast as at -O1 (docs/performance.md, "Build time").
SANITIZER_BUILD := -Doptimization=g -Ddebug=false -Dcpp_args=-g1
TUTORIALS := $(sort $(basename $(notdir $(wildcard tutorials/[0-9][0-9]_*.cpp))))

.PHONY: tutorials exercise exercises test test-arm64 test-x86-cpus sanitize tsan fuzz bench deps setup clean

# One at a time, built just before it runs: 01 needs only the core layer, so
# its output comes while the rest of the library is still to be compiled.
# Then the gradient-check table as a page, which the float tutorials' pages
# link to (gradient checks need double precision).
tutorials: setup
	@set -e; for t in $(TUTORIALS); do \
	  if ! ninja -C $(BUILD_DIR) -t query tutorials/$$t > /dev/null 2>&1; then \
	    printf '\n%s is not built here: it needs MPI (libopenmpi-dev openmpi-bin, meson_options.txt)\n' "$$t"; continue; fi; \
	  meson compile -C $(BUILD_DIR) tutorials/$$t; \
	  printf '\n==================== %s ====================\n' "$$t"; \
	  (cd $(BUILD_DIR) && "./tutorials/$$t"); \
	done
	@meson compile -C $(BUILD_DIR) tests/gradcheck && printf '\n==================== gradcheck ====================\n' && \
	  $(BUILD_DIR)/tests/gradcheck --html $(BUILD_DIR)/tutorial_output/gradcheck.html

test: setup
	meson test -C $(BUILD_DIR) --print-errorlogs

# The exercise track (docs/exercises.md): `make exercise 3` builds your
# tutorials/exercises/03_*.cpp and grades it; `make exercises` grades them all.
EXERCISES := $(basename $(notdir $(wildcard tutorials/exercises/[0-9][0-9]_*.cpp)))
EXERCISE_NUMBER := $(filter-out exercise,$(MAKECMDGOALS))
ifneq ($(filter exercise,$(MAKECMDGOALS)),)
$(EXERCISE_NUMBER): ; @:
endif
exercise: setup
	@[ -n "$(EXERCISE_NUMBER)" ] || { echo "which one? make exercise N, N from 1 to $(words $(EXERCISES))"; exit 2; }
	@name=$$(ls tutorials/exercises/ | grep -E "^0*$(EXERCISE_NUMBER)_.*\.cpp$$" | head -1); \
	[ -n "$$name" ] || { echo "no exercise $(EXERCISE_NUMBER): make exercise N, N from 1 to $(words $(EXERCISES))"; exit 2; }; \
	meson compile -C $(BUILD_DIR) tutorials/exercises/exercise_$${name%.cpp} && \
	$(BUILD_DIR)/tutorials/exercises/exercise_$${name%.cpp} --pictures $(BUILD_DIR)/exercise_pictures

exercises: setup
	meson compile -C $(BUILD_DIR) $(addprefix tutorials/exercises/exercise_,$(EXERCISES))
	@status=0; for e in $(EXERCISES); do echo; $(BUILD_DIR)/tutorials/exercises/exercise_$$e --pictures $(BUILD_DIR)/exercise_pictures || status=1; done; exit $$status

# The whole test suite again under AddressSanitizer and UndefinedBehaviorSanitizer.
SANITIZE_DIR ?= build-sanitize
sanitize: deps
	@[ -f $(SANITIZE_DIR)/build.ninja ] || meson setup $(SANITIZE_DIR) $(MESON_OPTIONS) $(SANITIZER_BUILD) \
	  -Db_sanitize=address,undefined -Db_lundef=false
	UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 ASAN_OPTIONS=detect_leaks=1:allocator_may_return_null=1 \
	  meson test -C $(SANITIZE_DIR) --print-errorlogs --timeout-multiplier 4

# The robustness suite (two models trained on two std::threads, concurrent
# checkpoint saves, per-thread generators) under ThreadSanitizer. GCC's
# OpenMP runtime is not instrumented, so its barriers would look like races:
# OpenMP runs one thread per std::thread here, which leaves every parallel
# region serial and the std::threads as the only concurrency.
TSAN_DIR ?= build-tsan
tsan: deps
	@[ -f $(TSAN_DIR)/build.ninja ] || meson setup $(TSAN_DIR) $(MESON_OPTIONS) $(SANITIZER_BUILD) \
	  -Db_sanitize=thread -Db_lundef=false
	meson compile -C $(TSAN_DIR) tests/test_robustness
	OMP_NUM_THREADS=1 TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1:allocator_may_return_null=1 \
	  meson test -C $(TSAN_DIR) --no-rebuild --print-errorlogs --timeout-multiplier 4 robustness

# The checkpoint loader under libFuzzer (clang), with ASan and UBSan, for
# FUZZ_SECONDS, starting from valid checkpoints. Crashing inputs are written
# to the current directory as crash-*.
FUZZ_DIR ?= build-fuzz
FUZZ_SECONDS ?= 300
FUZZ_PACKAGES := clang libclang-rt-14-dev libomp-14-dev
fuzz:
	@$(MAKE) --no-print-directory deps PACKAGES="$(PACKAGES) $(FUZZ_PACKAGES)"
	@[ -f $(FUZZ_DIR)/build.ninja ] || CXX=clang++ meson setup $(FUZZ_DIR) -Dbuildtype=debugoptimized \
	  -Db_sanitize=address,undefined -Db_lundef=false -Dcpp_args=-fsanitize=fuzzer-no-link
	meson compile -C $(FUZZ_DIR) tests/fuzz_checkpoint tests/replay_checkpoint_fuzz
	mkdir -p $(FUZZ_DIR)/corpus
	$(FUZZ_DIR)/tests/replay_checkpoint_fuzz --write-seeds $(FUZZ_DIR)/corpus
	UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
	  $(FUZZ_DIR)/tests/fuzz_checkpoint -max_total_time=$(FUZZ_SECONDS) -timeout=10 $(FUZZ_DIR)/corpus

# The core tests (tensor, kernels, the NEON gemm kernel) cross-compiled for
# ARM64 and run under qemu-user. Only core: the whole suite under emulation
# would take most of an hour on two cores.
ARM64_DIR ?= build-arm64
ARM64_PACKAGES := g++-aarch64-linux-gnu qemu-user
test-arm64:
	@$(MAKE) --no-print-directory deps PACKAGES="$(PACKAGES) $(ARM64_PACKAGES)"
	@mkdir -p $(ARM64_DIR)-headers && ln -sfn /usr/include/fmt $(ARM64_DIR)-headers/fmt \
	  && ln -sfn /usr/include/doctest $(ARM64_DIR)-headers/doctest
	@[ -f $(ARM64_DIR)/build.ninja ] || meson setup $(ARM64_DIR) $(MESON_OPTIONS) \
	  --cross-file tests/arm64/aarch64-linux-gnu.ini -Dcpp_args=-isystem$(CURDIR)/$(ARM64_DIR)-headers
	meson compile -C $(ARM64_DIR) tests/test_core_f32 tests/test_core_f64
	meson test -C $(ARM64_DIR) --no-rebuild --print-errorlogs --suite core --timeout-multiplier 4

# The portable build on older x86-64 CPUs, emulated by qemu-x86_64 (a
# baseline SSE2 CPU and an AVX2 Haswell): the kernel each one gets, and the
# core tests on each (tests/x86/check_cpus.sh).
X86_PACKAGES := qemu-user
test-x86-cpus: setup
	@if [ "$$(uname -m)" != x86_64 ]; then echo "test-x86-cpus: not an x86-64 machine, nothing to do"; exit 0; fi
	@$(MAKE) --no-print-directory deps PACKAGES="$(PACKAGES) $(X86_PACKAGES)"
	meson compile -C $(BUILD_DIR) tests/test_core_f32 tests/test_core_f64 tutorials/01_tensors
	tests/x86/check_cpus.sh $(BUILD_DIR)

# Benchmarks against OpenBLAS (and later PyTorch) when they are installed;
# then data parallelism on two ranks, when MPI is (root allowed, as in CI).
bench: setup
	meson compile -C $(BUILD_DIR) tests/bench/bench
	$(BUILD_DIR)/tests/bench/bench
	@if ninja -C $(BUILD_DIR) -t query tests/bench/bench_distributed > /dev/null 2>&1; then \
	  meson compile -C $(BUILD_DIR) tests/bench/bench_distributed && \
	  OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_btl_vader_single_copy_mechanism=none OMPI_MCA_mpi_yield_when_idle=1 \
	    mpirun --bind-to none -np 2 $(BUILD_DIR)/tests/bench/bench_distributed; \
	else echo "bench_distributed is not built: it needs MPI (libopenmpi-dev openmpi-bin)"; fi

# Configures once, and again whenever the options differ from the last run's.
setup: deps
	@if [ ! -f $(BUILD_DIR)/build.ninja ]; then meson setup $(BUILD_DIR) $(MESON_OPTIONS); \
	elif [ "$$(cat $(BUILD_DIR)/make-options 2>/dev/null)" != "$(MESON_OPTIONS)" ]; then \
	  meson setup --reconfigure $(BUILD_DIR) $(MESON_OPTIONS); fi
	@echo "$(MESON_OPTIONS)" > $(BUILD_DIR)/make-options

deps:
	@command -v dpkg >/dev/null || { echo "Not a Debian system: install $(PACKAGES) yourself."; exit 0; }; \
	missing=$$(for p in $(PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done | tr '\n' ' '); \
	[ -z "$$missing" ] && exit 0; \
	if [ "$$(id -u)" != 0 ]; then \
	  echo "attograd needs these packages. Run:"; \
	  echo "  sudo apt-get update && sudo apt-get install -y $$missing"; exit 1; \
	fi; \
	echo "Installing $$missing"; \
	apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $$missing

clean:
	rm -rf $(BUILD_DIR) $(SANITIZE_DIR) $(TSAN_DIR) $(FUZZ_DIR) $(ARM64_DIR) $(ARM64_DIR)-headers
