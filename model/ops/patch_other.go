//go:build !amd64 || purego

package ops

// copyRuns copies runs runs of n values, src runs lds values apart, into
// consecutive runs of dst.
func copyRuns(dst, src []float32, n, runs, lds int) { copyRunsGo(dst, src, n, runs, lds) }
