//go:build js && !purego

package ops

import "fashionlab/wasm/simdjs"

// The runners of the GOOS=js test binaries (internal/e2e's page and
// model/gemm/wasmsimd's Node.js runner) set the module's exports before
// the binary starts; the tests install them as the training worker does
// in main.
func init() { simdjs.Install() }
