package train

import (
	"context"
	"math"
	"os"
	"sync"
	"testing"

	"fashionlab/assets"
	"fashionlab/model"
	"fashionlab/model/parallel"
)

const debianDir = "/usr/share/datasets/fashion-mnist"

var (
	realOnce  sync.Once
	realRaw   *assets.Raw
	realError error
)

// realData loads the installed FashionMNIST once for all tests, or skips.
func realData(t *testing.T, o assets.SplitOptions) *assets.Split {
	t.Helper()
	realOnce.Do(func() {
		dir := os.Getenv("FASHIONMNIST_DIR")
		if dir == "" {
			dir = debianDir
		}
		realRaw, realError = assets.LoadDir(dir)
	})
	if realError != nil {
		t.Skipf("FashionMNIST not installed: %v", realError)
	}
	split, err := realRaw.Split(o)
	if err != nil {
		t.Fatal(err)
	}
	return split
}

// trainToEnd builds the network cfg (seed 1) on pool, trains it on split
// with s and returns its history; any error fails the test.
func trainToEnd(t *testing.T, cfg model.Config, pool *parallel.Pool, split *assets.Split, s Settings) *History {
	t.Helper()
	net, err := model.New(cfg, 1, pool)
	if err != nil {
		t.Fatal(err)
	}
	tr, err := New(net, split, s)
	if err != nil {
		t.Fatal(err)
	}
	if err := tr.Run(context.Background(), Hooks{}); err != nil {
		t.Fatal(err)
	}
	return tr.History()
}

func TestTrainingLearnsRealFashionMNIST(t *testing.T) {
	tests := []struct {
		name   string
		cfg    model.Config
		limit  int
		epochs int
		minVal float64
	}{
		{"the MLP beats 0.75 validation accuracy after one epoch on 6,000 images", model.DefaultMLP(), 6000, 1, 0.75},
		{"the CNN beats 0.45 validation accuracy after one epoch on 3,000 images", model.DefaultCNN(), 3000, 1, 0.45},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			split := realData(t, assets.SplitOptions{Normalize: true, TrainLimit: tt.limit})
			s := DefaultSettings()
			s.Epochs = tt.epochs
			s.LearningRate = 1e-3
			h := trainToEnd(t, tt.cfg, parallel.New(0), split, s)
			if len(h.Epochs) != tt.epochs+1 {
				t.Fatalf("logged %d epochs, want %d (with epoch 0)", len(h.Epochs), tt.epochs+1)
			}
			first, last := h.Epochs[0], h.Epochs[len(h.Epochs)-1]
			if float64(first.ValAcc) > 0.3 {
				t.Errorf("untrained network already at %.3f validation accuracy", first.ValAcc)
			}
			if float64(last.ValAcc) < tt.minVal {
				t.Errorf("validation accuracy %.3f, want at least %.2f", last.ValAcc, tt.minVal)
			}
			if !(last.GradNorm > 0) {
				t.Errorf("gradient norm of the last batch is %v", last.GradNorm)
			}
			if h.Test == nil || h.Test.Images != 8000 {
				t.Errorf("test evaluation missing or on the wrong images: %+v", h.Test)
			}
		})
	}
}

func TestRawPixelsAtLearningRate1e2SaturateTheSoftmax(t *testing.T) {
	split := realData(t, assets.SplitOptions{Normalize: false, TrainLimit: 2560})
	s := DefaultSettings()
	s.Epochs, s.LearningRate, s.Normalize = 1, 1e-2, false
	h := trainToEnd(t, model.DefaultMLP(), parallel.New(0), split, s)
	if h.Diverged != nil {
		t.Fatalf("diverged: %+v", h.Diverged)
	}
	last := h.Epochs[len(h.Epochs)-1]
	if !h.Saturated || last.ZeroGradSteps < last.Steps/2 {
		t.Errorf("saturated=%v with %d of %d zero-gradient steps; want most steps saturated", h.Saturated, last.ZeroGradSteps, last.Steps)
	}
	if float64(last.ValAcc) > 0.2 {
		t.Errorf("validation accuracy %.3f; raw pixels at lr 1e-2 should stay near chance", last.ValAcc)
	}
}

func TestDivergenceIsReportedWithItsEpochAndStep(t *testing.T) {
	split := realData(t, assets.SplitOptions{Normalize: false, TrainLimit: 1280})
	// SGD at an absurd learning rate overflows the weights to Inf, and the next forward pass gives NaN.
	s := DefaultSettings()
	s.Optimizer, s.LearningRate, s.Momentum, s.Epochs, s.Normalize = SGD, 1e35, 0.9, 3, false
	h := trainToEnd(t, model.DefaultMLP(), parallel.New(0), split, s)
	d := h.Diverged
	if d == nil {
		t.Fatal("no divergence recorded")
	}
	if d.Epoch < 1 || d.Step < 1 || d.Reason == "" {
		t.Errorf("divergence %+v lacks its position or reason", d)
	}
	for _, e := range h.Epochs {
		if math.IsNaN(float64(e.ValAcc)) {
			t.Errorf("epoch %d logged a NaN accuracy", e.Epoch)
		}
	}
}
