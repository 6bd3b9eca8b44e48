//go:build !js

package wasmsimd

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

func TestLEB128(t *testing.T) {
	for _, tc := range []struct {
		signed bool
		v      int64
		want   []byte
	}{
		{false, 0, []byte{0x00}},
		{false, 127, []byte{0x7f}},
		{false, 128, []byte{0x80, 0x01}},
		{false, 624485, []byte{0xe5, 0x8e, 0x26}},
		{false, 0xffffffff, []byte{0xff, 0xff, 0xff, 0xff, 0x0f}},
		{true, 0, []byte{0x00}},
		{true, 63, []byte{0x3f}},
		{true, 64, []byte{0xc0, 0x00}},
		{true, -1, []byte{0x7f}},
		{true, -64, []byte{0x40}},
		{true, -65, []byte{0xbf, 0x7f}},
		{true, -123456, []byte{0xc0, 0xbb, 0x78}},
	} {
		var w buf
		if tc.signed {
			w.s32(int32(tc.v))
		} else {
			w.u32(uint32(tc.v))
		}
		if !bytes.Equal(w.b, tc.want) {
			t.Errorf("signed=%v %d: got % x, want % x", tc.signed, tc.v, w.b, tc.want)
		}
	}
}

func TestModuleIsDeterministic(t *testing.T) {
	a, b := Module(), Module()
	if !bytes.Equal(a, b) {
		t.Fatal("two encodings differ")
	}
	if !bytes.HasPrefix(a, []byte("\x00asm\x01\x00\x00\x00")) {
		t.Fatalf("no WebAssembly header: % x", a[:8])
	}
}

// TestKernelsInNode runs the GOOS=js tests of the packages that call the
// module in Node.js with the module installed by site/simd.js, as the
// worker does: package gemm's (the SIMD kernel must give the pure-Go
// kernel's bits and pass the shape tests every kernel passes), package
// ops' (pooling, scatter, im2col and col2im against their pure-Go twins,
// and the op tests with the kernels in use) and package train's (Adam).
// The same checks run in Chromium in internal/e2e.
func TestKernelsInNode(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs wasm test binaries")
	}
	node, err := exec.LookPath("node")
	if err != nil {
		t.Skip("needs node (Node.js 16.4 or later for WebAssembly SIMD)")
	}
	dir := t.TempDir()
	goroot, err := exec.Command("go", "env", "GOROOT").Output()
	if err != nil {
		t.Fatalf("go env GOROOT: %v", err)
	}
	mod := filepath.Join(dir, FileName)
	if err := os.WriteFile(mod, Module(), 0o644); err != nil {
		t.Fatal(err)
	}
	wasmExec := filepath.Join(strings.TrimSpace(string(goroot)), "lib", "wasm", "wasm_exec.js")
	for _, tc := range []struct {
		pkg, run string
		want     []string
	}{
		{"..", "^(TestSIMD.*|TestKernels|TestTrainingShapes|TestBetaZeroIgnoresNaN)$",
			[]string{"--- PASS: TestSIMDMatchesGo", "--- PASS: TestSIMDPackMatchesGo", "--- PASS: TestSIMDAfterMemoryGrowth", "--- PASS: TestKernels/wasm-simd", "--- PASS: TestTrainingShapes/wasm-simd"}},
		{"../../ops", "^(TestSIMD.*|TestConvPool.*|TestPool.*)$",
			[]string{"--- PASS: TestSIMDMaxPool", "--- PASS: TestSIMDMaxPoolOp", "--- PASS: TestSIMDScatter", "--- PASS: TestSIMDPatches", "--- PASS: TestConvPoolMatchesSeparateOps"}},
		{"../../train", "^(TestSIMDAdam|TestAdamKernels|TestTrainingIsDeterministic)$",
			[]string{"--- PASS: TestSIMDAdam", "--- PASS: TestAdamKernels", "--- PASS: TestTrainingIsDeterministic"}},
	} {
		t.Run(filepath.Base(tc.pkg), func(t *testing.T) {
			bin := filepath.Join(dir, filepath.Base(tc.pkg)+".test.wasm")
			build := exec.Command("go", "test", "-c", "-o", bin, tc.pkg)
			build.Env = append(os.Environ(), "GOOS=js", "GOARCH=wasm")
			if out, err := build.CombinedOutput(); err != nil {
				t.Fatalf("building the wasm test binary: %v\n%s", err, out)
			}
			run := exec.Command(node, "--stack-size=8192", filepath.Join("testdata", "node_runner.js"),
				wasmExec, filepath.Join("..", "..", "..", "site", "simd.js"), mod, bin,
				"-test.run", tc.run, "-test.short", "-test.v")
			out, err := run.CombinedOutput()
			if err != nil {
				t.Fatalf("wasm tests failed: %v\n%s", err, out)
			}
			for _, want := range tc.want {
				if !strings.Contains(string(out), want) {
					t.Errorf("output lacks %q:\n%s", want, out)
				}
			}
		})
	}
}
