//go:build !js

package e2e

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"fashionlab/internal/headless"
	"fashionlab/internal/sitebuild"
)

// TestTheFirstStepFetchesOnlyWhatItNeeds opens the page with a cold cache
// and autostart, as a link a student follows: the first step trains on
// the worker binary and the subset's first part alone; the canvas binary
// and the rest of the subset are fetched after it, and the run goes on
// with the rest (its epochs evaluate the validation images of the second
// part). The rest is the worker's to ask for, once it has sent its first
// step; the canvas the page's, once it has shown that step. Each is
// checked against its own side's mark, so a page slow to handle the
// step's message on a busy machine does not count as an early fetch.
func TestTheFirstStepFetchesOnlyWhatItNeeds(t *testing.T) {
	requireBrowser(t)
	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
	defer cancel()
	b, err := headless.Launch(ctx) // a fresh profile: nothing cached
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	shared.srv.ResetBytes()
	if err := chromedp.Do(b.Ctx, chromedp.Navigate(shared.srv.URL+"?demo=custom&autostart=1")); err != nil {
		t.Fatal(err)
	}
	until := func(what string, ok func(pageState) bool) pageState {
		t.Helper()
		s, err := headless.WaitState(b.Ctx, func(s pageState) bool { return len(s.Errors) > 0 || ok(s) })
		if err != nil {
			t.Fatalf("waiting for %s: %v (state %v)", what, err, s)
		}
		if len(s.Errors) > 0 {
			t.Fatalf("page errors: %v", s.Errors)
		}
		return s
	}
	s := until("the first step", func(s pageState) bool { return s.FirstStepMs != nil })
	origin, err := chromedp.Run(b.Ctx, chromedp.Evaluate[float64](`performance.timeOrigin`))
	if err != nil {
		t.Fatal(err)
	}
	firstStep := time.UnixMicro(int64((origin + *s.FirstStepMs) * 1000))
	workerStep, err := workerFirstStepSent(b.Ctx)
	if err != nil {
		t.Fatal(err)
	}
	until("an epoch evaluated with the second part's images and the canvas", func(s pageState) bool {
		return s.CanvasReady && len(s.Runs) == 1 && len(s.Runs[0].Epochs) >= 2
	})
	served := map[string]headless.Request{}
	early := map[string]int{} // requests before the first step
	for _, r := range shared.srv.Requests() {
		name := strings.TrimPrefix(r.Path, "/")
		if i := strings.IndexByte(name, '.'); i > 0 && strings.Count(name, ".") >= 2 {
			name = name[:i] // worker.<hash>.wasm -> worker
		}
		if r.First.Before(firstStep) {
			early[name]++
		}
		if _, ok := served[name]; !ok {
			served[name] = r
		}
	}
	// The page compiles the worker binary and fetches the first part for
	// the worker, which must not fetch them again; the page's modules come
	// bundled in main.js (the offline cache fetches them later).
	for _, file := range []string{"worker", "fashion-subset-1"} {
		if early[file] != 1 {
			t.Errorf("%s was fetched %d times before the first step, want once", file, early[file])
		}
	}
	for _, module := range []string{"state.js", "worker-client.js", "url-state.js", "training.js"} {
		if early[module] != 0 {
			t.Errorf("the page fetched its module %s on its own (%d times), want it in the bundled main.js", module, early[module])
		}
	}
	for _, tc := range []struct {
		file   string
		before bool      // fetched before the step, or after it
		step   time.Time // the step as the side that fetches the file saw it
		side   string
	}{
		{"worker", true, firstStep, "page"},
		{"fashion-subset-1", true, firstStep, "page"},
		{"fashion-subset-2", false, workerStep, "worker"},
		{"canvas", false, firstStep, "page"},
	} {
		r, ok := served[tc.file]
		if !ok {
			t.Errorf("%s was never fetched", tc.file)
			continue
		}
		if before := r.First.Before(tc.step); before != tc.before {
			t.Errorf("%s: first byte %v relative to the first step on the %s's side, want before: %v", tc.file, r.First.Sub(tc.step).Round(time.Millisecond), tc.side, tc.before)
		}
	}
	if p := b.Problems(); len(p) > 0 {
		t.Errorf("console errors: %v", p)
	}
}

// TestTheBuiltPageCarriesBuildJSON checks the site the tests serve: the
// manifest written into index.html, which the page hands to the worker,
// is build.json's.
func TestTheBuiltPageCarriesBuildJSON(t *testing.T) {
	requireBrowser(t)
	site := filepath.Join(shared.dir, "site")
	manifest, err := os.ReadFile(filepath.Join(site, "build.json"))
	if err != nil {
		t.Fatal(err)
	}
	var want any
	if err := json.Unmarshal(manifest, &want); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"index.html"} {
		script, err := os.ReadFile(filepath.Join(site, name))
		if err != nil {
			t.Fatal(err)
		}
		inlined, err := sitebuild.InlinedManifest(script)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		var got any
		if err := json.Unmarshal(inlined, &got); err != nil {
			t.Fatalf("%s's manifest %q: %v", name, inlined, err)
		}
		if g, w := mustJSON(t, got), mustJSON(t, want); g != w {
			t.Errorf("%s carries %s, build.json is %s", name, g, w)
		}
	}
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// workerFirstStepSent returns when the training worker sent its first
// step's statistics (its fashionlab:first-step-sent mark), right before it
// asks for the rest of the data.
func workerFirstStepSent(ctx context.Context) (time.Time, error) {
	targets, err := chromedp.Targets(ctx)
	if err != nil {
		return time.Time{}, err
	}
	for _, t := range targets {
		if t.Type != "worker" || !strings.HasSuffix(t.URL, "/worker.js") {
			continue
		}
		wctx, cancel := chromedp.NewContext(ctx, chromedp.WithTargetID(t.TargetID))
		defer cancel()
		at, err := chromedp.Run(wctx, chromedp.Evaluate[float64](`(() => { const m = performance.getEntriesByName('fashionlab:first-step-sent')[0]; return m ? performance.timeOrigin + m.startTime : 0; })()`))
		if err != nil {
			return time.Time{}, fmt.Errorf("the worker's first-step mark: %w", err)
		}
		if at == 0 {
			return time.Time{}, errors.New("the worker has no fashionlab:first-step-sent mark")
		}
		return time.UnixMicro(int64(at * 1000)), nil
	}
	return time.Time{}, fmt.Errorf("no training worker among %d targets", len(targets))
}
