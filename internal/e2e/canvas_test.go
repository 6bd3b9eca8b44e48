//go:build !js

package e2e

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"fashionlab/assets"
	"fashionlab/internal/headless"
	"fashionlab/internal/sitebuild"
)

// canvasPage is a page of the site in headless Chromium, used as a person
// uses it: clicks, keys, window sizes; JavaScript only reads.
type canvasPage struct {
	t   *testing.T
	ctx context.Context
}

// read evaluates a reading expression.
func canvasRead[T any](p canvasPage, expr string) T {
	p.t.Helper()
	v, err := chromedp.Run(p.ctx, chromedp.Evaluate[T](expr))
	if err != nil {
		p.t.Fatalf("reading %s: %v", expr, err)
	}
	return v
}

// until polls a reading expression until it is true.
func (p canvasPage) until(what, expr string, limit time.Duration) {
	p.t.Helper()
	deadline := time.Now().Add(limit)
	for time.Now().Before(deadline) {
		if ok, err := chromedp.Run(p.ctx, chromedp.Evaluate[bool](expr)); err == nil && ok {
			return
		}
		time.Sleep(200 * time.Millisecond)
	}
	p.t.Fatalf("timed out after %v waiting for %s", limit, what)
}

// clickFrame scrolls the canvas frame into view and clicks its middle.
func (p canvasPage) clickFrame() {
	p.t.Helper()
	if err := chromedp.Do(p.ctx, chromedp.ScrollIntoView("#canvas-frame")); err != nil {
		p.t.Fatal(err)
	}
	box := canvasRead[[]float64](p, `(() => { const r = document.getElementById('canvas-frame').getBoundingClientRect(); return [r.left + r.width / 2, r.top + r.height / 2]; })()`)
	if err := chromedp.Do(p.ctx, chromedp.MouseClickXY(box[0], box[1])); err != nil {
		p.t.Fatal(err)
	}
}

// press sends one key (with modifiers) to whatever has focus.
func (p canvasPage) press(key string, mods ...chromedp.Modifier) {
	p.t.Helper()
	if err := chromedp.Do(p.ctx, chromedp.KeyEvent(key, chromedp.KeyModifiers(mods...))); err != nil {
		p.t.Fatal(err)
	}
}

// focusInFrame reports whether focus is inside the canvas frame.
func (p canvasPage) focusInFrame() bool {
	return canvasRead[string](p, `document.activeElement ? document.activeElement.id : ''`) == "canvas-frame"
}

func TestTheCanvasLetsKeyboardUsersOutAndExplainsEmptyLabs(t *testing.T) {
	if testing.Short() {
		t.Skip("the browser test is not short")
	}
	data := os.Getenv(assets.EnvDir)
	if data == "" {
		data = assets.SystemDir
	}
	_, chromium := os.Stat(headless.ChromiumPath)
	_, dataset := os.Stat(filepath.Join(data, assets.TrainImagesFile))
	if chromium != nil || dataset != nil {
		if os.Getenv("FASHIONLAB_REQUIRE_BROWSER") == "1" {
			t.Fatalf("needs %s and the FashionMNIST files in %s", headless.ChromiumPath, data)
		}
		t.Skipf("needs %s and the FashionMNIST files in %s", headless.ChromiumPath, data)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 6*time.Minute)
	defer cancel()
	dir := filepath.Join(t.TempDir(), "site")
	if _, err := sitebuild.Build(ctx, sitebuild.Options{Root: "../..", Out: dir, DataDir: data, Train: 2000, Val: 500, Test: 100}); err != nil {
		t.Fatal(err)
	}
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
	p := canvasPage{t: t, ctx: b.Ctx}
	if err := chromedp.Do(p.ctx, chromedp.Navigate(srv.URL+"?demo=q1")); err != nil {
		t.Fatal(err)
	}
	p.until("the canvas and the lab's numbers", `(() => { const s = window.fashionlab && window.fashionlab.state(); return !!(s && s.canvasReady && s.equivariance); })()`, 2*time.Minute)

	t.Run("Tab, Shift+Tab and Escape leave the canvas", func(t *testing.T) {
		p := canvasPage{t: t, ctx: b.Ctx}
		for _, tc := range []struct {
			name string
			key  string
			mods []chromedp.Modifier
		}{
			{"Tab", kb.Tab, nil},
			{"Shift+Tab", kb.Tab, []chromedp.Modifier{chromedp.ModifierShift}},
			{"Escape", kb.Escape, nil},
		} {
			p.clickFrame()
			if !p.focusInFrame() {
				t.Fatalf("%s: clicking the canvas did not put focus in its frame", tc.name)
			}
			left := false
			for range 3 {
				p.press(tc.key, tc.mods...)
				if !p.focusInFrame() {
					left = true
					break
				}
			}
			if !left {
				t.Errorf("%s: focus is still in the canvas frame after three presses", tc.name)
			}
		}
	})

	t.Run("the canvas is an image with a text alternative, not a tab stop", func(t *testing.T) {
		p := canvasPage{t: t, ctx: b.Ctx}
		got := canvasRead[[]string](p, `(() => { const c = document.getElementById('canvas-frame').contentDocument.querySelector('canvas'); return [c.getAttribute('role') || '', c.getAttribute('aria-label') || '', String(c.tabIndex)]; })()`)
		if got[0] != "img" || !strings.Contains(got[1], "Equivariance lab") || got[2] != "-1" {
			t.Errorf("canvas role %q, label %q, tabIndex %s; want img, a label describing the lab, -1", got[0], got[1], got[2])
		}
	})

	setSeed := func(p canvasPage, v string) {
		p.t.Helper()
		if err := chromedp.Do(p.ctx, chromedp.Click(chromedp.CSS("#lab-seed")),
			chromedp.KeyEvent("a", chromedp.KeyModifiers(chromedp.ModifierCtrl)), chromedp.KeyEvent(kb.Delete),
			chromedp.SendKeys(chromedp.CSS("#lab-seed"), v)); err != nil {
			p.t.Fatal(err)
		}
	}
	t.Run("a seed whose f(x) is 0 says so instead of showing blank panels", func(t *testing.T) {
		p := canvasPage{t: t, ctx: b.Ctx}
		setSeed(p, "7")
		p.until("the hint for seed 7", `document.getElementById('lab-stats').textContent.includes('f(x) is 0 everywhere')`, 30*time.Second)
		label := canvasRead[string](p, `document.getElementById('canvas-frame').contentDocument.querySelector('canvas').getAttribute('aria-label')`)
		if !strings.Contains(label, "seed 7") {
			t.Errorf("the canvas's text alternative %q does not name seed 7", label)
		}
		setSeed(p, "1")
		p.until("the numbers for seed 1", `document.getElementById('lab-stats').textContent.includes('Interior max')`, 30*time.Second)
	})

	t.Run("at 390 pixels the canvas keeps its width and its text readable", func(t *testing.T) {
		p := canvasPage{t: t, ctx: b.Ctx}
		if err := chromedp.Do(p.ctx, chromedp.EmulateViewport(390, 844)); err != nil {
			t.Fatal(err)
		}
		// The narrow layout is 300 logical pixels wide: the frame's width
		// over 300 is the scale of its text (1 or more: the debug font's
		// 6x16 cells at least at their size).
		p.until("the narrow layout", `(() => { const f = document.getElementById('canvas-frame'); return f.getBoundingClientRect().height > f.getBoundingClientRect().width; })()`, 20*time.Second)
		// (Whether the page around it fits 390 pixels is the page's
		// layout, tested with the page.)
		got := canvasRead[[]float64](p, `(() => { const f = document.getElementById('canvas-frame').getBoundingClientRect(); return [f.left, f.right, f.width, f.height]; })()`)
		if scale := got[2] / 300; scale < 1 {
			t.Errorf("the canvas is scaled by %.2f; its text would be smaller than the font's own size", scale)
		}
		if want := got[2] / 300 * 834; got[3] < want-2 || got[3] > want+2 {
			t.Errorf("the frame is %.0f px tall, want %.0f for the narrow lab at this width", got[3], want)
		}
	})

	if p := b.Problems(); len(p) > 0 {
		t.Errorf("console errors: %s", strings.Join(p, "; "))
	}
}
