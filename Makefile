# FashionLab build targets. `make help` lists them.
GO ?= go

.PHONY: help test train
help:
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed 's/:.*## /\t/'

# Packages the browser build compiles; they must vet clean for GOOS=js too.
WASM_PKGS = ./assets/... ./model/... ./wasm/...

test: ## run every test (needs the FashionMNIST data; the browser test needs chromium)
	@test -z "$$(gofmt -l .)" || { echo "gofmt needed:"; gofmt -l .; exit 1; }
	$(GO) vet ./...
	GOOS=js GOARCH=wasm $(GO) vet $(WASM_PKGS)
	$(GO) test -timeout 25m ./...
	$(MAKE) --no-print-directory test-arm64

# The packages with arm64 assembly (NEON kernels), built for arm64 and run
# under user-mode emulation; -short, and skipping the tests that train on the
# real data for epochs (they check learning, not kernels, and run natively),
# keeps them to a few minutes.
ARM64_PKGS = ./model/gemm ./model/ops ./model/train
ARM64_SKIP = TestTrainingLearnsRealFashionMNIST|TestRawPixelsAtLearningRate1e2SaturateTheSoftmax|TestDivergenceIsReportedWithItsEpochAndStep

.PHONY: test-arm64
test-arm64: ## run the gemm, ops and train tests for arm64 under qemu-aarch64-static (Debian: qemu-user-static)
	@if ! command -v qemu-aarch64-static >/dev/null; then \
		if [ -n "$$FASHIONLAB_REQUIRE_QEMU" ]; then echo "qemu-aarch64-static not found (apt-get install qemu-user-static)"; exit 1; fi; \
		echo "qemu-aarch64-static not found: skipping the arm64 tests (apt-get install qemu-user-static)"; exit 0; \
	fi; \
	set -e; \
	GOARCH=arm64 $(GO) vet $(ARM64_PKGS); \
	GOARCH=arm64 $(GO) test -short -timeout 15m -skip '$(ARM64_SKIP)' -exec qemu-aarch64-static $(ARM64_PKGS)

train: ## train the default CNN at full scale
	$(GO) run ./cmd/train

.PHONY: bench
bench: ## compare training/inference speed and memory with the PyTorch reference (bench/torch_reference.py), 1 and 2 threads
	$(GO) run ./cmd/bench

# ---- browser: the static site, its server and its benchmark ----
SITE_DIR ?= site-build
ADDR ?= 127.0.0.1:8080

.PHONY: site serve bench-browser
site: ## build the static site (wasm, wasm_exec.js, data subset, page) into $(SITE_DIR)
	$(GO) run ./cmd/mksite -o $(SITE_DIR)

serve: site ## build the site and serve it on http://127.0.0.1:8080
	$(GO) run ./cmd/serve -addr $(ADDR) -dir $(SITE_DIR)

bench-browser: site ## measure training speed, start-up time and frame rate in headless Chromium
	$(GO) run ./cmd/benchbrowser -dir $(SITE_DIR)

.PHONY: screenshot
screenshot: ## build the site, train a moment in headless Chromium and write the README's picture, docs/page.png
	$(GO) run ./cmd/screenshot -o docs/page.png
