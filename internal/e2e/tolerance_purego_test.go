//go:build !js && (!amd64 || purego)

package e2e

// curveTolerance is zero when the native build multiplies matrices with
// the pure-Go kernel (-tags purego, or off amd64): the browser's SIMD128
// kernel adds every product's terms in the same order with the same
// float32 roundings, so the page's per-epoch numbers equal the native
// ones bit for bit.
var curveTolerance = map[string]float64{
	"train_loss": 0, "val_loss": 0, "grad_norm": 0, "train_acc": 0, "val_acc": 0,
}
