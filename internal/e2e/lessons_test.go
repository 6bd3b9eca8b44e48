//go:build !js

package e2e

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestTheLabsTrainedLayerRefreshesWhenTheRunEnds chooses the trained first
// layer in the equivariance lab before any run, as a student following
// q1's text does, presses Start and touches nothing else: when the run
// ends, the lab shows the trained layer's numbers on its own, and its hint
// speaks of channels, not seeds.
func TestTheLabsTrainedLayerRefreshesWhenTheRunEnds(t *testing.T) {
	p := newPersonFor(t, "?demo=custom&net=cnn&n_channels=4,8&kernel_sizes=3,3&strides=1,1&paddings=0,0&dense_hiddens=32&epochs=1&train_limit=300&eval_train_size=100&view=lab", 1280, 900, 4*time.Minute)
	p.waitReady()
	p.click("#tab-lab")
	if err := chromedp.Do(p.ctx, chromedp.Focus(chromedp.CSS("#lab-source"))); err != nil {
		t.Fatal(err)
	}
	p.press("t") // the select's "trained" option, by its first letter
	time.Sleep(300 * time.Millisecond)
	if st := p.text("#lab-stats"); !strings.Contains(st, "press Start") {
		t.Errorf("the trained layer before any run: the lab says %q", st)
	}
	if hint := p.text("#lab-seed-hint"); !strings.Contains(hint, "Channel") || strings.Contains(hint, "random kernel") {
		t.Errorf("with f the trained layer the hint says %q", hint)
	}
	p.click("#btn-start")
	p.waitFor("the run to finish", 90*time.Second, func(s pageState) bool { return len(s.Runs) == 1 && s.Runs[0].Status == "done" })
	s := p.waitFor("the lab to show the trained layer", 30*time.Second, func(s pageState) bool {
		return s.Equivariance != nil && s.Equivariance.Source == "trained"
	})
	if st := p.text("#lab-stats"); !strings.Contains(st, "Interior max |difference|") {
		t.Errorf("after the run the lab says %q", st)
	}
	if hint := p.text("#lab-seed-hint"); !strings.Contains(hint, "0 to 3") {
		t.Errorf("the hint of the trained 4-channel layer: %q", hint)
	}
	if len(s.Errors) > 0 {
		t.Errorf("page errors: %v", s.Errors)
	}
	p.shot("lab-trained-after-run-1280")
}

// TestARunInterruptedWithinAnEpochResumesFromThatStep reloads the page
// while a run is in its first epoch, after its first checkpoint within
// that epoch was kept (the worker sends one every 10 s of training), and
// presses the run's Resume button: it continues from that step, not from
// step 0.
func TestARunInterruptedWithinAnEpochResumesFromThatStep(t *testing.T) {
	// One epoch slow enough (wide 5×5 convolutions on one worker) to take
	// well over 10 s.
	p := newPersonFor(t, "?demo=custom&net=cnn&n_channels=64,64&kernel_sizes=5,5&strides=1,1&paddings=2,2&dense_hiddens=32&epochs=1&train_limit=1000&eval_train_size=100&batch_size=32&workers=1", 1280, 900, 6*time.Minute)
	p.waitReady()
	p.click("#btn-start")
	s := p.waitFor("the run to train", 60*time.Second, func(s pageState) bool { return len(s.Runs) == 1 && s.Runs[0].Status == "running" })
	id := strconv.Itoa(s.Runs[0].ID)
	type at struct{ Epoch, Step int }
	var saved at
	for deadline := time.Now().Add(3 * time.Minute); ; time.Sleep(200 * time.Millisecond) {
		saved = look[at](p, `window.fashionlab.state().saved[`+id+`] || {epoch: -1, step: 0}`)
		if saved.Epoch == 0 && saved.Step > 0 {
			break
		}
		if saved.Epoch > 0 || time.Now().After(deadline) {
			t.Fatalf("no checkpoint within epoch 1 was kept (the latest: %+v)", saved)
		}
	}
	time.Sleep(500 * time.Millisecond) // the run's record is written within 300 ms
	p.reload()
	s = p.waitFor("the run, interrupted", 30*time.Second, func(s pageState) bool { return len(s.Runs) == 1 && s.Runs[0].Status == "interrupted" })
	p.click("button[data-resume]")
	// The first look after the restore: a restart from step 0 shows fewer
	// steps than the checkpoint had (a step takes about a second here).
	s = p.waitFor("the run to go on", 60*time.Second, func(s pageState) bool {
		return s.Runs[0].Status == "running" || s.Runs[0].Status == "done"
	})
	if got := s.Runs[0].StepsDone; got < saved.Step {
		t.Errorf("resumed at step %d, want the checkpoint's step %d (a restart from step 0 loses them)", got, saved.Step)
	}
	t.Logf("checkpoint kept at epoch %d step %d; resumed at step %d", saved.Epoch+1, saved.Step, s.Runs[0].StepsDone)
	p.waitFor("the run to finish", 4*time.Minute, func(s pageState) bool { return s.Runs[0].Status == "done" && s.Runs[0].Reason == "finished" })
}
