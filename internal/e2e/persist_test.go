//go:build !js

package e2e

import (
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/storage"
	"github.com/chromedp/chromedp"

	"fashionlab/internal/nativetest"
)

// epochLine is one logged epoch of a run as the page keeps it.
type epochLine struct {
	Epoch     int      `json:"epoch"`
	TrainLoss *float64 `json:"train_loss"`
	TrainAcc  *float64 `json:"train_acc"`
	ValLoss   *float64 `json:"val_loss"`
	ValAcc    *float64 `json:"val_acc"`
	GradNorm  *float64 `json:"grad_norm"`
}

// savedRun is what the page shows of one run, for comparing before and
// after a reload.
type savedRun struct {
	ID        int         `json:"id"`
	Label     string      `json:"label"`
	Status    string      `json:"status"`
	StepsDone int         `json:"stepsDone"`
	Epochs    []epochLine `json:"epochs"`
}

func (p *person) savedRuns() []savedRun {
	p.t.Helper()
	return look[[]savedRun](p, `window.fashionlab.state().runs`)
}

// savedCheckpoint returns the epoch of run id's latest checkpoint kept in
// the browser, or -1.
func (p *person) savedCheckpoint(id int) int {
	p.t.Helper()
	return look[int](p, `(window.fashionlab.state().saved[`+strconv.Itoa(id)+`] || {epoch: -1}).epoch`)
}

// printed writes the numbers of epoch lines for comparison.
func printed(es []epochLine) string {
	var b strings.Builder
	f := func(x *float64) string {
		if x == nil {
			return "null"
		}
		return strconv.FormatFloat(*x, 'g', -1, 64)
	}
	for _, e := range es {
		b.WriteString(strconv.Itoa(e.Epoch) + ": " + f(e.TrainLoss) + " " + f(e.TrainAcc) + " " + f(e.ValLoss) + " " + f(e.ValAcc) + " " + f(e.GradNorm) + "\n")
	}
	return b.String()
}

// reload reloads the tab as a person does (the address stays) and waits
// until the page is ready again.
func (p *person) reload() pageState {
	p.t.Helper()
	if err := chromedp.Do(p.ctx, chromedp.Reload()); err != nil {
		p.t.Fatal(err)
	}
	return p.waitReady()
}

// TestAFinishedRunSurvivesAReloadUntilCleared trains a run, reloads the
// page and finds the same run list, the same curve numbers and the same
// predictions from the same weights; "Remove runs" then removes it from
// the page and the store, so a second reload brings nothing back.
func TestAFinishedRunSurvivesAReloadUntilCleared(t *testing.T) {
	p := newPersonFor(t, "?demo=custom&net=mlp&dense_hiddens=32&epochs=2&train_limit=600&eval_train_size=200", 1280, 900, 4*time.Minute)
	p.waitReady()
	p.click("#btn-start")
	p.waitFor("the run to finish", 90*time.Second, func(s pageState) bool { return len(s.Runs) == 1 && s.Runs[0].Status == "done" })
	p.waitFor("its predictions and its checkpoint to be kept", 30*time.Second, func(s pageState) bool {
		return s.Predictions != nil && s.Predictions.Run != nil && p.savedCheckpoint(s.Runs[0].ID) == 2
	})
	before, preds := p.savedRuns(), p.predictions()
	time.Sleep(time.Second) // the run's last record is written within 300 ms of its change

	p.reload()
	s := p.waitFor("the saved run's network and predictions", 60*time.Second, func(s pageState) bool {
		return s.NetworkRun != nil && *s.NetworkRun == before[0].ID && s.Predictions != nil && s.Predictions.Run != nil && *s.Predictions.Run == before[0].ID
	})
	after := p.savedRuns()
	if len(after) != 1 || after[0].ID != before[0].ID || after[0].Label != before[0].Label || after[0].Status != "done" || after[0].StepsDone != before[0].StepsDone {
		t.Errorf("runs after a reload %+v, want %+v", after, before)
	}
	if len(after) == 1 && printed(after[0].Epochs) != printed(before[0].Epochs) {
		t.Errorf("curves after a reload:\n%swant\n%s", printed(after[0].Epochs), printed(before[0].Epochs))
	}
	if got := p.predictions(); !slices.Equal(got.Preds, preds.Preds) || got.Accuracy != preds.Accuracy {
		t.Errorf("predictions after a reload %v (accuracy %v), before %v (%v)", got.Preds, got.Accuracy, preds.Preds, preds.Accuracy)
	}
	if len(s.Errors) > 0 {
		t.Errorf("page errors: %v", s.Errors)
	}
	p.click("#btn-download-weights") // the restored network exports as a trained one
	p.waitFor("the export", 20*time.Second, func(pageState) bool { return strings.Contains(p.text("#exchange-note"), "Saved model.safetensors") })
	p.shot("persist-restored-1280")

	// Remove runs asks first; Cancel keeps everything.
	p.click("#btn-remove")
	p.click("#remove-no")
	if n := len(p.savedRuns()); n != 1 {
		t.Fatalf("Cancel cleared the page: %d runs", n)
	}
	p.click("#btn-remove")
	p.shot("persist-remove-dialog-1280")
	p.click("#remove-yes")
	p.waitFor("the page to be cleared", 20*time.Second, func(s pageState) bool { return len(s.Runs) == 0 && s.NetworkRun == nil })
	p.waitFor("the message saying so", 10*time.Second, func(s pageState) bool {
		return strings.Contains(p.text("#messages"), "from the page and from this browser")
	})
	p.reload()
	time.Sleep(2 * time.Second) // restoring is done before ready; give a late restore the chance to show
	if s, _ := p.read(); len(s.Runs) != 0 || s.NetworkRun != nil {
		t.Errorf("after clearing and a reload the page shows %d runs, network %v", len(s.Runs), s.NetworkRun)
	}
}

// TestAnInterruptedRunResumesWithTheSameCurve reloads the page while a run
// trains, finds it interrupted with a Resume button, resumes it from its
// checkpoint, and compares its per-epoch log with an uninterrupted run of
// the same setup trained afterwards.
func TestAnInterruptedRunResumesWithTheSameCurve(t *testing.T) {
	p := newPersonFor(t, "?demo=custom&net=cnn&n_channels=16,32&kernel_sizes=3,3&strides=1,1&paddings=0,0&dense_hiddens=64&epochs=12&train_limit=900&eval_train_size=200&shuffle=1", 1280, 900, 5*time.Minute)
	p.waitReady()
	p.click("#btn-start")
	s := p.waitFor("the run to train", 60*time.Second, func(s pageState) bool { return len(s.Runs) == 1 && s.Runs[0].Status == "running" })
	id := s.Runs[0].ID
	for deadline := time.Now().Add(90 * time.Second); p.savedCheckpoint(id) < 1; time.Sleep(100 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("no checkpoint was kept after the first epoch")
		}
	}
	p.reload()
	if s, _ := p.read(); s.Runs[0].Status == "done" {
		t.Fatal("the run finished before the reload: make it longer")
	}
	s = p.waitFor("the run to be interrupted", 10*time.Second, func(s pageState) bool { return len(s.Runs) == 1 && s.Runs[0].Status == "interrupted" })
	if legend := p.text("#legend"); !strings.Contains(legend, "interrupted") || !strings.Contains(legend, "Resume") {
		t.Errorf("the list of runs says %q, want interrupted with Resume", legend)
	}
	p.shot("persist-interrupted-1280")
	p.click("#legend button[data-resume]")
	p.waitFor("the resumed run to finish", 120*time.Second, func(s pageState) bool { return len(s.Runs) == 1 && s.Runs[0].Status == "done" })
	resumed := p.savedRuns()[0]

	p.click("#btn-start")
	p.waitFor("the uninterrupted run to finish", 120*time.Second, func(s pageState) bool { return len(s.Runs) == 2 && s.Runs[1].Status == "done" })
	whole := p.savedRuns()[1]
	if len(resumed.Epochs) != 13 || printed(resumed.Epochs) != printed(whole.Epochs) || resumed.StepsDone != whole.StepsDone {
		t.Errorf("resumed run (%d steps):\n%suninterrupted run (%d steps):\n%s", resumed.StepsDone, printed(resumed.Epochs), whole.StepsDone, printed(whole.Epochs))
	}
}

// TestStorageFailuresAreShown gives the site a storage quota too small
// for a checkpoint: the page says that it could not save, and trains on.
func TestStorageFailuresAreShown(t *testing.T) {
	p := newPerson(t, "?demo=custom&net=mlp&dense_hiddens=32&epochs=1&train_limit=600&eval_train_size=200", 1280, 900)
	p.waitReady()
	quota := 2000.0
	if _, err := chromedp.Call(p.ctx, storage.OverrideQuotaForOrigin, storage.OverrideQuotaForOriginParams{Origin: strings.TrimSuffix(shared.srv.URL, "/"), QuotaSize: &quota}); err != nil {
		t.Fatal(err)
	}
	p.expect("QuotaExceededError")
	p.click("#btn-start")
	s := p.waitFor("a message about storage", 60*time.Second, func(s pageState) bool {
		for _, m := range s.Messages {
			if strings.HasPrefix(m.Key, "storage-") && m.Kind == "error" {
				return true
			}
		}
		return false
	})
	if msg := p.text("#messages"); !strings.Contains(msg, "could not be saved") || !strings.Contains(msg, "full") {
		t.Errorf("the message %q does not say that the storage is full", msg)
	}
	p.waitFor("the run to finish anyway", 60*time.Second, func(s pageState) bool { return len(s.Runs) == 1 && s.Runs[0].Status == "done" })
	p.shot("persist-quota-1280")
	_ = s
}

// TestWeightsFromTheAddress opens the page with weights=<a natively
// written file> and compares its predictions with the native ones; a
// missing file and a damaged one get messages naming what failed.
func TestWeightsFromTheAddress(t *testing.T) {
	requireBrowser(t)
	raw := nativeData(t)
	dir := filepath.Join(shared.dir, "site", "test-weights")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "native.safetensors")
	nativeFile(t, raw, path)
	file, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "cut.safetensors"), file[:len(file)/3], 0o644); err != nil {
		t.Fatal(err)
	}

	t.Run("a native file loads and predicts as natively", func(t *testing.T) {
		p := newPerson(t, "?demo=custom&weights=test-weights/native.safetensors", 1280, 900)
		ready := p.waitReady()
		s := p.waitFor("the file's predictions", 60*time.Second, func(s pageState) bool {
			return s.NetworkRun != nil && s.Predictions != nil && s.Predictions.Run != nil && *s.Predictions.Run == *s.NetworkRun
		})
		page := p.predictions()
		native, acc := nativetest.Evaluate(t, raw, file, ready.Ready.Val)
		if page.N == 0 || !slices.Equal(native[:page.N], page.Preds) || acc != page.Accuracy {
			t.Errorf("the page predicts %v (accuracy %v), natively %v (%v)", page.Preds, page.Accuracy, native[:min(page.N, len(native))], acc)
		}
		if len(s.Runs) != 1 || !strings.Contains(s.Runs[0].Label, "native.safetensors") {
			t.Errorf("runs %+v, want the loaded file", s.Runs)
		}
		if loc := look[string](p, `location.search`); !strings.Contains(loc, "weights=test-weights") {
			t.Errorf("the address %q lost the weights parameter", loc)
		}
	})

	tests := []struct {
		name, address, expect string
		want                  []string
	}{
		{"a missing file", "?weights=test-weights/missing.safetensors", "404", []string{"weights=", "missing.safetensors", "HTTP 404"}},
		{"a damaged file", "?weights=test-weights/cut.safetensors", "", []string{"cut.safetensors could not be loaded", "truncated"}},
		{"not an http address", "?weights=javascript:alert(1)", "", []string{"weights", "http or https", "javascript:alert(1)"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := newPerson(t, tt.address, 1280, 900)
			if tt.expect != "" {
				p.expect(tt.expect)
			}
			p.waitReady()
			s := p.waitFor("a message", 30*time.Second, func(s pageState) bool {
				for _, m := range s.Messages {
					if m.Kind == "error" && strings.Contains(m.Text, tt.want[0]) {
						return true
					}
				}
				return false
			})
			msg := p.text("#messages")
			for _, w := range tt.want {
				if !strings.Contains(msg, w) {
					t.Errorf("the messages %q do not say %q", msg, w)
				}
			}
			if s.NetworkRun != nil || len(s.Errors) > 0 {
				t.Errorf("network %v, page errors %v after a bad weights address", s.NetworkRun, s.Errors)
			}
		})
	}
}
