//go:build !js

package experiments

import (
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"fashionlab/assets"
	"fashionlab/internal/nativetest"
	"fashionlab/model/train"
)

// effectSeeds are the seeds every demo's effect must hold for: the
// page's own (the homework's) and two others.
var effectSeeds = []uint64{197331, 1, 2}

// pageSubset returns the page's data subset built as the site build
// builds it (the first 12,000 training, 2,000 validation and 2,000 test
// images of FashionMNIST), or skips the test when the data is not
// installed.
func pageSubset(t *testing.T) *assets.Subset {
	t.Helper()
	dir := os.Getenv(assets.EnvDir)
	if dir == "" {
		dir = assets.SystemDir
	}
	if _, err := os.Stat(filepath.Join(dir, assets.TrainImagesFile)); err != nil {
		t.Skipf("FashionMNIST is not installed in %s (apt-get install dataset-fashion-mnist)", dir)
	}
	raw, err := assets.LoadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	sub, err := raw.Subset(12000, 2000, 2000)
	if err != nil {
		t.Fatal(err)
	}
	return sub
}

// demoResult is one run's per-epoch log, by label.
type demoResult map[string]*train.History

// last returns the final epoch of the run labelled label.
func (d demoResult) last(t *testing.T, label string) train.Epoch {
	t.Helper()
	h, ok := d[label]
	if !ok || len(h.Epochs) == 0 {
		t.Fatalf("no run labelled %q", label)
	}
	return h.LastEpoch()
}

// trainDemo trains every run of demo natively, on one thread, with seed in
// place of the demo's, on the subset prepared as the page's worker
// prepares it.
func trainDemo(t *testing.T, sub *assets.Subset, demo Demo, seed uint64) demoResult {
	t.Helper()
	out := demoResult{}
	for _, r := range demo.Runs {
		s := r.Settings
		s.Seed = seed
		split, err := sub.Split(assets.SplitOptions{Normalize: s.Normalize, TrainLimit: s.TrainLimit})
		if err != nil {
			t.Fatal(err)
		}
		out[r.Label] = nativetest.Train(t, r.Config, seed, split, s).History()
	}
	return out
}

// demoEffects are the full-scale effects each question's page demo must
// show (README.md's "Results at full scale"); each returns what it found,
// and an error when the effect does not show.
var demoEffects = map[string]func(t *testing.T, d demoResult) (string, error){
	"q2": func(t *testing.T, d demoResult) (string, error) {
		n2, r2 := d.last(t, "MLP lr 1e-2 normalized"), d.last(t, "MLP lr 1e-2 raw")
		n4, r4 := d.last(t, "MLP lr 1e-4 normalized"), d.last(t, "MLP lr 1e-4 raw")
		got := fmt.Sprintf("lr 1e-4 normalized %.4f raw %.4f; lr 1e-2 normalized %.4f raw %.4f (raw grad norm %.3g, saturated %v)",
			n4.ValAcc, r4.ValAcc, n2.ValAcc, r2.ValAcc, r2.GradNorm, d["MLP lr 1e-2 raw"].Saturated)
		switch {
		case n4.ValAcc < r4.ValAcc:
			return got, fmt.Errorf("at lr 1e-4 raw pixels beat normalized ones")
		case n2.ValAcc < 0.7:
			return got, fmt.Errorf("normalized inputs at lr 1e-2 did not train")
		case r2.ValAcc > 0.15 || !d["MLP lr 1e-2 raw"].Saturated || r2.GradNorm != 0:
			return got, fmt.Errorf("raw pixels at lr 1e-2 did not saturate")
		}
		return got, nil
	},
	"q3": func(t *testing.T, d demoResult) (string, error) {
		wide, deep := d["MLP 256,256"], d["MLP 64×54"]
		lo, hi := math.Inf(1), math.Inf(-1)
		for _, e := range deep.Epochs[1:] {
			lo, hi = min(lo, float64(e.GradNorm)), max(hi, float64(e.GradNorm))
		}
		got := fmt.Sprintf("256,256 %.4f; 64×54 %.4f, gradient norm %.3f-%.3f (256,256's last %.3f)",
			wide.LastEpoch().ValAcc, deep.LastEpoch().ValAcc, lo, hi, wide.LastEpoch().GradNorm)
		switch {
		case deep.LastEpoch().ValAcc > 0.15:
			return got, fmt.Errorf("64×54 left chance")
		case hi > 1.25*lo || hi > float64(wide.LastEpoch().GradNorm)/2:
			return got, fmt.Errorf("64×54's gradient norm is not small and flat")
		case wide.LastEpoch().ValAcc < 0.7:
			return got, fmt.Errorf("256,256 did not train")
		}
		return got, nil
	},
	"q4": func(t *testing.T, d demoResult) (string, error) {
		mlp, cnn := d.last(t, "MLP 256,256"), d.last(t, "CNN 16,32,48")
		gm, gc := float64(mlp.TrainAcc-mlp.ValAcc), float64(cnn.TrainAcc-cnn.ValAcc)
		got := fmt.Sprintf("MLP train %.4f val %.4f (gap %.4f); CNN train %.4f val %.4f (gap %.4f)", mlp.TrainAcc, mlp.ValAcc, gm, cnn.TrainAcc, cnn.ValAcc, gc)
		if gm <= gc {
			return got, fmt.Errorf("the MLP's train-validation gap is not larger than the CNN's")
		}
		return got, nil
	},
	FastDemoID: func(t *testing.T, d demoResult) (string, error) {
		h := d["CNN 16,32 k5, dense 128"]
		if h == nil || h.KeptEpoch == 0 {
			return "", fmt.Errorf("the fast run kept no epoch's weights")
		}
		kept := h.Epochs[h.KeptEpoch]
		got := fmt.Sprintf("kept epoch %d: validation accuracy %.4f (last epoch %.4f)", kept.Epoch, kept.ValAcc, h.LastEpoch().ValAcc)
		if kept.Epoch != h.KeptEpoch || kept.ValAcc < 0.88 {
			return got, fmt.Errorf("the fast demo's result is below its label's 0.88")
		}
		return got, nil
	},
	"q5": func(t *testing.T, d demoResult) (string, error) {
		// The native 5-epoch order: shallow > default > deep padding 2 > deep.
		order := []string{"shallow k28", "default CNN", "deep k1 ×5, padding 2", "deep k1 ×5"}
		var parts []string
		for _, l := range order {
			parts = append(parts, fmt.Sprintf("%s %.4f", l, d.last(t, l).ValAcc))
		}
		got := strings.Join(parts, " > ")
		for i := 1; i < len(order); i++ {
			if d.last(t, order[i-1]).ValAcc <= d.last(t, order[i]).ValAcc {
				return got, fmt.Errorf("%s is not ahead of %s", order[i-1], order[i])
			}
		}
		return got, nil
	},
}

// TestDemosShowTheFullScaleEffectsAcrossSeeds trains each question's page
// demo, with its exact runs, natively on the page's subset (the page's
// curve is the native one: TestPageCurveIsTheNativeCurve) for every seed
// of effectSeeds, and checks that it shows what the full-scale runs show,
// and that the fast demo keeps its label's promise of 0.88: not one lucky
// seed. Seeds train in parallel, one thread each.
func TestDemosShowTheFullScaleEffectsAcrossSeeds(t *testing.T) {
	if testing.Short() {
		t.Skip("trains every demo for several seeds")
	}
	sub := pageSubset(t)
	demos, err := Demos()
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	for _, demo := range demos {
		check, ok := demoEffects[demo.ID]
		if !ok {
			continue
		}
		t.Run(demo.ID, func(t *testing.T) {
			for _, seed := range effectSeeds {
				t.Run(fmt.Sprint(seed), func(t *testing.T) {
					t.Parallel()
					got, err := check(t, trainDemo(t, sub, demo, seed))
					mu.Lock()
					defer mu.Unlock()
					t.Logf("%s seed %d: %s", demo.ID, seed, got)
					if err != nil {
						t.Errorf("%s seed %d: %v", demo.ID, seed, err)
					}
				})
			}
		})
	}
}
