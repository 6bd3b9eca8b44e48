//go:build !js

package e2e

import (
	"fmt"
	"math"
	"strings"
	"testing"
	"time"
)

// epochCurve is the per-epoch log of a run as the page holds it.
type epochCurve []struct {
	Epoch     int     `json:"epoch"`
	TrainLoss float64 `json:"train_loss"`
	TrainAcc  float64 `json:"train_acc"`
	ValLoss   float64 `json:"val_loss"`
	ValAcc    float64 `json:"val_acc"`
}

// trainWith opens address, waits until the page says it trains on workers
// workers, presses Start and returns the finished run's per-epoch curve.
func trainWith(t *testing.T, address string, workers int) epochCurve {
	t.Helper()
	p := newPerson(t, address, 1280, 900)
	p.waitReady()
	p.waitFor(fmt.Sprintf("the page to train on %d workers", workers), 60*time.Second, func(s pageState) bool {
		return s.Workers != nil && *s.Workers == workers
	})
	want := fmt.Sprintf("training on %d worker", workers)
	if got := p.text("#workers-info"); !strings.HasPrefix(got, want) || !strings.Contains(got, "SIMD") {
		t.Errorf("the page says %q, want %q… and whether SIMD is on", got, want)
	}
	p.click("#btn-start")
	s := p.waitFor("the run to finish", 180*time.Second, func(s pageState) bool {
		return len(s.Runs) == 1 && s.Runs[0].Status == "done"
	})
	if r := s.Runs[0]; r.Reason != "finished" {
		t.Fatalf("the run ended with %q", r.Reason)
	}
	if s, _ := p.read(); s.Workers == nil || *s.Workers != workers {
		t.Errorf("the page trained on %v workers by the end, want %d", s.Workers, workers)
	}
	p.shot(fmt.Sprintf("workers-%d", workers))
	return look[epochCurve](p, `fashionlab.state().runs[0].epochs.map((e) => ({epoch: e.epoch, train_loss: e.train_loss, train_acc: e.train_acc, val_loss: e.val_loss, val_acc: e.val_acc}))`)
}

// TestWorkersTrainTheSameCurve trains the same address with one worker and
// with two (each computing half of every batch, the gradients added in
// shard order) and compares the per-epoch curves: losses within 1e-3 and
// accuracies within 1.5 points, the drift that float32 summation order
// leaves after a few hundred Adam steps (the native tests bound one step's
// gradient to 1e-5 of its largest value).
func TestWorkersTrainTheSameCurve(t *testing.T) {
	tests := []struct{ name, settings string }{
		{"MLP", "epochs=2&train_limit=1000&eval_train_size=200&lr=0.003&seed=3&batch_size=50"},
		{"CNN", "net=cnn&n_channels=8,16&kernel_sizes=3,3&strides=1,1&paddings=0,0&epochs=1&train_limit=400&eval_train_size=200&lr=0.003&seed=3&batch_size=32"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			one := trainWith(t, "?demo=custom&workers=1&"+tt.settings, 1)
			two := trainWith(t, "?demo=custom&workers=2&"+tt.settings, 2)
			if len(one) != len(two) || len(one) < 2 {
				t.Fatalf("%d epochs logged with one worker, %d with two", len(one), len(two))
			}
			var worst float64
			for i := range one {
				a, b := one[i], two[i]
				dl := math.Max(math.Abs(a.TrainLoss-b.TrainLoss), math.Abs(a.ValLoss-b.ValLoss))
				da := math.Max(math.Abs(a.TrainAcc-b.TrainAcc), math.Abs(a.ValAcc-b.ValAcc))
				worst = math.Max(worst, dl)
				if a.Epoch != b.Epoch || dl > 1e-3 || da > 0.015 {
					t.Errorf("epoch %d: one worker %+v, two workers %+v", a.Epoch, a, b)
				}
			}
			if one[0] != two[0] {
				t.Errorf("epoch 0 (the untrained network) differs: %+v and %+v", one[0], two[0])
			}
			t.Logf("largest loss difference %.2g; one worker %+v", worst, one)
		})
	}
}

// TestWorkerCountFromTheAddressOrTheComputer checks the count the page
// chooses without a workers parameter (one per logical processor, at most
// 4), and that a bad value is refused with a message naming it.
func TestWorkerCountFromTheAddressOrTheComputer(t *testing.T) {
	p := newPerson(t, "?demo=custom", 1280, 900)
	p.waitReady()
	cores := look[int](p, `navigator.hardwareConcurrency`)
	// One worker on up to 2 logical processors, half of them above, at most 4.
	want := 1
	if cores > 2 {
		want = min(cores/2, 4)
	}
	p.waitFor(fmt.Sprintf("the page to train on %d workers", want), 60*time.Second, func(s pageState) bool {
		return s.Workers != nil && *s.Workers == want
	})
	if strings.Contains(look[string](p, `location.search`), "workers") {
		t.Error("the address gained a workers parameter nobody chose")
	}

	bad := newPerson(t, "?demo=custom&workers=0", 1280, 900)
	bad.waitReady()
	bad.waitFor(fmt.Sprintf("the page to fall back to %d workers", want), 60*time.Second, func(s pageState) bool {
		return s.Workers != nil && *s.Workers == want
	})
	if msg := bad.text("#messages"); !strings.Contains(msg, "workers") || !strings.Contains(msg, "from 1 to 8") {
		t.Errorf("messages after workers=0: %q", msg)
	}

	forced := newPerson(t, "?demo=custom&workers=1&lr=0.003", 1280, 900)
	forced.waitReady()
	forced.typeInto("#f-seed", "9")
	forced.waitFor("the form to be checked", 10*time.Second, func(s pageState) bool { return !s.Form.Pending })
	if q := look[string](forced, `location.search`); !strings.Contains(q, "workers=1") || !strings.Contains(q, "seed=9") {
		t.Errorf("the address %s lost the chosen worker count or the edit", q)
	}
}
