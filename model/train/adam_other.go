//go:build (!amd64 && !arm64 && !js) || purego

package train

// adamVector has no vector kernel on this platform.
func adamVector(w, g, m, v []float32, b1, b2, eps, stepSize, bc2Sqrt float32) int { return 0 }
