# FashionLab build targets. `make help` lists them.
GO ?= go

.PHONY: help test train
help:
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed 's/:.*## /\t/'

test: ## run every test (needs the FashionMNIST data; the browser test needs chromium)
	$(GO) vet ./...
	GOOS=js GOARCH=wasm $(GO) vet ./...
	$(GO) test ./...

train: ## train the default CNN at full scale
	$(GO) run ./cmd/train

.PHONY: bench
bench: ## compare training/inference speed and memory with the PyTorch reference (bench/hw3.py), 1 and 2 threads
	$(GO) run ./cmd/bench
