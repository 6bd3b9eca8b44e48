//go:build !js

package headless

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// launch starts a browser for a test, ended with it, and returns it and a
// context that ends after two minutes; without Chromium the test is
// skipped (failed where FASHIONLAB_REQUIRE_BROWSER=1).
func launch(t *testing.T) (context.Context, *Browser) {
	t.Helper()
	if _, err := os.Stat(ChromiumPath); err != nil {
		if os.Getenv("FASHIONLAB_REQUIRE_BROWSER") == "1" {
			t.Fatalf("no %s", ChromiumPath)
		}
		t.Skipf("no %s", ChromiumPath)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	t.Cleanup(cancel)
	b, err := Launch(ctx)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(b.Close)
	return ctx, b
}

func TestSettleReadsTheBrowsersCPUTimeAndReturnsOnceItIsIdle(t *testing.T) {
	ctx, b := launch(t)
	before, err := b.cpuTime()
	if err != nil {
		t.Fatal(err)
	}
	if before <= 0 {
		t.Fatalf("a started browser has used %v of CPU", before)
	}
	const most = 60 * time.Second
	waited, err := b.Settle(ctx, 0.1, most)
	if err != nil {
		t.Fatal(err)
	}
	if waited >= most {
		t.Errorf("Settle waited its whole %v: an idle browser was never seen", most)
	}
	after, err := b.cpuTime()
	if err != nil {
		t.Fatal(err)
	}
	if after < before {
		t.Errorf("the browser's CPU time went back from %v to %v", before, after)
	}
	t.Logf("settled after %v; CPU %v then %v", waited.Round(time.Millisecond), before, after)
}

// statePage is a page whose state counts its reads and reports two runs,
// and a console error, as the real page would report one.
const statePage = `<!doctype html><link rel="icon" href="data:,"><script>
let reads = 0;
window.fashionlab = {state: () => ({demo: 'q4', worker: reads++ < 3 ? 'loading' : 'idle', canvasReady: true,
  runs: [{id: 1, status: 'done', epochs: [{epoch: 0, val_acc: 0.1}, {epoch: 1, val_acc: 0.8}]}, {id: 2, status: 'queued', epochs: []}]})};
console.error('a problem');
</script>`

func TestTheStateIsReadWaitedForAndTheConsoleWatched(t *testing.T) {
	_, b := launch(t)
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "index.html"), []byte(statePage), 0o644); err != nil {
		t.Fatal(err)
	}
	srv, err := Serve(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	if s, err := ReadState(b.Ctx); err != nil || s.Demo != "" || s.Runs != nil {
		t.Errorf("before the page: state %v (%v), want the zero state", s, err)
	}
	if err := chromedp.Do(b.Ctx, chromedp.Navigate(srv.URL)); err != nil {
		t.Fatal(err)
	}
	s, err := WaitState(b.Ctx, func(s PageState) bool { return s.Worker == "idle" })
	if err != nil {
		t.Fatal(err)
	}
	if s.Demo != "q4" || !s.CanvasReady || len(s.Runs) != 2 || s.Runs[0].Status != "done" || len(s.Runs[0].Epochs) != 2 || *s.Runs[0].Epochs[1].ValAcc != 0.8 {
		t.Errorf("state %v, want q4 with a done run of two epochs and a queued one", s)
	}
	short, cancelShort := context.WithTimeout(b.Ctx, 300*time.Millisecond)
	defer cancelShort()
	if _, err := WaitState(short, func(s PageState) bool { return s.Demo == "q1" }); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("waiting for what never comes: %v, want the context's deadline", err)
	}
	// Console messages arrive on their own.
	for deadline := time.Now().Add(5 * time.Second); len(b.Problems()) == 0 && time.Now().Before(deadline); {
		time.Sleep(50 * time.Millisecond)
	}
	if p, want := b.Problems(), fmt.Sprintf("error: a problem (%s:4)", srv.URL); len(p) != 1 || p[0] != want {
		t.Errorf("console problems %q, want only %q", p, want)
	}
}
