package e2e

import (
	"context"
	"encoding/binary"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fashionlab/internal/headless"

	"github.com/chromedp/chromedp"
)

// sparseFile makes a file of size bytes that takes no disk space.
func sparseFile(t *testing.T, path string, size int64) {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := f.Truncate(size); err != nil {
		t.Fatal(err)
	}
}

// waitMessage waits for an error message containing want.
func (p *person) waitMessage(want string, limit time.Duration) pageState {
	p.t.Helper()
	return p.waitFor("a message saying "+want, limit, func(s pageState) bool {
		for _, m := range s.Messages {
			if m.Kind == "error" && strings.Contains(m.Text, want) {
				return true
			}
		}
		return false
	})
}

// TestHugeWeightsFilesAreRefusedBeforeTheyAreRead is row 7 of the
// reliability issue: a 1.5 GB file chosen with the file chooser, or given
// as ?weights=, ran the worker out of memory, and the page kept saying
// "Reading big15g.safetensors…" with Start enabled for more than 90 s.
// Both are now refused from their size, before a byte is read, with a
// message giving the size and the page's maximum; the worker stays, and
// Start works.
func TestHugeWeightsFilesAreRefusedBeforeTheyAreRead(t *testing.T) {
	requireBrowser(t)
	const size = 1536 << 20 // 1.5 GB
	t.Run("the file chooser", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "big15g.safetensors")
		sparseFile(t, path, size)
		p := newPerson(t, "?demo=custom", 1280, 900)
		p.waitReady()
		if err := chromedp.Do(p.ctx, chromedp.SetUploadFiles("#upload-weights", []string{path})); err != nil {
			t.Fatal(err)
		}
		s := p.waitMessage("big15g.safetensors is 1.5 GB", 10*time.Second)
		if msg := p.text("#messages"); !strings.Contains(msg, "up to 256 MB") {
			t.Errorf("the message %q does not give the maximum", msg)
		}
		if note := p.text("#exchange-note"); strings.Contains(note, "Reading") {
			t.Errorf("the note still says %q", note)
		}
		if s.NetworkRun != nil || len(s.Errors) > 0 || strings.Contains(p.text("#messages"), "stopped") {
			t.Errorf("network %v, page errors %v, messages %q after a huge file", s.NetworkRun, s.Errors, p.text("#messages"))
		}
		if !p.enabled("#btn-start") {
			t.Error("Start is disabled after the refused file")
		}
		p.shot("reliability-huge-upload")
		p.checkProblems()
	})
	t.Run("the weights parameter", func(t *testing.T) {
		dir := filepath.Join(shared.dir, "site", "test-weights")
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		sparseFile(t, filepath.Join(dir, "big15g.safetensors"), size)
		p := newPerson(t, "?demo=custom&weights=test-weights/big15g.safetensors", 1280, 900)
		p.waitReady()
		s := p.waitMessage("is 1.5 GB", 10*time.Second)
		msg := p.text("#messages")
		for _, w := range []string{"weights=", "big15g.safetensors", "up to 256 MB"} {
			if !strings.Contains(msg, w) {
				t.Errorf("the message %q does not say %q", msg, w)
			}
		}
		if s.NetworkRun != nil || len(s.Errors) > 0 {
			t.Errorf("network %v, page errors %v", s.NetworkRun, s.Errors)
		}
		p.checkProblems()
	})
}

// TestABadPercentEscapeInTheWeightsParameterIsABadValue is row 8: the
// address ?weights=files%2F%25ff.safetensors threw an uncaught URIError
// and showed nothing. It now gets the message of any bad value of the
// parameter, and the page works.
func TestABadPercentEscapeInTheWeightsParameterIsABadValue(t *testing.T) {
	requireBrowser(t)
	p := newPerson(t, "?demo=custom&weights=files%2F%25ff.safetensors", 1280, 900)
	p.waitReady()
	s := p.waitMessage("The address parameter weights must be the address of a model.safetensors file", 10*time.Second)
	if msg := p.text("#messages"); !strings.Contains(msg, "files/%ff.safetensors") {
		t.Errorf("the message %q does not quote the value", msg)
	}
	if len(s.Errors) > 0 || s.NetworkRun != nil {
		t.Errorf("page errors %v, network %v", s.Errors, s.NetworkRun)
	}
	if !p.enabled("#btn-start") {
		t.Error("Start is disabled")
	}
	p.checkProblems()
}

// TestAWorkerThatRunsOutOfMemoryIsAnnounced is the page's side of row 7:
// a worker that died of memory left the page waiting, silent. Here a
// browser whose WebAssembly memory is capped at 256 MB (a phone's, say)
// trains a network within the page's 1 GB budget that does not fit it:
// the worker runs out of memory, and within seconds the page says so,
// marks the run interrupted, and starts a new worker.
func TestAWorkerThatRunsOutOfMemoryIsAnnounced(t *testing.T) {
	requireBrowser(t)
	b, err := headless.Launch(context.Background(), chromedp.Flag("js-flags", "--wasm-max-mem-pages=4096"))
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	p := newPersonIn(t, b, "?demo=custom&net=mlp&dense_hiddens=4096,4096&epochs=1", 1280, 900, 3*time.Minute)
	p.expect("out of memory") // the Go runtime's own last words on the console
	p.expect("exit code")
	p.waitReady()
	p.waitFor("the form to be checked", 20*time.Second, func(s pageState) bool { return !s.Form.Pending && len(s.Form.Problems) == 0 })
	p.click("#btn-start")
	clicked := time.Now()
	s := p.waitMessage("ran out of memory", 60*time.Second)
	t.Logf("announced %.1f s after Start", time.Since(clicked).Seconds())
	if len(s.Runs) != 1 || s.Runs[0].Status != "interrupted" {
		t.Errorf("runs %+v, want the one run marked interrupted", s.Runs)
	}
	p.shot("reliability-worker-out-of-memory")
}

// TestAHeaderOfAMillionTensorsIsRefusedEarly is row 9 in the page: a
// 60 MB header listing 10⁶ empty tensors kept the worker busy for about
// 110 s before its refusal. The reader now stops after the most tensors a
// network can have, and the page says so.
func TestAHeaderOfAMillionTensorsIsRefusedEarly(t *testing.T) {
	requireBrowser(t)
	var h strings.Builder
	h.WriteString(`{"__metadata__":{"fashionlab.config":"{\"net\":\"mlp\",\"dense_hiddens\":[2],\"activation\":\"relu\"}"}`)
	for i := range 1_000_000 {
		fmt.Fprintf(&h, `,"t%07d":{"dtype":"F32","shape":[0],"data_offsets":[0,0]}`, i)
	}
	h.WriteString("}")
	path := filepath.Join(t.TempDir(), "million.safetensors")
	file := binary.LittleEndian.AppendUint64(nil, uint64(h.Len()))
	if err := os.WriteFile(path, append(file, h.String()...), 0o644); err != nil {
		t.Fatal(err)
	}
	p := newPerson(t, "?demo=custom", 1280, 900)
	p.waitReady()
	chosen := time.Now()
	if err := chromedp.Do(p.ctx, chromedp.SetUploadFiles("#upload-weights", []string{path})); err != nil {
		t.Fatal(err)
	}
	s := p.waitMessage("million.safetensors could not be loaded", 60*time.Second)
	t.Logf("refused %.1f s after the file was chosen", time.Since(chosen).Seconds())
	if msg := p.text("#messages"); !strings.Contains(msg, "more than 60006 tensors") {
		t.Errorf("the message %q does not say why", msg)
	}
	if s.NetworkRun != nil || len(s.Errors) > 0 || !p.enabled("#btn-start") {
		t.Errorf("network %v, page errors %v, Start enabled %v", s.NetworkRun, s.Errors, p.enabled("#btn-start"))
	}
}
