//go:build !js && amd64 && !purego

package e2e

// curveTolerance bounds the difference between the page's per-epoch
// numbers and the native ones when the native build multiplies matrices
// with the AVX2/AVX-512 kernels. Both sides run the same Go code on the
// same images with the same seed; the browser's SIMD128 kernel adds each
// product's terms in the pure-Go kernel's order, the AVX kernels in
// another order with fused multiply-adds. Those float32 roundings
// (about 1e-7 relative) grow over the steps of two epochs; measured on
// the test's runs: MLP 0 for losses and accuracies, 3e-7 for the gradient
// norm; CNN 5e-4 for the losses, 0.01 (2 of 200 images) for the training
// accuracy, 0.018 for the gradient norm. An accuracy may differ by the
// images whose two best classes are within that rounding.
var curveTolerance = map[string]float64{
	"train_loss": 5e-3, "val_loss": 5e-3, "grad_norm": 0.05,
	"train_acc": 0.02, "val_acc": 0.02, // 4 of 200 training, 10 of 500 validation images
}
