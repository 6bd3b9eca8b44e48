package model

import (
	"go/build"
	"io/fs"
	"path/filepath"
	"slices"
	"testing"
)

// TestNoModelPackageImportsSyscallJS checks that the browser is plugged
// into the model from the top: no package under model/ imports syscall/js
// in its GOOS=js build (the worker installs the SIMD kernels through
// wasmsimd.Install). The standard library's syscall does import it there,
// so `go list -deps` lists it for every js program; the direct imports are
// what the model controls.
func TestNoModelPackageImportsSyscallJS(t *testing.T) {
	ctx := build.Default
	ctx.GOOS, ctx.GOARCH = "js", "wasm"
	checked := 0
	err := filepath.WalkDir(".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || !d.IsDir() || d.Name() == "testdata" {
			return err
		}
		pkg, err := ctx.ImportDir(path, 0)
		if _, none := err.(*build.NoGoError); none {
			return nil
		}
		if err != nil {
			return err
		}
		checked++
		if slices.Contains(pkg.Imports, "syscall/js") {
			t.Errorf("model/%s imports syscall/js in its GOOS=js build", path)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if checked < 8 {
		t.Fatalf("checked %d packages, want all of model/'s", checked)
	}
}
