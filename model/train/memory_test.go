package train

import (
	"math/rand/v2"
	"runtime"
	"testing"

	"fashionlab/assets"
	"fashionlab/model"
	"fashionlab/model/parallel"
)

// syntheticSplit returns a split of random pixels and labels.
func syntheticSplit(train, val int) *assets.Split {
	rng := rand.New(rand.NewPCG(1, 2))
	set := func(n int) assets.Set {
		s := assets.Set{X: make([]float32, n*assets.ImagePixels), Y: make([]uint8, n), N: n}
		for i := range s.X {
			s.X[i] = rng.Float32()
		}
		for i := range s.Y {
			s.Y[i] = uint8(rng.IntN(model.Classes))
		}
		return s
	}
	return &assets.Split{Train: set(train), Val: set(val)}
}

// measureTraining returns the live heap bytes that building a network of
// cfg, its trainer, the epoch-0 evaluation and one training step leave
// behind. Each reading follows settledGC, so that what earlier tests left
// unreachable (objects freed only after their cleanups have run) is gone
// before the first reading rather than between the two.
func measureTraining(t *testing.T, cfg model.Config, s Settings, data *assets.Split) int64 {
	t.Helper()
	var before, after runtime.MemStats
	settledGC()
	runtime.ReadMemStats(&before)
	net, err := model.New(cfg, 1, parallel.New(1))
	if err != nil {
		t.Fatal(err)
	}
	tr, err := New(net, data, s)
	if err != nil {
		t.Fatal(err)
	}
	tr.Start()
	tr.Step()
	settledGC()
	runtime.ReadMemStats(&after)
	runtime.KeepAlive(tr)
	return int64(after.HeapAlloc) - int64(before.HeapAlloc)
}

// settledGC collects garbage until a collection frees nothing more (at
// most 5 times): a cleanup that runs after one collection can leave more
// to free in the next.
func settledGC() {
	var m runtime.MemStats
	last := uint64(0)
	for range 5 {
		runtime.GC()
		runtime.ReadMemStats(&m)
		if m.HeapAlloc == last {
			return
		}
		last = m.HeapAlloc
	}
}

func TestMemoryEstimateMatchesTheHeapOfATrainingStep(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and trains several networks")
	}
	wideCNN := model.DefaultCNN()
	wideCNN.Channels = []int{64, 128, 128}
	wideCNN.Kernels = []int{5, 3, 3}
	tanhCNN := model.DefaultCNN()
	tanhCNN.Activation = "tanh"
	sgd := DefaultSettings()
	sgd.Optimizer = SGD
	big := DefaultSettings()
	big.BatchSize = 256
	tests := []struct {
		name     string
		cfg      model.Config
		settings Settings
	}{
		{"default MLP, Adam, batch 128", model.DefaultMLP(), DefaultSettings()},
		{"default CNN, Adam, batch 128", model.DefaultCNN(), DefaultSettings()},
		{"wide CNN 64-128-128, Adam, batch 256", wideCNN, big},
		{"default CNN with tanh (unfused convolutions), SGD, batch 128", tanhCNN, sgd},
	}
	data := syntheticSplit(1024, EvalBatch)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := tt.settings
			s.EvalTrainSize = EvalBatch
			est, err := EstimateMemory(tt.cfg, s, runtime.GOMAXPROCS(0))
			if err != nil {
				t.Fatal(err)
			}
			got := measureTraining(t, tt.cfg, s, data)
			ratio := float64(est.Total()) / float64(got)
			t.Logf("estimate %d bytes (params %d, grads %d, optimizer %d, activations %d, batch %d); measured live heap %d bytes; estimate/measured %.3f",
				est.Total(), est.Params, est.Grads, est.Optimizer, est.Activations, est.Batch, got, ratio)
			// The estimate leaves out small bookkeeping (graph nodes, the
			// matrix products' packing buffers), and must not undercount
			// by more than that.
			if ratio < 0.85 || ratio > 1.2 {
				t.Errorf("estimate %d bytes is %.2f times the measured %d bytes, want within [0.85, 1.2]", est.Total(), ratio, got)
			}
		})
	}
}
