//go:build !js

package e2e

import (
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// shortRun sets the custom form to a run of epochs epochs on images images.
func (p *person) shortRun(epochs, images int) {
	p.t.Helper()
	p.typeInto("#f-epochs", strconv.Itoa(epochs))
	p.typeInto("#f-train_limit", strconv.Itoa(images))
	p.typeInto("#f-eval_train_size", "200")
	p.waitFor("the form to be checked", 10*time.Second, func(s pageState) bool { return !s.Form.Pending && len(s.Form.Problems) == 0 })
}

// epochOverrun matches a status that counts more epochs than the run has.
var epochOverrun = regexp.MustCompile(`epoch (\d+) of (\d+)`)

// checkStatus fails when the status line says "epoch N of M" with N > M.
func (p *person) checkStatus() {
	p.t.Helper()
	st := p.text("#status")
	if m := epochOverrun.FindStringSubmatch(st); m != nil {
		n, _ := strconv.Atoi(m[1])
		total, _ := strconv.Atoi(m[2])
		if n > total {
			p.t.Errorf("status %q counts past the last epoch", st)
		}
	}
}

func lastRun(s pageState) runState { return s.Runs[len(s.Runs)-1] }

// TestStartIsEnabledOnceTheDataIsReady covers "a stranger cannot press
// Start": Start says why it waits while loading, then trains on a click.
func TestStartIsEnabledOnceTheDataIsReady(t *testing.T) {
	for _, address := range []string{"?demo=q2&embed=1"} {
		t.Run("address "+address, func(t *testing.T) {
			p := newPerson(t, address, 1280, 900)
			s, _ := p.read()
			if s.Worker == "loading" {
				if p.enabled("#btn-start") {
					t.Error("Start is enabled before the data is loaded")
				}
				if why := p.text("#why"); why != "" {
					t.Errorf("before anyone tried a control, the page shows the reason %q", why)
				}
				// Tried, Start says why it waits, and starts nothing.
				p.click("#btn-start")
				if s, _ := p.read(); s.Worker == "loading" {
					if why := p.text("#why"); !strings.Contains(why, "loading") {
						t.Errorf("Start pressed while loading: the reason shown is %q; want one saying it is loading", why)
					}
				}
				if s, _ := p.read(); len(s.Runs) != 0 {
					t.Errorf("Start pressed while loading queued %d runs", len(s.Runs))
				}
			}
			p.waitReady()
			if !p.enabled("#btn-start") {
				t.Fatalf("Start is disabled once ready: %q", p.text("#why"))
			}
			if st := p.text("#status"); !strings.Contains(st, "Press Start") {
				t.Errorf("status when ready = %q, want it to invite pressing Start", st)
			}
		})
	}
}

// TestRunQueue covers the run-queue row: a second Start asks in the page
// and queues or replaces, every queued run runs or is visibly cancelled,
// Stop ends the queue, Stop works while paused, and the status never counts
// past the last epoch.
func TestRunQueue(t *testing.T) {
	p := newPersonFor(t, "?demo=custom", 1280, 900, 6*time.Minute)
	p.waitReady()
	// Long enough to be still training when Start is pressed again: the
	// worker's warm-up makes a first step quick, and a run of a few steps
	// could end before the second press.
	p.shortRun(4, 3000)

	t.Run("a second Start asks, and Queue runs both", func(t *testing.T) {
		p.click("#btn-start")
		p.waitFor("the first run to train", 30*time.Second, func(s pageState) bool { return len(s.Runs) == 1 && s.Runs[0].StepsDone > 0 })
		p.click("#btn-start")
		if !look[bool](p, `document.getElementById('confirm').open`) {
			t.Fatal("a second Start while a run trains did not ask in the page")
		}
		p.shot("queue-confirm-1280")
		p.click("#confirm-queue")
		s, _ := p.read()
		if len(s.Runs) == 2 && s.Runs[1].Status == "queued" {
			// The list is redrawn at the next frame.
			lg := ""
			for deadline := time.Now().Add(2 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
				if lg = p.text("#legend"); strings.Contains(lg, "queued (1 of 1)") {
					break
				}
			}
			if s, _ := p.read(); !strings.Contains(lg, "queued (1 of 1)") && len(s.Runs) == 2 && s.Runs[1].Status == "queued" {
				t.Errorf("legend %q does not show the queued run", lg)
			}
		}
		for deadline := time.Now().Add(60 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
			p.checkStatus()
			if s, _ = p.read(); len(s.Runs) == 2 && s.Runs[1].Status == "done" {
				break
			}
		}
		for _, r := range s.Runs {
			if r.Status != "done" || r.Reason != "finished" {
				t.Errorf("run %q ended %s (%s), want done (finished)", r.Label, r.Status, r.Reason)
			}
		}
		p.checkStatus()
		s = p.waitFor("the predictions of the second run", 20*time.Second, func(s pageState) bool {
			return s.Predictions != nil && s.Predictions.Run != nil && *s.Predictions.Run == 2
		})
		if note := p.text("#predict-note"); !strings.Contains(note, s.Runs[1].Label) {
			t.Errorf("predictions note %q does not name the run it shows (%q)", note, s.Runs[1].Label)
		}
	})

	t.Run("Stop ends the current run and the queue, and says so", func(t *testing.T) {
		p.shortRun(40, 3000)
		p.click("#btn-start")
		p.waitFor("the long run to train", 30*time.Second, func(s pageState) bool { return lastRun(s).StepsDone > 0 })
		for range 2 {
			p.click("#btn-start")
			p.click("#confirm-queue")
		}
		s, _ := p.read()
		if len(s.Queued) != 2 {
			t.Fatalf("queued %v after queueing twice, want 2 runs", s.Queued)
		}
		p.click("#btn-stop")
		s = p.waitFor("the stop", 20*time.Second, func(s pageState) bool { return s.Current == nil && s.Worker == "idle" })
		if len(s.Queued) != 0 {
			t.Errorf("runs %v still queued after Stop", s.Queued)
		}
		n := len(s.Runs)
		if r := s.Runs[n-3]; r.Reason != "stopped" {
			t.Errorf("the running run ended %q, want stopped", r.Reason)
		}
		for _, r := range s.Runs[n-2:] {
			if r.Status != "cancelled" {
				t.Errorf("queued run %d is %q after Stop, want cancelled", r.ID, r.Status)
			}
		}
		if msg := p.text("#messages"); !strings.Contains(msg, "2 queued runs were cancelled") {
			t.Errorf("messages %q do not say what happened to the queue", msg)
		}
		// The status speaks of the run that was stopped, not of the last
		// queued one cancelled with it.
		if st := p.text("#status"); !strings.Contains(st, "stopped after") || strings.Contains(st, "not started") {
			t.Errorf("status after Stop = %q; want the stopped run", st)
		}
		if lg := p.text("#legend"); strings.Contains(lg, "queued (") {
			t.Errorf("legend still shows queued runs: %q", lg)
		}
	})

	t.Run("Pause, Resume, and Stop while paused", func(t *testing.T) {
		p.click("#btn-start")
		p.waitFor("training", 30*time.Second, func(s pageState) bool { return s.Worker == "running" && lastRun(s).StepsDone > 2 })
		p.click("#btn-pause")
		s := p.waitFor("the pause", 10*time.Second, func(s pageState) bool { return s.Worker == "paused" })
		if !p.enabled("#btn-resume") || p.enabled("#btn-pause") || !p.enabled("#btn-stop") {
			t.Errorf("paused: Resume %v, Pause %v, Stop %v; want Resume and Stop enabled, Pause not", p.enabled("#btn-resume"), p.enabled("#btn-pause"), p.enabled("#btn-stop"))
		}
		if st := p.text("#status"); !strings.HasPrefix(st, "Paused") {
			t.Errorf("status while paused = %q", st)
		}
		paused := lastRun(s).StepsDone
		time.Sleep(600 * time.Millisecond)
		if s, _ = p.read(); lastRun(s).StepsDone != paused {
			t.Errorf("steps went from %d to %d while paused", paused, lastRun(s).StepsDone)
		}
		p.click("#btn-resume")
		p.waitFor("training to resume", 15*time.Second, func(s pageState) bool { return lastRun(s).StepsDone > paused })
		// On the keyboard: Space on Pause, Enter on Resume; the focus stays
		// on a visible control each time (the one that acts next).
		p.tabTo("#btn-pause")
		p.press(" ")
		p.waitFor("the pause by Space", 10*time.Second, func(s pageState) bool { return s.Worker == "paused" })
		if f := p.focused(); f != "btn-resume" {
			t.Errorf("after Space on Pause the focus is on %q, want the Resume button", f)
		}
		p.press(kb.Enter)
		p.waitFor("training to resume by Enter", 15*time.Second, func(s pageState) bool { return s.Worker == "running" })
		if f := p.focused(); f != "btn-pause" {
			t.Errorf("after Enter on Resume the focus is on %q, want the Pause button", f)
		}
		p.shot("focus-after-resume-1280")
		p.press(" ")
		p.waitFor("the second pause", 10*time.Second, func(s pageState) bool { return s.Worker == "paused" })
		p.click("#btn-stop")
		s = p.waitFor("Stop to end the paused run", 15*time.Second, func(s pageState) bool { return s.Current == nil && s.Worker == "idle" })
		if r := lastRun(s); r.Status != "done" || r.Reason != "stopped" {
			t.Errorf("paused run after Stop: %s (%s), want done (stopped)", r.Status, r.Reason)
		}
		steps := lastRun(s).StepsDone
		time.Sleep(600 * time.Millisecond)
		if s, _ = p.read(); lastRun(s).StepsDone != steps {
			t.Errorf("training went on after Stop: %d steps, then %d", steps, lastRun(s).StepsDone)
		}
	})

	t.Run("Start while paused can replace the run; Escape cancels the question", func(t *testing.T) {
		p.click("#btn-start")
		p.waitFor("training", 30*time.Second, func(s pageState) bool { return s.Worker == "running" && lastRun(s).StepsDone > 0 })
		p.click("#btn-pause")
		p.waitFor("the pause", 10*time.Second, func(s pageState) bool { return s.Worker == "paused" })
		before, _ := p.read()
		p.click("#btn-start")
		p.press(kb.Escape)
		if look[bool](p, `document.getElementById('confirm').open`) {
			t.Fatal("Escape did not close the question")
		}
		if s, _ := p.read(); len(s.Runs) != len(before.Runs) {
			t.Errorf("Escape on the question added runs: %d, then %d", len(before.Runs), len(s.Runs))
		}
		if got := look[string](p, `document.activeElement.id`); got != "btn-start" {
			t.Errorf("after the question the focus is on %q, want btn-start", got)
		}
		p.click("#btn-start")
		p.click("#confirm-replace")
		s := p.waitFor("the new run to train", 30*time.Second, func(s pageState) bool {
			return len(s.Runs) == len(before.Runs)+1 && lastRun(s).StepsDone > 0
		})
		if r := s.Runs[len(s.Runs)-2]; r.Reason != "stopped" {
			t.Errorf("the replaced run ended %q, want stopped", r.Reason)
		}
	})

	t.Run("Remove runs asks, removes the demo's runs, and they stay removed after a reload", func(t *testing.T) {
		p.click("#btn-remove")
		if !look[bool](p, `document.getElementById('confirm-remove').open`) {
			t.Fatal("Remove runs did not ask first")
		}
		p.shot("remove-confirm-1280")
		p.click("#remove-no")
		if s, _ := p.read(); len(s.Runs) == 0 {
			t.Fatal("Cancel removed the runs")
		}
		p.click("#btn-remove")
		p.click("#remove-yes")
		s := p.waitFor("the removal", 15*time.Second, func(s pageState) bool { return len(s.Runs) == 0 && s.Worker == "idle" })
		time.Sleep(500 * time.Millisecond) // any late answer of the worker
		s, _ = p.read()
		for _, m := range s.Messages {
			if m.Kind == "error" {
				t.Errorf("error message after Remove runs: %q", m.Text)
			}
		}
		if s.Predictions != nil || s.NetworkRun != nil {
			t.Errorf("after Remove runs: predictions %v, network run %v; want none", s.Predictions, s.NetworkRun)
		}
		if lg := p.text("#legend"); lg != "" {
			t.Errorf("legend after Remove runs: %q", lg)
		}
		if note := p.text("#predict-note"); strings.Contains(note, "accuracy") {
			t.Errorf("predictions note after Remove runs: %q", note)
		}
		if p.enabled("#btn-predict") || p.enabled("#btn-maps") || !p.enabled("#btn-start") || p.enabled("#btn-remove") {
			t.Error("after Remove runs: Refresh predictions, Show feature maps and Remove runs must wait for a run, Start must be enabled")
		}
		p.shot("removed-1280")
		p.reload()
		time.Sleep(2 * time.Second) // restoring is done before ready; give a late restore the chance to show
		if s, _ := p.read(); len(s.Runs) != 0 || s.NetworkRun != nil {
			t.Errorf("after Remove runs and a reload the page shows %d runs, network %v", len(s.Runs), s.NetworkRun)
		}
	})
}

// TestBadInputIsMarkedInPlainWords covers the large-input and messages
// rows for the form: refused fields are marked with the allowed range,
// Start says why it waits, and nothing reaches the worker.
func TestBadInputIsMarkedInPlainWords(t *testing.T) {
	p := newPerson(t, "?demo=custom", 1280, 900)
	p.waitReady()

	p.typeInto("#f-lr", "fast")
	p.waitFor("the check", 10*time.Second, func(s pageState) bool { return !s.Form.Pending && len(s.Form.Problems) > 0 })
	if look[string](p, `document.getElementById('f-lr').getAttribute('aria-invalid')`) != "true" {
		t.Error("learning rate \"fast\" is not marked invalid")
	}
	if e := p.text("#f-lr-error"); !strings.Contains(e, "Learning rate must be a number") {
		t.Errorf("text next to the learning rate = %q", e)
	}
	if p.enabled("#btn-start") {
		t.Error("Start is enabled with a refused field")
	}
	p.click("#btn-start") // tried, it says why
	if why := p.text("#why"); !strings.Contains(why, "marked fields") {
		t.Errorf("Start pressed with a refused field: the reason shown is %q", why)
	}
	if s, _ := p.read(); len(s.Runs) != 0 {
		t.Errorf("Start with a refused field queued %d runs", len(s.Runs))
	}
	p.typeInto("#f-lr", "1e-3")
	p.waitFor("the fix", 10*time.Second, func(s pageState) bool { return !s.Form.Pending && len(s.Form.Problems) == 0 })
	if !p.enabled("#btn-start") {
		t.Error("Start stays disabled after the field was fixed")
	}

	// Each refused value is marked on its own field, with the worker's
	// words (its limits, or the list syntax) next to it.
	cases := []struct{ field, value, want string }{
		{"#f-epochs", "1000000", "Epochs must be a whole number from 1 to 200."},
		{"#f-dense_hiddens", "100000", "Dense hidden sizes: each value must be a whole number from 1 to 4,096; layer 1 is 100,000."},
		{"#f-dense_hiddens", "64*0", `Dense hidden sizes: the count after * in "64*0" must be a whole number from 1 to 10,000.`},
		{"#f-max_steps", "-5", "Step limit must be a whole number from 0 to 10,000,000."},
	}
	for _, c := range cases {
		before := p.value(c.field)
		p.typeInto(c.field, c.value)
		s := p.waitFor("the check of "+c.field, 10*time.Second, func(s pageState) bool { return !s.Form.Pending && len(s.Form.Problems) > 0 })
		var all []string
		for _, pr := range s.Form.Problems {
			all = append(all, pr.Message)
		}
		if marked := look[string](p, `document.querySelector('`+c.field+`').getAttribute('aria-invalid')`); marked != "true" {
			t.Errorf("%s = %s: not marked invalid (problems %q)", c.field, c.value, all)
		}
		if got := p.text(c.field + "-error"); got != c.want {
			t.Errorf("%s = %s: the text next to it is %q, want %q", c.field, c.value, got, c.want)
		}
		if p.enabled("#btn-start") {
			t.Errorf("%s = %s: Start is enabled", c.field, c.value)
		}
		p.typeInto(c.field, before)
		p.waitFor("the fix of "+c.field, 10*time.Second, func(s pageState) bool { return !s.Form.Pending && len(s.Form.Problems) == 0 })
	}
	p.typeInto("#f-epochs", "1000000")
	p.waitFor("the check", 10*time.Second, func(s pageState) bool { return !s.Form.Pending && len(s.Form.Problems) > 0 })
	p.shot("bad-input-1280")

	// A CNN too big for the worker's memory is refused before it starts.
	p.typeInto("#f-epochs", "3")
	p.typeInto("#f-dense_hiddens", "256")
	if err := chromedp.Do(p.ctx, chromedp.Focus(chromedp.CSS("#f-net"))); err != nil {
		t.Fatal(err)
	}
	p.press("c")
	p.typeInto("#f-n_channels", "512,512,512")
	p.typeInto("#f-batch_size", "4096")
	s := p.waitFor("the memory check", 10*time.Second, func(s pageState) bool { return !s.Form.Pending && len(s.Form.Problems) > 0 })
	all := p.text("#config")
	if !strings.Contains(all, "GB") {
		t.Errorf("a 512-channel CNN at batch 4096 passes without a memory message; problems %v", s.Form.Problems)
	}
	if p.enabled("#btn-start") {
		t.Error("Start is enabled for a network over the memory budget")
	}
	p.shot("bad-input-memory-1280")
}

// TestWorkerCrashIsSaidAndRecovered covers "the worker panics": a worker
// that dies is reported in plain words, replaced, and the runs already on
// the page keep their curves. It also proves that the test sees a
// worker's console errors.
func TestWorkerCrashIsSaidAndRecovered(t *testing.T) {
	// One worker: its helper workers would be more worker targets.
	p := newPerson(t, "?demo=custom&workers=1", 1280, 900)
	p.waitReady()
	p.shortRun(1, 600)
	p.click("#btn-start")
	p.waitFor("the first run to finish", 40*time.Second, func(s pageState) bool { return len(s.Runs) == 1 && s.Runs[0].Status == "done" })
	p.shortRun(40, 3000)
	p.click("#btn-start")
	p.waitFor("the second run to train", 30*time.Second, func(s pageState) bool { return len(s.Runs) == 2 && s.Runs[1].StepsDone > 0 })

	// The fault comes from inside the worker, as a crash of the Go
	// program would: an uncaught error in the worker's global scope.
	var ids = p.workerIDs()
	for deadline := time.Now().Add(10 * time.Second); len(ids) == 0 && time.Now().Before(deadline); ids = p.workerIDs() {
		time.Sleep(100 * time.Millisecond)
	}
	if len(ids) != 1 {
		t.Fatalf("found %d worker targets, want 1", len(ids))
	}
	wctx, cancel := chromedp.NewContext(p.ctx, chromedp.WithTargetID(ids[0]))
	defer cancel()
	p.expect("deliberate worker console error")
	p.expect("deliberate worker crash")
	if err := chromedp.Do(wctx, chromedp.Evaluate[chromedp.Void](`console.error('deliberate worker console error')`)); err != nil {
		t.Fatal(err)
	}
	time.Sleep(300 * time.Millisecond)
	if got := strings.Join(p.unexpectedWith("deliberate worker console error"), "\n"); got == "" {
		t.Error("a console error inside the worker was not collected: worker errors would go unseen")
	}
	if err := chromedp.Do(wctx, chromedp.Evaluate[chromedp.Void](`setTimeout(() => { throw new Error('deliberate worker crash'); }, 0)`)); err != nil {
		t.Fatal(err)
	}
	s := p.waitFor("the page to notice and restart the worker", 30*time.Second, func(s pageState) bool { return s.Restarts == 1 && s.Worker == "idle" })
	if msg := p.text("#messages"); !strings.Contains(msg, "stopped unexpectedly") || !strings.Contains(msg, "curves already on the page stay") {
		t.Errorf("message after the crash: %q", msg)
	}
	if len(s.Runs) != 2 || s.Runs[0].Status != "done" || len(s.Runs[0].Epochs) != 2 || s.Runs[1].Status != "interrupted" {
		t.Errorf("runs after the crash: %v; want the finished run with its 2 epochs and the interrupted one", s.Runs)
	}
	p.shot("worker-restarted-1280")
	p.shortRun(1, 600)
	p.click("#btn-start")
	p.waitFor("a run on the new worker", 40*time.Second, func(s pageState) bool { return len(s.Runs) == 3 && s.Runs[2].Status == "done" })
}

// unexpectedWith returns the collected problems that contain text.
func (p *person) unexpectedWith(text string) []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	var out []string
	for _, pr := range p.problems {
		if strings.Contains(pr, text) {
			out = append(out, pr)
		}
	}
	return out
}

// TestMessagesStayInViewAndGoAway covers the messages row: no pile-up, in
// view, dismissible.
func TestMessagesStayInViewAndGoAway(t *testing.T) {
	p := newPerson(t, "?demo=q9&embed=2&autostart=x&foo=1&bar=2", 1280, 900)
	s := p.waitReady()
	if s.Demo != "q1" {
		t.Errorf("demo %q after a bad demo in the address, want q1", s.Demo)
	}
	n := look[int](p, `document.querySelectorAll('#messages .msg').length`)
	if n == 0 || n > 3 {
		t.Errorf("%d messages shown, want 1 to 3", n)
	}
	if !strings.Contains(p.text("#messages"), "Unknown address parameter") {
		t.Errorf("messages %q", p.text("#messages"))
	}
	if err := chromedp.Do(p.ctx, chromedp.Evaluate[chromedp.Void](`window.scrollTo(0, 2000)`)); err != nil {
		t.Fatal(err)
	}
	if top := look[float64](p, `document.querySelector('#messages .msg').getBoundingClientRect().top`); top < 0 || top > 200 {
		t.Errorf("after scrolling, the first message is at %v px from the top of the window, want in view", top)
	}
	for i := 0; i < n; i++ {
		p.click("#messages .msg .dismiss")
	}
	if left := look[int](p, `document.querySelectorAll('#messages .msg').length`); left != 0 {
		t.Errorf("%d messages left after dismissing each", left)
	}
}

// TestAutostartOnlyOnFirstLoad covers "a reload with autostart=1 restarts
// silently": the page says it started by itself and a reload does not.
func TestAutostartOnlyOnFirstLoad(t *testing.T) {
	p := newPerson(t, "?demo=custom&autostart=1", 1280, 900)
	p.waitFor("the automatic start", 60*time.Second, func(s pageState) bool { return len(s.Runs) == 1 })
	if msg := p.text("#messages"); !strings.Contains(msg, "started automatically") || !strings.Contains(msg, "Stop") {
		t.Errorf("autostart message %q, want it to say so and offer Stop", msg)
	}
	if u := look[string](p, `location.search`); strings.Contains(u, "autostart") {
		t.Errorf("address after autostart %q still asks for it", u)
	}
	p.click("#btn-stop")
	if err := chromedp.Do(p.ctx, chromedp.Reload()); err != nil {
		t.Fatal(err)
	}
	p.waitReady()
	time.Sleep(time.Second)
	// The stopped run comes back from the browser's storage, not started.
	if s, _ := p.read(); s.Current != nil || len(s.Runs) > 1 || (len(s.Runs) == 1 && s.Runs[0].Status == "running") {
		t.Errorf("the reload started a run: current %v, runs %v", s.Current, s.Runs)
	}
}

// TestKeyboardAndScreenReaders covers the keyboard row: every control is
// reached by Tab in reading order with a visible focus, the canvas iframe
// is passed in both directions, Enter and Space act, and the live region
// names the chosen demo and the run's progress.
func TestKeyboardAndScreenReaders(t *testing.T) {
	p := newPerson(t, "?demo=q1", 1280, 900)
	p.waitReady()
	p.waitFor("the canvas", 60*time.Second, func(s pageState) bool { return s.CanvasReady })

	var order []string
	focusVisible := true
	for range 60 {
		p.press(kb.Tab)
		id := look[string](p, `(() => { const a = document.activeElement; return a.id || a.dataset.demo || a.tagName; })()`)
		if id == "btn-start" || id == "lab-dx" {
			focusVisible = focusVisible && look[bool](p, `getComputedStyle(document.activeElement).outlineStyle !== 'none'`)
		}
		order = append(order, id)
		if id == "lab-seed" {
			break
		}
	}
	joined := " " + strings.Join(order, " ") + " "
	for _, want := range []string{"q1", "custom", "btn-start", "f-net", "tab-lab", "lab-dx", "lab-source", "lab-seed"} {
		if !strings.Contains(joined, " "+want+" ") {
			t.Errorf("Tab never reached %s; order:%s", want, joined)
		}
	}
	if !focusVisible {
		t.Error("a focused control has no visible outline")
	}
	if strings.Index(joined, "btn-start") > strings.Index(joined, "lab-dx") {
		t.Errorf("Start comes after the lab in the Tab order:%s", joined)
	}
	// Past the canvas iframe and back: Tab from the last lab control
	// leaves it, Shift+Tab comes back.
	p.press(kb.Tab)
	if id := look[string](p, `document.activeElement.id`); id == "canvas-frame" || id == "lab-seed" {
		t.Errorf("Tab after the lab's last control stays at %q", id)
	}
	p.press(kb.Tab, chromedp.ModifierShift)
	if id := look[string](p, `document.activeElement.id`); id != "lab-seed" {
		t.Errorf("Shift+Tab back over the canvas lands on %q, want lab-seed", id)
	}

	// Choose q4 with the keyboard: the live region names it.
	p.click("[data-demo='q3']")
	if err := chromedp.Do(p.ctx, chromedp.Focus(chromedp.CSS("[data-demo='q4']"))); err != nil {
		t.Fatal(err)
	}
	p.press(kb.Enter)
	p.waitFor("q4", 5*time.Second, func(s pageState) bool { return s.Demo == "q4" })
	time.Sleep(300 * time.Millisecond)
	if a := p.text("#announce"); !strings.Contains(a, "q4") {
		t.Errorf("live region after choosing q4 = %q", a)
	}
	// Custom with one short epoch; Enter on Start, Space on Pause.
	p.click("[data-demo='custom']")
	p.shortRun(5, 1000)
	if err := chromedp.Do(p.ctx, chromedp.Focus(chromedp.CSS("#btn-start"))); err != nil {
		t.Fatal(err)
	}
	p.press(kb.Enter)
	p.waitFor("the run", 30*time.Second, func(s pageState) bool { return len(s.Runs) == 1 && s.Runs[0].StepsDone > 0 })
	time.Sleep(300 * time.Millisecond)
	if a := p.text("#announce"); !strings.Contains(a, "Starting") && !strings.Contains(a, "running") {
		t.Errorf("live region after Start = %q", a)
	}
	if err := chromedp.Do(p.ctx, chromedp.Focus(chromedp.CSS("#btn-pause"))); err != nil {
		t.Fatal(err)
	}
	p.press(" ")
	p.waitFor("the pause", 10*time.Second, func(s pageState) bool { return s.Worker == "paused" })
	p.click("#btn-resume")
	p.waitFor("the run to end", 60*time.Second, func(s pageState) bool { return s.Runs[0].Status == "done" })
	for _, id := range []string{"chart-acc", "chart-loss"} {
		if label := look[string](p, `document.getElementById('`+id+`').getAttribute('aria-label')`); !strings.Contains(label, "MLP") || strings.Contains(label, "no data") {
			t.Errorf("%s's text alternative after a run = %q", id, label)
		}
	}
	if rows := look[int](p, `document.querySelectorAll('#chart-table tbody tr').length`); rows != 1 {
		t.Errorf("the table of latest values has %d rows, want 1", rows)
	}
	// With a trained network, Refresh predictions follows the feature
	// maps' controls in the Tab order, across the canvas iframe.
	if err := chromedp.Do(p.ctx, chromedp.Focus(chromedp.CSS("#btn-maps"))); err != nil {
		t.Fatal(err)
	}
	p.press(kb.Tab)
	if id := look[string](p, `document.activeElement.id`); id != "btn-predict" {
		t.Errorf("Tab from Show feature maps lands on %q, want btn-predict", id)
	}
	p.press(kb.Enter)
	p.waitFor("fresh predictions", 20*time.Second, func(s pageState) bool { return s.Predictions != nil })
	p.press(kb.Tab, chromedp.ModifierShift)
	if id := look[string](p, `document.activeElement.id`); id != "btn-maps" {
		t.Errorf("Shift+Tab from Refresh predictions lands on %q, want btn-maps", id)
	}
	if title := look[string](p, `document.getElementById('canvas-frame').title`); title == "" {
		t.Error("the canvas iframe has no title")
	}
}

// TestNarrowScreensAndEmbeds covers the narrow-screens row: no sideways
// scrolling at 390 px, and in an embed what matters comes first.
func TestNarrowScreensAndEmbeds(t *testing.T) {
	p := newPerson(t, "", 390, 844)
	p.waitReady()
	p.shot("narrow-390-ready")
	for _, address := range []string{"?demo=q1&embed=1", "?demo=q5&embed=1", "?demo=custom&embed=1", "?demo=q4&embed=1"} {
		p.open(address)
		p.waitLaidOut()
		if w := look[int](p, `document.documentElement.scrollWidth`); w > 390 {
			t.Errorf("%q at 390 px: the page is %d px wide (sideways scrolling)", address, w)
		}
		name := strings.NewReplacer("?", "", "&", "-", "=", "").Replace(address)
		if name == "" {
			name = "start"
		}
		p.shot("narrow-390-" + name)
	}
	// The q4 embed shows its controls, then its figure and answer; the feature maps stay on the full page.
	if look[bool](p, `document.getElementById('visual').getClientRects().length > 0 || document.getElementById('controls').getBoundingClientRect().top > document.getElementById('figure').getBoundingClientRect().top`) {
		t.Error("q4 embed: the feature maps are shown, or the controls come after the figure")
	}
	p.open("?demo=q1&embed=1")
	p.waitLaidOut()
	if look[bool](p, chartsShown) {
		t.Error("q1 embed: the charts are shown beside the lab")
	}
	// A run at 390 px: the curves, the list and the predictions fit too.
	p.open("?demo=custom")
	p.waitReady()
	p.shortRun(2, 600)
	p.click("#btn-start")
	p.waitFor("the run", 60*time.Second, func(s pageState) bool { return len(s.Runs) == 1 && s.Runs[0].Status == "done" && s.Predictions != nil })
	if w := look[int](p, `document.documentElement.scrollWidth`); w > 390 {
		t.Errorf("after a run at 390 px the page is %d px wide", w)
	}
	p.shot("narrow-390-custom-done")
	p.open("?demo=q1&embed=1")
	p.waitLaidOut()
	p.resize(900, 900)
	if look[bool](p, chartsShown) {
		t.Error("q1 embed at 900 px: the charts are shown beside the lab")
	}
	p.shot("embed-q1-900")
}

// chartsShown is true when the page shows its charts (the q1 embed shows the lab, then the controls, and no charts).
const chartsShown = `document.getElementById('charts').getClientRects().length > 0`

// waitLaidOut waits until the page has its demos (its layout no longer
// depends on the worker's answers).
func (p *person) waitLaidOut() {
	p.t.Helper()
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		if title := p.text("#demo-title"); title != "" && !strings.HasPrefix(title, "Loading") {
			time.Sleep(300 * time.Millisecond)
			return
		}
	}
	p.t.Fatal("the demos did not load")
}

// TestSmallerRows covers the smaller rows: the parameter count on a direct
// open of Custom, the helper, the lab's hints.
func TestSmallerRows(t *testing.T) {
	p := newPerson(t, "?demo=custom", 1280, 900)
	p.waitReady()
	p.waitFor("the parameter count", 10*time.Second, func(s pageState) bool { return !s.Form.Pending })
	if c := p.text("#param-count"); c != "269,322" {
		t.Errorf("Parameters on a direct open of Custom: %q, want 269,322", c)
	}
	p.click("#matcher summary")
	p.typeInto("#match-width", "64")
	p.typeInto("#match-target", "269322")
	time.Sleep(500 * time.Millisecond)
	if r := p.text("#match-result"); !strings.Contains(r, "54 hidden layers of width 64: 271,370 parameters") {
		t.Errorf("helper for width 64, target 269,322: %q, want 54 hidden layers", r)
	}
	p.typeInto("#match-width", "1")
	p.typeInto("#match-target", "1000000000")
	time.Sleep(500 * time.Millisecond)
	if r := p.text("#match-result"); !strings.Contains(r, "stops at 100,000 layers") {
		t.Errorf("helper for width 1, target 1,000,000,000: %q, want it to say where its search stops", r)
	}
	p.click("[data-demo='q1']")
	p.waitFor("the lab", 30*time.Second, func(s pageState) bool { return s.Mode == "lab" && s.Equivariance != nil })
	p.typeInto("#lab-seed", "7")
	time.Sleep(400 * time.Millisecond)
	if st := p.text("#lab-stats"); st == "" {
		t.Error("seed 7: the lab says nothing")
	}
	// A small CNN: its feature maps, then its first layer in the lab.
	p.click("[data-demo='custom']")
	if err := chromedp.Do(p.ctx, chromedp.Focus(chromedp.CSS("#f-net"))); err != nil {
		t.Fatal(err)
	}
	p.press("c")
	p.typeInto("#f-n_channels", "4,8")
	p.typeInto("#f-kernel_sizes", "3,3")
	p.typeInto("#f-strides", "1,1")
	p.typeInto("#f-paddings", "0,0")
	p.typeInto("#f-dense_hiddens", "32")
	p.shortRun(1, 300)
	p.click("#btn-start")
	p.waitFor("the CNN run", 60*time.Second, func(s pageState) bool { return len(s.Runs) == 1 && s.Runs[0].Status == "done" })
	p.typeInto("#image-index", "3")
	p.click("#btn-maps")
	s := p.waitFor("the feature maps", 20*time.Second, func(s pageState) bool { return s.Maps != nil })
	if len(s.Maps.Layers) != 2 || s.Maps.Layers[0].C != 4 || s.Maps.Layers[0].H != 26 {
		t.Errorf("feature maps %+v, want 2 layers, the first 4 maps of 26x26", s.Maps.Layers)
	}
	if note := p.text("#maps-note"); !strings.Contains(note, "Image 3") || !strings.Contains(note, s.Runs[0].Label) {
		t.Errorf("feature-map note %q does not say which image and run", note)
	}
	p.click("#tab-lab")
	if err := chromedp.Do(p.ctx, chromedp.Focus(chromedp.CSS("#lab-source"))); err != nil {
		t.Fatal(err)
	}
	p.press("t")
	p.typeInto("#lab-seed", "99")
	time.Sleep(400 * time.Millisecond)
	if got := look[string](p, `document.getElementById('lab-seed').getAttribute('aria-invalid') || ''`); got != "true" || !strings.Contains(p.text("#lab-seed-hint"), "0 to 3") {
		t.Errorf("channel 99 of a 4-channel layer: aria-invalid %q, hint %q", got, p.text("#lab-seed-hint"))
	}
	p.typeInto("#lab-seed", "2")
	p.waitFor("the trained layer's numbers", 30*time.Second, func(s pageState) bool { return s.Equivariance != nil && s.Equivariance.Source == "trained" })
	p.press(kb.Escape)
	p.click("[data-demo='q1']")
	p.typeInto("#lab-seed", "-3")
	time.Sleep(300 * time.Millisecond)
	if look[string](p, `document.getElementById('lab-seed').getAttribute('aria-invalid')`) == "" && !strings.Contains(p.text("#lab-stats"), "Not drawn") {
		t.Errorf("seed -3: not marked; lab says %q", p.text("#lab-stats"))
	}
}
