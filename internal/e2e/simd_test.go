//go:build !js

package e2e

import (
	"context"
	"net/url"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"fashionlab/internal/headless"
	"fashionlab/model/gemm/wasmsimd"
)

// simdTestPage runs a GOOS=js Go test binary with the SIMD kernel installed
// by the site's own simd.js, the way the training worker starts Go, and
// keeps its output lines and exit code for the test to read.
const simdTestPage = `<!doctype html>
<meta charset="utf-8">
<title>SIMD kernel tests</title>
<link rel="icon" href="data:,">
<script>
window.goTest = { lines: [], exit: null, simd: null, error: null };
const log = console.log.bind(console);
console.log = (...a) => { window.goTest.lines.push(a.join(' ')); log(...a); };
</script>
<script src="wasm_exec.js"></script>
<script src="simd.js"></script>
<script>
(async () => {
  const go = new Go();
  const params = new URLSearchParams(location.search);
  go.argv = [params.get('bin'), ...params.getAll('arg')];
  go.exit = (code) => {
    // Timers the test binary left behind would resume an exited program.
    for (const t of go._scheduledTimeouts.values()) clearTimeout(t);
    go._scheduledTimeouts.clear();
    window.goTest.exit = code;
  };
  const { instance } = await WebAssembly.instantiateStreaming(fetch(params.get('bin')), go.importObject);
  window.goTest.simd = await fashionlabInstallSIMD(instance.exports.mem, '` + wasmsimd.FileName + `');
  await go.run(instance);
})().catch((err) => { window.goTest.error = String(err); });
</script>
`

// simdTests are the GOOS=js test binaries run with the module installed:
// gemm's (the SIMD kernel gives the pure-Go kernel's results bit for bit,
// TestSIMDMatchesGo: every transpose, odd and edge sizes, the training
// shapes; its transposing pack packB's; and the checks against the
// reference loop that every kernel passes), ops' (max-pool, pooled-gradient
// scatter, im2col and col2im against their pure-Go twins with guard values
// around their outputs, and the fused convolution tests with the kernels in
// use) and train's (Adam against adamUpdateGo, deterministic training).
var simdTests = []struct {
	pkg, run string
	want     []string
}{
	{"fashionlab/model/gemm", "^(TestSIMD.*|TestKernels|TestTrainingShapes|TestBetaZeroIgnoresNaN)$",
		[]string{"--- PASS: TestSIMDMatchesGo", "--- PASS: TestSIMDPackMatchesGo", "--- PASS: TestSIMDAfterMemoryGrowth", "--- PASS: TestKernels/wasm-simd", "--- PASS: TestTrainingShapes/wasm-simd"}},
	{"fashionlab/model/ops", "^(TestSIMD.*|TestConvPool.*|TestPool.*)$",
		[]string{"--- PASS: TestSIMDMaxPool", "--- PASS: TestSIMDMaxPoolOp", "--- PASS: TestSIMDScatter", "--- PASS: TestSIMDPatches", "--- PASS: TestConvPoolMatchesSeparateOps"}},
	{"fashionlab/model/train", "^(TestSIMDAdam|TestAdamKernels|TestTrainingIsDeterministic)$",
		[]string{"--- PASS: TestSIMDAdam", "--- PASS: TestAdamKernels", "--- PASS: TestTrainingIsDeterministic"}},
}

// TestSIMDInChromium runs the simdTests binaries in headless Chromium with
// the WebAssembly SIMD module installed by the site's simd.js.
func TestSIMDInChromium(t *testing.T) {
	if testing.Short() {
		t.Skip("the browser test is not short")
	}
	if _, err := os.Stat(headless.ChromiumPath); err != nil {
		msg := "needs " + headless.ChromiumPath + " (apt-get install chromium)"
		if os.Getenv("FASHIONLAB_REQUIRE_BROWSER") == "1" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	dir := t.TempDir()
	for _, tc := range simdTests {
		build := exec.Command("go", "test", "-c", "-o", filepath.Join(dir, path.Base(tc.pkg)+".test.wasm"), tc.pkg)
		build.Env = append(os.Environ(), "GOOS=js", "GOARCH=wasm")
		if out, err := build.CombinedOutput(); err != nil {
			t.Fatalf("building %s's wasm test binary: %v\n%s", tc.pkg, err, out)
		}
	}
	goroot, err := exec.Command("go", "env", "GOROOT").Output()
	if err != nil {
		t.Fatalf("go env GOROOT: %v", err)
	}
	files := map[string]string{
		"wasm_exec.js": filepath.Join(strings.TrimSpace(string(goroot)), "lib", "wasm", "wasm_exec.js"),
		"simd.js":      filepath.Join("..", "..", "site", "simd.js"),
	}
	for name, src := range files {
		data, err := os.ReadFile(src)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(filepath.Join(dir, wasmsimd.FileName), wasmsimd.Module(), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "index.html"), []byte(simdTestPage), 0o644); err != nil {
		t.Fatal(err)
	}

	srv, err := headless.Serve(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 8*time.Minute)
	defer cancel()
	b, err := headless.Launch(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	for _, tc := range simdTests {
		t.Run(path.Base(tc.pkg), func(t *testing.T) {
			args := url.Values{"bin": {path.Base(tc.pkg) + ".test.wasm"}, "arg": {"-test.run=" + tc.run, "-test.short", "-test.v"}}
			if err := chromedp.Do(b.Ctx, chromedp.Navigate(srv.URL+"?"+args.Encode())); err != nil {
				t.Fatal(err)
			}
			type result struct {
				Lines []string `json:"lines"`
				Exit  *int     `json:"exit"`
				SIMD  *bool    `json:"simd"`
				Error *string  `json:"error"`
			}
			var r result
			for {
				r, err = chromedp.Run(b.Ctx, chromedp.Evaluate[result](`window.goTest`))
				if err != nil {
					t.Fatalf("reading the page: %v", err)
				}
				if r.Exit != nil || r.Error != nil {
					break
				}
				select {
				case <-ctx.Done():
					t.Fatalf("the wasm tests did not finish: %v\n%s", ctx.Err(), strings.Join(r.Lines, "\n"))
				case <-time.After(200 * time.Millisecond):
				}
			}
			out := strings.Join(r.Lines, "\n")
			if r.Error != nil {
				t.Fatalf("the page failed: %s\n%s", *r.Error, out)
			}
			if r.SIMD == nil || !*r.SIMD {
				t.Fatalf("simd.js did not install the kernels (Chromium without WebAssembly SIMD?)\n%s", out)
			}
			if *r.Exit != 0 {
				t.Fatalf("the wasm tests failed (exit %d):\n%s", *r.Exit, out)
			}
			for _, want := range tc.want {
				if !strings.Contains(out, want) {
					t.Errorf("output lacks %q:\n%s", want, out)
				}
			}
		})
	}
	if p := b.Problems(); len(p) > 0 {
		t.Errorf("console errors: %v", p)
	}
}
