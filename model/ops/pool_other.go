//go:build (!amd64 && !arm64) || purego

package ops

// poolRows has no vector kernel on this platform.
var poolRows func(top, bottom, y *float32, arg *int32, n, blocks int, i00, c, wc int32, relu bool) bool

// scatterRows has no vector kernel on this platform.
var scatterRows func(d, y, dy *float32, arg *int32, gb *float32, positions, blocks int)
