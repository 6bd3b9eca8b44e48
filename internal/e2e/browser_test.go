//go:build !js

package e2e

import (
	"bytes"
	"context"
	"image"
	"image/png"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"fashionlab/assets"
	"fashionlab/internal/headless"
	"fashionlab/internal/sitebuild"
)

// requireBrowser skips the test when Chromium or the dataset is missing,
// unless FASHIONLAB_REQUIRE_BROWSER=1 asks for a failure instead.
func requireBrowser(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("the browser test is not short")
	}
	var missing []string
	if _, err := os.Stat(headless.ChromiumPath); err != nil {
		missing = append(missing, headless.ChromiumPath+" (apt-get install chromium)")
	}
	data := os.Getenv(assets.EnvDir)
	if data == "" {
		data = assets.SystemDir
	}
	if _, err := os.Stat(filepath.Join(data, assets.TrainImagesFile)); err != nil {
		missing = append(missing, "the FashionMNIST files in "+data+" (apt-get install dataset-fashion-mnist)")
	}
	if len(missing) > 0 {
		msg := "needs " + strings.Join(missing, " and ")
		if os.Getenv("FASHIONLAB_REQUIRE_BROWSER") == "1" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	return data
}

// pageState is the part of window.fashionlab.state() the test reads.
type pageState struct {
	Demo         string `json:"demo"`
	Worker       string `json:"worker"`
	Ready        *struct{ Train, Val, Test int }
	Errors       []string `json:"errors"`
	WorkerErrors []string `json:"workerErrors"`
	Messages     []struct {
		Text string `json:"text"`
	} `json:"messages"`
	CanvasReady  bool `json:"canvasReady"`
	Equivariance *struct {
		Source    string  `json:"source"`
		ShiftMax  float64 `json:"shiftMax"`
		RotateMax float64 `json:"rotateMax"`
		Scale     float64 `json:"scale"`
	} `json:"equivariance"`
	Maps *struct {
		Layers []struct{ H, W, C int } `json:"layers"`
	} `json:"maps"`
	Runs []struct {
		Label     string  `json:"label"`
		Status    string  `json:"status"`
		Reason    string  `json:"reason"`
		Params    int     `json:"params"`
		StepsDone int     `json:"stepsDone"`
		ImagesPS  float64 `json:"imagesPerSec"`
		Epochs    []struct {
			Epoch  int      `json:"epoch"`
			ValAcc *float64 `json:"val_acc"`
		} `json:"epochs"`
	} `json:"runs"`
}

func readState(ctx context.Context) (pageState, error) {
	return chromedp.Run(ctx, chromedp.Evaluate[pageState](`window.fashionlab ? window.fashionlab.state() : {}`))
}

// waitFor polls the page state until ok accepts it.
func waitFor(t *testing.T, ctx context.Context, what string, limit time.Duration, ok func(pageState) bool) pageState {
	t.Helper()
	deadline := time.Now().Add(limit)
	var s pageState
	var err error
	for time.Now().Before(deadline) {
		if s, err = readState(ctx); err == nil && ok(s) {
			return s
		}
		time.Sleep(200 * time.Millisecond)
	}
	t.Fatalf("timed out after %v waiting for %s (last error %v, state %+v)", limit, what, err, s)
	return s
}

func TestTheSiteTrainsAndDrawsInHeadlessChromium(t *testing.T) {
	data := requireBrowser(t)
	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
	defer cancel()

	dir := filepath.Join(t.TempDir(), "site")
	start := time.Now()
	if _, err := sitebuild.Build(ctx, sitebuild.Options{Root: "../..", Out: dir, DataDir: data, Train: 4000, Val: 1000, Test: 100}); err != nil {
		t.Fatal(err)
	}
	t.Logf("site built in %v", time.Since(start).Round(time.Millisecond))
	srv, err := headless.Serve(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	b, err := headless.Launch(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	defer func() {
		if t.Failed() {
			for _, l := range b.Logs() {
				t.Log("console:", l)
			}
		}
	}()

	page := b.Ctx
	if err := chromedp.Do(page, chromedp.Navigate(srv.URL+"?demo=custom")); err != nil {
		t.Fatal(err)
	}
	s := waitFor(t, page, "the worker and the canvas to load", 60*time.Second, func(s pageState) bool {
		return s.Ready != nil && s.CanvasReady && s.Worker == "idle"
	})
	if s.Ready.Train != 4000 || s.Ready.Val != 1000 {
		t.Errorf("subset sizes %+v, want 4000 training and 1000 validation images", *s.Ready)
	}

	t.Run("the page's parameter count agrees with the worker's", func(t *testing.T) {
		pairs, err := chromedp.Run(page, chromedp.Evaluate[[][2]int](`(() => {
			const cnn = (ch, k, s, p, h) => ({net: 'cnn', n_channels: ch, kernel_sizes: k, strides: s, paddings: p, dense_hiddens: h, activation: 'relu'});
			const cfgs = [
				{net: 'mlp', dense_hiddens: [256, 256], activation: 'relu'},
				{net: 'mlp', dense_hiddens: Array(54).fill(64), activation: 'tanh'},
				{net: 'mlp', dense_hiddens: [], activation: 'relu'},
				cnn([16, 32, 48], [3, 3, 3], [1, 1, 1], [0, 0, 0], [256, 256]),
				cnn([32, 48, 64, 64, 48], [1, 1, 1, 1, 1], [1, 1, 1, 1, 1], [0, 0, 0, 0, 0], [256, 256]),
				cnn([44], [28], [1], [0], [256, 256]),
				cnn([8, 16], [5, 3], [2, 1], [2, 1], [32]),
			];
			return Promise.all(cfgs.map((c) => fashionlab.workerCount(c))).then((ws) => cfgs.map((c, i) => [fashionlab.countParams(c), ws[i]]));
		})()`, chromedp.EvalAwaitPromise))
		if err != nil {
			t.Fatal(err)
		}
		for i, p := range pairs {
			if p[0] != p[1] {
				t.Errorf("configuration %d: page counts %d parameters, worker %d", i, p[0], p[1])
			}
		}
		if pairs[0][1] != 269322 || pairs[3][1] != 283898 {
			t.Errorf("default MLP and CNN have %d and %d parameters, want 269322 and 283898", pairs[0][1], pairs[3][1])
		}
		layers, err := chromedp.Run(page, chromedp.Evaluate[int](`fashionlab.layersToMatch(64, 269322).layers`))
		if err != nil || layers != 54 {
			t.Errorf("layers of width 64 matching 269,322 parameters = %d (%v), want 54", layers, err)
		}
	})

	t.Run("an MLP trains above chance in a bounded number of steps", func(t *testing.T) {
		if err := chromedp.Do(page, chromedp.Evaluate[chromedp.Void](`fashionlab.run([{label: 'e2e MLP', config: {net: 'mlp', dense_hiddens: [256, 256], activation: 'relu'}, settings: {lr: 1e-3, epochs: 2, train_limit: 2000, eval_train_size: 500}, maxSteps: 40}])`)); err != nil {
			t.Fatal(err)
		}
		s := waitFor(t, page, "the MLP run to finish", 90*time.Second, func(s pageState) bool {
			return len(s.Runs) == 1 && s.Runs[0].Status == "done"
		})
		r := s.Runs[0]
		if r.Reason != "finished" || r.StepsDone != 32 {
			t.Errorf("run ended with %q after %d steps, want finished after 32 (2 epochs of 16)", r.Reason, r.StepsDone)
		}
		last := r.Epochs[len(r.Epochs)-1]
		if last.ValAcc == nil || *last.ValAcc <= 0.5 {
			t.Errorf("validation accuracy after %d epochs = %v, want above 0.5", last.Epoch, last.ValAcc)
		}
		if r.ImagesPS <= 0 {
			t.Errorf("images/s = %v, want a measurement", r.ImagesPS)
		}
		t.Logf("MLP: %d steps, val acc %.3f, %.0f images/s", r.StepsDone, *last.ValAcc, r.ImagesPS)
	})

	t.Run("a CNN's feature maps reach the canvas", func(t *testing.T) {
		if err := chromedp.Do(page, chromedp.Evaluate[chromedp.Void](`fashionlab.run([{label: 'e2e CNN', config: {net: 'cnn', n_channels: [16, 32, 48], kernel_sizes: [3, 3, 3], strides: [1, 1, 1], paddings: [0, 0, 0], dense_hiddens: [256, 256], activation: 'relu'}, settings: {lr: 1e-3, epochs: 1, train_limit: 512, eval_train_size: 64}, maxSteps: 3}])`)); err != nil {
			t.Fatal(err)
		}
		waitFor(t, page, "the CNN run to stop at its step limit", 90*time.Second, func(s pageState) bool {
			return len(s.Runs) == 2 && s.Runs[1].Status == "done"
		})
		if err := chromedp.Do(page, chromedp.Evaluate[chromedp.Void](`fashionlab.send({kind: 'get_activations', index: 3})`)); err != nil {
			t.Fatal(err)
		}
		s := waitFor(t, page, "the feature maps", 30*time.Second, func(s pageState) bool { return s.Maps != nil })
		if len(s.Maps.Layers) != 3 || s.Maps.Layers[0].C != 16 || s.Maps.Layers[0].H != 26 {
			t.Errorf("feature maps %+v, want 3 layers, the first 16 maps of 26x26", s.Maps.Layers)
		}
		shot, err := chromedp.Run(page, chromedp.Screenshot("#canvas-frame"))
		if err != nil {
			t.Fatal(err)
		}
		checkNotBlank(t, shot, "feature maps")
	})

	t.Run("the lab shows shift equivariance and no rotation equivariance", func(t *testing.T) {
		if err := chromedp.Do(page, chromedp.Evaluate[chromedp.Void](`fashionlab.selectDemo('q1')`)); err != nil {
			t.Fatal(err)
		}
		s := waitFor(t, page, "the equivariance numbers", 30*time.Second, func(s pageState) bool { return s.Equivariance != nil })
		e := s.Equivariance
		if !(e.Scale > 0) || e.ShiftMax > 1e-5*e.Scale || e.RotateMax < 1e-2*e.Scale {
			t.Errorf("interior differences: shift %g, rotation %g (scale %g); want shift ~0 and rotation clearly not", e.ShiftMax, e.RotateMax, e.Scale)
		}
		time.Sleep(300 * time.Millisecond) // a few canvas frames
		shot, err := chromedp.Run(page, chromedp.Screenshot("#canvas-frame"))
		if err != nil {
			t.Fatal(err)
		}
		checkNotBlank(t, shot, "equivariance lab")

		// The trained CNN's first layer (the latest run) is shift-equivariant too.
		if err := chromedp.Do(page, chromedp.Evaluate[chromedp.Void](`(() => { const s = document.getElementById('lab-source'); s.value = 'trained'; s.dispatchEvent(new Event('input')); })()`)); err != nil {
			t.Fatal(err)
		}
		defer func() {
			if t.Failed() {
				note, _ := chromedp.Run(page, chromedp.Evaluate[string](`document.getElementById('lab-stats').textContent`))
				t.Logf("lab note: %q", note)
			}
		}()
		s = waitFor(t, page, "the trained layer's numbers", 30*time.Second, func(s pageState) bool {
			return s.Equivariance != nil && s.Equivariance.Source == "trained"
		})
		if e := s.Equivariance; !(e.Scale > 0) || e.ShiftMax > 1e-4*e.Scale {
			t.Errorf("trained first layer: interior shift difference %g (scale %g), want ~0", e.ShiftMax, e.Scale)
		}
	})

	t.Run("pause, resume and stop control the run", func(t *testing.T) {
		if err := chromedp.Do(page, chromedp.Evaluate[chromedp.Void](`fashionlab.run([{label: 'e2e control', config: {net: 'mlp', dense_hiddens: [64], activation: 'relu'}, settings: {lr: 1e-3, epochs: 50, train_limit: 4000, eval_train_size: 100}}])`)); err != nil {
			t.Fatal(err)
		}
		waitFor(t, page, "training to run", 30*time.Second, func(s pageState) bool {
			return len(s.Runs) == 3 && s.Runs[2].StepsDone > 2 && s.Worker == "running"
		})
		send := func(kind string) {
			if err := chromedp.Do(page, chromedp.Evaluate[chromedp.Void](`fashionlab.send({kind: '`+kind+`'})`)); err != nil {
				t.Fatal(err)
			}
		}
		send("pause")
		s := waitFor(t, page, "the pause", 10*time.Second, func(s pageState) bool { return s.Worker == "paused" })
		paused := s.Runs[2].StepsDone
		time.Sleep(500 * time.Millisecond)
		if s, _ = readState(page); s.Runs[2].StepsDone != paused {
			t.Errorf("steps went from %d to %d while paused", paused, s.Runs[2].StepsDone)
		}
		send("resume")
		waitFor(t, page, "training to resume", 10*time.Second, func(s pageState) bool { return s.Runs[2].StepsDone > paused })
		send("stop")
		s = waitFor(t, page, "the stop", 10*time.Second, func(s pageState) bool { return s.Runs[2].Status == "done" })
		if s.Runs[2].Reason != "stopped" {
			t.Errorf("run ended with %q, want stopped", s.Runs[2].Reason)
		}
	})

	t.Run("a bad configuration comes back as a message, not a crash", func(t *testing.T) {
		if err := chromedp.Do(page, chromedp.Evaluate[chromedp.Void](`fashionlab.send({kind: 'start', run: 99, config: {net: 'cnn', n_channels: [4], kernel_sizes: [29], strides: [1], paddings: [0], dense_hiddens: []}, settings: {}})`)); err != nil {
			t.Fatal(err)
		}
		s := waitFor(t, page, "the error message", 10*time.Second, func(s pageState) bool { return len(s.WorkerErrors) > 0 })
		if !strings.Contains(s.WorkerErrors[0], "protocol: start.config") {
			t.Errorf("worker error %q, want one naming start.config", s.WorkerErrors[0])
		}
		if err := chromedp.Do(page, chromedp.Evaluate[chromedp.Void](`fashionlab.send({kind: 'count', id: 1, config: {net: 'mlp', dense_hiddens: [3]}})`)); err != nil {
			t.Fatal(err)
		}
		n, err := chromedp.Run(page, chromedp.Evaluate[int](`fashionlab.workerCount({net: 'mlp', dense_hiddens: [3], activation: 'relu'})`, chromedp.EvalAwaitPromise))
		if err != nil || n != 784*3+3+3*10+10 {
			t.Errorf("the worker answers %d (%v) after the error, want %d", n, err, 784*3+3+3*10+10)
		}
	})

	t.Run("embed mode hides the page chrome", func(t *testing.T) {
		if err := chromedp.Do(page, chromedp.Navigate(srv.URL+"?demo=q4&embed=1")); err != nil {
			t.Fatal(err)
		}
		waitFor(t, page, "the page", 20*time.Second, func(s pageState) bool { return s.Demo == "q4" })
		hidden, err := chromedp.Run(page, chromedp.Evaluate[bool](`getComputedStyle(document.querySelector('header')).display === 'none' && getComputedStyle(document.getElementById('charts')).display !== 'none'`))
		if err != nil || !hidden {
			t.Errorf("embed=1: header hidden and charts shown = %v (%v), want true", hidden, err)
		}
	})

	t.Run("a bad demo in the address falls back with a message", func(t *testing.T) {
		if err := chromedp.Do(page, chromedp.Navigate(srv.URL+"?demo=q9&embed=2")); err != nil {
			t.Fatal(err)
		}
		s := waitFor(t, page, "the page", 20*time.Second, func(s pageState) bool { return s.Demo != "" })
		var texts []string
		for _, m := range s.Messages {
			texts = append(texts, m.Text)
		}
		all := strings.Join(texts, " | ")
		if s.Demo != "q1" || !strings.Contains(all, `Unknown demo "q9"`) || !strings.Contains(all, "embed must be 0 or 1") {
			t.Errorf("demo %q, messages %q; want q1 and messages about demo and embed", s.Demo, all)
		}
	})

	s, _ = readState(page)
	problems := append(b.Problems(), s.Errors...)
	if len(problems) > 0 {
		t.Errorf("console errors or uncaught exceptions:\n%s", strings.Join(problems, "\n"))
	}
}

// checkNotBlank fails when a screenshot is (nearly) one colour.
func checkNotBlank(t *testing.T, shot []byte, what string) {
	t.Helper()
	img, err := png.Decode(bytes.NewReader(shot))
	if err != nil {
		t.Fatalf("%s screenshot: %v", what, err)
	}
	mean, std, distinct := pixelStats(img)
	t.Logf("%s screenshot %v: mean luminance %.1f, deviation %.1f, %d distinct colours", what, img.Bounds().Size(), mean, std, distinct)
	if std < 5 || distinct < 16 {
		t.Errorf("%s canvas looks blank: luminance deviation %.1f, %d distinct colours", what, std, distinct)
	}
}

func pixelStats(img image.Image) (mean, std float64, distinct int) {
	b := img.Bounds()
	colours := map[uint32]bool{}
	var sum, sum2, n float64
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			r, g, bl, _ := img.At(x, y).RGBA()
			l := (0.299*float64(r) + 0.587*float64(g) + 0.114*float64(bl)) / 257
			sum += l
			sum2 += l * l
			n++
			if len(colours) < 1000 {
				colours[(r>>8)<<16|(g>>8)<<8|bl>>8] = true
			}
		}
	}
	mean = sum / n
	return mean, math.Sqrt(max(0, sum2/n-mean*mean)), len(colours)
}
