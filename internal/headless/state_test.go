//go:build !js

package headless

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// statePage is a page whose state counts its reads and reports two runs,
// and a console error, as the real page would report one.
const statePage = `<!doctype html><link rel="icon" href="data:,"><script>
let reads = 0;
window.fashionlab = {state: () => ({demo: 'q4', worker: reads++ < 3 ? 'loading' : 'idle', canvasReady: true,
  runs: [{id: 1, status: 'done', epochs: [{epoch: 0, val_acc: 0.1}, {epoch: 1, val_acc: 0.8}]}, {id: 2, status: 'queued', epochs: []}]})};
console.error('a problem');
</script>`

func TestTheStateIsReadWaitedForAndTheConsoleWatched(t *testing.T) {
	if _, err := os.Stat(ChromiumPath); err != nil {
		if os.Getenv("FASHIONLAB_REQUIRE_BROWSER") == "1" {
			t.Fatalf("no %s", ChromiumPath)
		}
		t.Skipf("no %s", ChromiumPath)
	}
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "index.html"), []byte(statePage), 0o644); err != nil {
		t.Fatal(err)
	}
	srv, err := Serve(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	b, err := Launch(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
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
	if p := b.Problems(); len(p) != 1 || !strings.Contains(p[0], "a problem") {
		t.Errorf("console problems %q, want the page's one error", p)
	}
}
