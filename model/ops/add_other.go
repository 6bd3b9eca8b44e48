//go:build (!amd64 && !arm64) || purego

package ops

// addTo adds src to dst element-wise (len(src) values).
func addTo(dst, src []float32) {
	d := dst[:len(src)]
	for i, v := range src {
		d[i] += v
	}
}
