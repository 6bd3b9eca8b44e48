//go:build !js

// Command benchbrowser measures the FashionLab site in headless Chromium:
// training images/s of the default MLP and CNN in the worker, the time from
// navigation to the first finished training step, the page's frame rate and
// longest frame gap while training, the bytes transferred (compressed)
// to load the page, and whether the worker ran the WebAssembly SIMD kernel.
// It prints the median of a few repetitions, each in a fresh browser
// profile.
//
// Usage:
//
//	go run ./cmd/benchbrowser [-dir site-build] [-reps 3] [-mlp-steps 40] [-cnn-steps 12]
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/chromedp/chromedp"

	"fashionlab/internal/headless"
)

// state is the part of window.fashionlab.state() read here.
type state struct {
	Worker      string    `json:"worker"`
	Ready       *struct{} `json:"ready"`
	CanvasReady bool      `json:"canvasReady"`
	ReadyMs     *float64  `json:"readyMs"`
	FirstStepMs *float64  `json:"firstStepMs"`
	Errors      []string  `json:"errors"`
	Frames      struct {
		Count    int     `json:"count"`
		MaxGapMs float64 `json:"maxGapMs"`
		Seconds  float64 `json:"seconds"`
	} `json:"frames"`
	Runs []struct {
		Status  string  `json:"status"`
		Reason  string  `json:"reason"`
		Images  float64 `json:"images"`
		Seconds float64 `json:"seconds"`
	} `json:"runs"`
}

// sample is one repetition's measurements.
type sample struct {
	loadBytes      float64 // bytes on the wire until worker and canvas are ready
	ready          float64 // ms from navigation to the worker's data being loaded
	firstStep      float64 // ms from navigation to the first finished step (default MLP)
	mlp, cnn       float64 // training images/s
	fpsMLP, fpsCNN float64 // page frames per second while training
	gapMLP, gapCNN float64 // longest frame gap in ms while training
	simd           bool    // the worker runs the WebAssembly SIMD kernel
}

func main() {
	dir := flag.String("dir", "site-build", "the built site folder")
	reps := flag.Int("reps", 3, "repetitions")
	mlpSteps := flag.Int("mlp-steps", 40, "timed MLP steps (batch 128)")
	cnnSteps := flag.Int("cnn-steps", 12, "timed CNN steps (batch 128)")
	flag.Parse()
	if _, err := os.Stat(headless.ChromiumPath); err != nil {
		fmt.Fprintln(os.Stderr, "benchbrowser: needs", headless.ChromiumPath, "(apt-get install chromium)")
		os.Exit(1)
	}
	srv, err := headless.Serve(*dir)
	if err != nil {
		fmt.Fprintln(os.Stderr, "benchbrowser:", err)
		os.Exit(1)
	}
	defer srv.Close()
	var samples []sample
	for i := range *reps {
		s, err := measure(srv, *mlpSteps, *cnnSteps)
		if err != nil {
			fmt.Fprintf(os.Stderr, "benchbrowser: repetition %d: %v\n", i+1, err)
			os.Exit(1)
		}
		fmt.Printf("rep %d: MLP %.0f img/s, CNN %.0f img/s, ready %.0f ms, first step %.0f ms, fps %.1f/%.1f, max gap %.0f/%.0f ms, %.2f MB, simd: %s\n",
			i+1, s.mlp, s.cnn, s.ready, s.firstStep, s.fpsMLP, s.fpsCNN, s.gapMLP, s.gapCNN, s.loadBytes/1e6, yesNo(s.simd))
		samples = append(samples, s)
	}
	med := func(f func(sample) float64) float64 {
		v := make([]float64, len(samples))
		for i, s := range samples {
			v[i] = f(s)
		}
		slices.Sort(v)
		return v[len(v)/2]
	}
	fmt.Printf("\nmedian of %d (headless Chromium, worker GOMAXPROCS=1, batch 128, Adam; load average %s):\n", len(samples), loadAverage())
	fmt.Printf("  training MLP 784-256-256-10      %6.0f images/s\n", med(func(s sample) float64 { return s.mlp }))
	fmt.Printf("  training CNN 16-32-48, 256-256   %6.0f images/s\n", med(func(s sample) float64 { return s.cnn }))
	fmt.Printf("  navigation to worker ready       %6.0f ms (wasm compiled, data subset loaded)\n", med(func(s sample) float64 { return s.ready }))
	fmt.Printf("  navigation to first step (MLP)   %6.0f ms (includes the epoch-0 evaluation)\n", med(func(s sample) float64 { return s.firstStep }))
	fmt.Printf("  page frame rate, MLP training    %6.1f fps, longest gap %.0f ms\n", med(func(s sample) float64 { return s.fpsMLP }), med(func(s sample) float64 { return s.gapMLP }))
	fmt.Printf("  page frame rate, CNN training    %6.1f fps, longest gap %.0f ms\n", med(func(s sample) float64 { return s.fpsCNN }), med(func(s sample) float64 { return s.gapCNN }))
	fmt.Printf("  bytes transferred to load        %6.2f MB (compressed)\n", med(func(s sample) float64 { return s.loadBytes })/1e6)
	withSIMD := 0
	for _, s := range samples {
		if s.simd {
			withSIMD++
		}
	}
	fmt.Printf("  simd: %s (WebAssembly SIMD128 matrix kernel in the worker, %d of %d repetitions)\n", yesNo(withSIMD == len(samples)), withSIMD, len(samples))
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

func measure(srv *headless.Server, mlpSteps, cnnSteps int) (sample, error) {
	var out sample
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	b, err := headless.Launch(ctx)
	if err != nil {
		return out, err
	}
	defer b.Close()
	srv.ResetBytes()
	// The custom demo's form holds the default MLP; autostart trains it
	// as soon as the worker is ready.
	if err := chromedp.Do(b.Ctx, chromedp.Navigate(srv.URL+"?demo=custom&autostart=1")); err != nil {
		return out, err
	}
	s, err := wait(b.Ctx, func(s state) bool { return s.FirstStepMs != nil && s.CanvasReady })
	if err != nil {
		return out, fmt.Errorf("first step: %w", err)
	}
	out.firstStep = *s.FirstStepMs
	if s.ReadyMs != nil {
		out.ready = *s.ReadyMs
	}
	out.loadBytes = float64(srv.Bytes())

	run := func(config string, steps int) (ips, fps, gap float64, err error) {
		js := fmt.Sprintf(`fashionlab.run([{label: 'bench', config: %s, settings: {lr: 1e-3, epochs: 1, eval_train_size: 256}, maxSteps: %d}]); fashionlab.resetFrames()`, config, steps)
		if err := chromedp.Do(b.Ctx, chromedp.Evaluate[chromedp.Void](js)); err != nil {
			return 0, 0, 0, err
		}
		s, err := wait(b.Ctx, func(s state) bool {
			r := s.Runs[len(s.Runs)-1]
			return r.Status == "done"
		})
		if err != nil {
			return 0, 0, 0, err
		}
		r := s.Runs[len(s.Runs)-1]
		if r.Reason != "limit" || r.Seconds <= 0 {
			return 0, 0, 0, fmt.Errorf("run ended with %q after %.1f s of training", r.Reason, r.Seconds)
		}
		return r.Images / r.Seconds, float64(s.Frames.Count) / s.Frames.Seconds, s.Frames.MaxGapMs, nil
	}
	if out.mlp, out.fpsMLP, out.gapMLP, err = run(`{net: 'mlp', dense_hiddens: [256, 256], activation: 'relu'}`, mlpSteps); err != nil {
		return out, fmt.Errorf("MLP: %w", err)
	}
	if out.cnn, out.fpsCNN, out.gapCNN, err = run(`{net: 'cnn', n_channels: [16, 32, 48], kernel_sizes: [3, 3, 3], strides: [1, 1, 1], paddings: [0, 0, 0], dense_hiddens: [256, 256], activation: 'relu'}`, cnnSteps); err != nil {
		return out, fmt.Errorf("CNN: %w", err)
	}
	if out.simd, err = workerUsesSIMD(b.Ctx); err != nil {
		return out, fmt.Errorf("SIMD check: %w", err)
	}
	if s, err := readState(b.Ctx); err == nil && len(s.Errors) > 0 {
		return out, fmt.Errorf("page errors: %v", s.Errors)
	}
	if p := b.Problems(); len(p) > 0 {
		return out, fmt.Errorf("console errors: %v", p)
	}
	return out, nil
}

// loadAverage returns the 1, 5 and 15 minute load averages on Linux: other
// work on the machine shows in every number here.
func loadAverage() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "unknown"
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return "unknown"
	}
	return strings.Join(f[:3], " ")
}

func readState(ctx context.Context) (state, error) {
	return chromedp.Run(ctx, chromedp.Evaluate[state](`window.fashionlab ? window.fashionlab.state() : {runs: []}`))
}

// wait polls the page every 50 ms until ok accepts its state.
func wait(ctx context.Context, ok func(state) bool) (state, error) {
	for {
		s, err := readState(ctx)
		if err == nil && len(s.Runs) > 0 && ok(s) {
			return s, nil
		}
		select {
		case <-ctx.Done():
			return s, ctx.Err()
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// workerUsesSIMD attaches to the training worker and reports whether its
// bootstrap installed the SIMD kernel (site/simd.js), which the worker's Go
// code picks up when it creates its matrix engine.
func workerUsesSIMD(ctx context.Context) (bool, error) {
	targets, err := chromedp.Targets(ctx)
	if err != nil {
		return false, err
	}
	for _, t := range targets {
		if t.Type != "worker" || !strings.HasSuffix(t.URL, "/worker.js") {
			continue
		}
		wctx, cancel := chromedp.NewContext(ctx, chromedp.WithTargetID(t.TargetID))
		defer cancel()
		return chromedp.Run(wctx, chromedp.Evaluate[bool](`typeof self.fashionlabGemmSIMD === 'function'`))
	}
	return false, fmt.Errorf("no training worker among %d targets", len(targets))
}
