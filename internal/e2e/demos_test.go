//go:build !js

package e2e

import (
	"fmt"
	"os"
	"regexp"
	"strconv"
	"testing"
	"time"
)

// measureDemos reports whether FASHIONLAB_MEASURE_DEMOS=1 asks to train
// every demo in full on the page's default subset.
func measureDemos() bool { return os.Getenv("FASHIONLAB_MEASURE_DEMOS") == "1" }

// finalAcc returns a run's last training and validation accuracy.
func finalAcc(r runState) (train, val float64) {
	if len(r.Epochs) == 0 {
		return 0, 0
	}
	e := r.Epochs[len(r.Epochs)-1]
	if e.TrainAcc != nil {
		train = *e.TrainAcc
	}
	if e.ValAcc != nil {
		val = *e.ValAcc
	}
	return train, val
}

// TestDemosShowWhatTheySay presses Start on each demo as a student does,
// waits for every run, logs the waiting time (the figure each demo states)
// and checks that the page's own runs show the demo's conclusion. It
// trains for several minutes, so it runs only with
// FASHIONLAB_MEASURE_DEMOS=1 (which also builds the full 12,000-image
// subset the page ships with).
func TestDemosShowWhatTheySay(t *testing.T) {
	if !measureDemos() {
		t.Skip("set FASHIONLAB_MEASURE_DEMOS=1 to train every demo in full")
	}
	checks := map[string]func(t *testing.T, acc map[string][2]float64){
		"q1": func(t *testing.T, acc map[string][2]float64) {},
		"q2": func(t *testing.T, acc map[string][2]float64) {
			if v := acc["MLP lr 1e-2 raw"][1]; v > 0.2 {
				t.Errorf("raw lr 1e-2: validation accuracy %.3f, want chance (saturated)", v)
			}
			if v := acc["MLP lr 1e-2 normalized"][1]; v < 0.7 {
				t.Errorf("normalized lr 1e-2: validation accuracy %.3f, want it to train", v)
			}
			if n, r := acc["MLP lr 1e-4 normalized"][1], acc["MLP lr 1e-4 raw"][1]; n < r {
				t.Errorf("lr 1e-4: normalized %.3f behind raw %.3f", n, r)
			}
			for _, n := range []string{"normalized", "raw"} {
				if acc["MLP lr 1e-6 "+n][1] >= acc["MLP lr 1e-4 "+n][1] {
					t.Errorf("lr 1e-6 %s is not behind lr 1e-4: %v", n, acc)
				}
			}
		},
		"q3": func(t *testing.T, acc map[string][2]float64) {
			if deep, wide := acc["MLP 64×54"][1], acc["MLP 256,256"][1]; deep > 0.2 || wide < 0.7 {
				t.Errorf("64×54 %.3f (want chance), 256,256 %.3f (want > 0.5)", deep, wide)
			}
		},
		"q4": func(t *testing.T, acc map[string][2]float64) {
			mlp, cnn := acc["MLP 256,256"], acc["CNN 16,32,48"]
			if mlp[0]-mlp[1] <= cnn[0]-cnn[1] || mlp[0] <= cnn[0] {
				t.Errorf("MLP train/val %.3f/%.3f, CNN %.3f/%.3f: want the MLP to fit faster with the larger gap", mlp[0], mlp[1], cnn[0], cnn[1])
			}
		},
		"q5": func(t *testing.T, acc map[string][2]float64) {
			deep, pad, shallow, def := acc["deep k1 ×5"][1], acc["deep k1 ×5, padding 2"][1], acc["shallow k28"][1], acc["default CNN"][1]
			if !(shallow > def && def > pad && pad > deep) {
				t.Errorf("deep %.3f, deep padding 2 %.3f, shallow %.3f, default %.3f: want the native order shallow > default > padding 2 > deep", deep, pad, shallow, def)
			}
		},
		"fast": func(t *testing.T, acc map[string][2]float64) {},
	}
	for _, demo := range []string{"q1", "q2", "q3", "q4", "q5", "fast"} {
		t.Run(demo, func(t *testing.T) {
			p := newPersonFor(t, "?demo="+demo, 1280, 900, 12*time.Minute)
			p.waitReady()
			begin := time.Now()
			p.click("#btn-start")
			s := p.waitFor("every run of "+demo, 10*time.Minute, func(s pageState) bool {
				if len(s.Runs) == 0 || s.Current != nil || len(s.Queued) > 0 {
					return false
				}
				return true
			})
			elapsed := time.Since(begin)
			acc := map[string][2]float64{}
			line := ""
			for _, r := range s.Runs {
				tr, va := finalAcc(r)
				acc[r.Label] = [2]float64{tr, va}
				line += fmt.Sprintf("; %s: %s, train %.3f, val %.3f", r.Label, r.Reason, tr, va)
			}
			t.Logf("%s: %.0f s from Start to the last run's end%s", demo, elapsed.Seconds(), line)
			p.shot("demo-" + demo + "-done-1280")
			checks[demo](t, acc)
			if demo == "fast" {
				// The result the page reports where it shows it: the run
				// list, as a person reads it.
				legend := p.text("#legend")
				m := regexp.MustCompile(`val ([0-9.]+) % \(best epoch, (\d+): its weights are kept\)`).FindStringSubmatch(legend)
				if m == nil {
					t.Fatalf("the run list %q does not report the fast run's kept best epoch", legend)
				}
				if v, _ := strconv.ParseFloat(m[1], 64); v < 88 {
					t.Errorf("Fast reports %s %% validation accuracy (epoch %s), below its label's 0.88", m[1], m[2])
				}
				t.Logf("fast: the run list reports %s %% (epoch %s's weights kept)", m[1], m[2])
			}
		})
	}
}
