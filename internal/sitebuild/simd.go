//go:build !js

package sitebuild

import (
	"fmt"
	"os"
	"path/filepath"

	"fashionlab/model/gemm/wasmsimd"
)

// writeGemmSIMD writes the WebAssembly SIMD matrix-multiply module, encoded
// by package wasmsimd at build time (so it cannot go stale), as
// gemm-simd.wasm; the worker loads it with site/simd.js. It is a small file
// under a fixed name, served with revalidation.
func writeGemmSIMD(out string) error {
	if err := os.WriteFile(filepath.Join(out, wasmsimd.FileName), wasmsimd.Module(), 0o644); err != nil {
		return fmt.Errorf("sitebuild: %w", err)
	}
	return nil
}
