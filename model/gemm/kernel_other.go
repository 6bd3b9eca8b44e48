//go:build (!amd64 && !arm64 && !js) || purego

package gemm

func bestKernel() *kernel { return goKernel }

// kernels lists every kernel this build can run, for tests and benchmarks.
func kernels() []*kernel { return []*kernel{goKernel} }
