//go:build !js || purego

package ops

// Without the WebAssembly SIMD kernels (native builds), the pure-Go code
// runs; these report that they did nothing.

func poolImagesSIMD(g PoolGeometry, relu bool, x, y []float32, arg []int32, n int, base, baseStep int32) bool {
	return false
}

func scatterSIMD(d, y, dy []float32, arg []int32, gb []float32, n, positions, C, mapSize int) bool {
	return false
}

func im2colSIMD(g ConvGeometry, b0, b1 int, x, cols []float32) bool { return false }

func col2imSIMD(g ConvGeometry, b0, b1 int, dcols, dx []float32) bool { return false }
