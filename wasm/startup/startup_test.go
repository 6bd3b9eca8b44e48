package startup

import (
	"math"
	"math/rand/v2"
	"reflect"
	"testing"

	"fashionlab/assets"
	"fashionlab/model"
	"fashionlab/model/parallel"
	"fashionlab/model/train"
)

// randomSplit returns a split of random normalized-looking images.
func randomSplit(nTrain, nVal int) *assets.Split {
	rng := rand.New(rand.NewPCG(1, 2))
	set := func(n int) assets.Set {
		s := assets.Set{N: n, X: make([]float32, n*assets.ImagePixels), Y: make([]uint8, n)}
		for i := range s.X {
			s.X[i] = float32(rng.NormFloat64())
		}
		for i := range s.Y {
			s.Y[i] = uint8(rng.IntN(10))
		}
		return s
	}
	return &assets.Split{Train: set(nTrain), Val: set(nVal), Test: set(8)}
}

func newTrainer(t *testing.T, cfg model.Config, s train.Settings, data *assets.Split, pool *parallel.Pool) *train.Trainer {
	t.Helper()
	net, err := model.New(cfg, s.Seed, pool)
	if err != nil {
		t.Fatal(err)
	}
	tr, err := train.New(net, data, s)
	if err != nil {
		t.Fatal(err)
	}
	return tr
}

// sameEpochs compares two logs bit for bit (NaN equals NaN), ignoring the
// wall-clock seconds.
func sameEpochs(t *testing.T, got, want []train.Epoch) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%d epochs, want %d", len(got), len(want))
	}
	bits := func(m train.Metric) uint64 {
		if math.IsNaN(float64(m)) {
			return math.Float64bits(math.NaN())
		}
		return math.Float64bits(float64(m))
	}
	for i := range got {
		g, w := got[i], want[i]
		g.Seconds, w.Seconds = 0, 0
		for _, pair := range [][2]train.Metric{{g.TrainLoss, w.TrainLoss}, {g.TrainAcc, w.TrainAcc}, {g.ValLoss, w.ValLoss}, {g.ValAcc, w.ValAcc}, {g.GradNorm, w.GradNorm}} {
			if bits(pair[0]) != bits(pair[1]) {
				t.Errorf("epoch %d: got %+v, want %+v", i, got[i], want[i])
				break
			}
		}
		g.TrainLoss, g.TrainAcc, g.ValLoss, g.ValAcc, g.GradNorm = 0, 0, 0, 0, 0
		w.TrainLoss, w.TrainAcc, w.ValLoss, w.ValAcc, w.GradNorm = 0, 0, 0, 0, 0
		if !reflect.DeepEqual(g, w) {
			t.Errorf("epoch %d: got %+v, want %+v", i, got[i], want[i])
		}
	}
}

func TestDeferredEpochZeroLogsWhatStartWouldHave(t *testing.T) {
	mlp := model.Config{Net: model.MLP, Hidden: []int{32, 16}, Activation: "relu"}
	cnn := model.Config{Net: model.CNN, Channels: []int{4, 6}, Kernels: []int{3, 3}, Strides: []int{1, 1}, Paddings: []int{0, 0}, Hidden: []int{16}, Activation: "relu"}
	tests := []struct {
		name   string
		config model.Config
		limit  int // training limit
		evalN  int // training images the log evaluates
		after  int // steps trained before epoch 0 is evaluated
	}{
		{"MLP evaluated after the first step", mlp, 0, 64, 1},
		{"MLP evaluated after five steps", mlp, 0, 64, 5},
		{"MLP with a training limit below the log's size", mlp, 40, 64, 2},
		{"CNN evaluated after two steps", cnn, 0, 48, 2},
		{"nothing trained before the evaluation", cnn, 0, 48, 0},
		{"more images in the log than one evaluation batch", mlp, 0, 300, 1},
	}
	pool := parallel.New(1)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data := randomSplit(320, 300)
			s := train.DefaultSettings()
			s.BatchSize, s.Epochs, s.LearningRate, s.EvalTrainSize, s.TrainLimit = 20, 2, 1e-3, tt.evalN, tt.limit

			ref := newTrainer(t, tt.config, s, data, pool)
			ref.Start()
			for !ref.Done() {
				ref.Step()
			}

			tr := newTrainer(t, tt.config, s, data, pool)
			p := Begin(tr, tt.config, s.Seed, data)
			if p == nil {
				t.Fatal("Begin deferred nothing on a fresh trainer")
			}
			if got := tr.History().Epochs; len(got) != 1 || !math.IsNaN(float64(got[0].ValAcc)) {
				t.Fatalf("placeholder epoch 0 = %+v, want one epoch with NaN metrics", got)
			}
			for range tt.after {
				tr.Step()
			}
			var e0 train.Epoch
			for done := false; !done; {
				var err error
				if e0, done, err = p.Advance(pool); err != nil {
					t.Fatal(err)
				}
				if !done && !tr.Done() {
					tr.Step() // interleaved with training, as in the worker
				}
			}
			if !p.Done() {
				t.Error("Done is false after the last batch")
			}
			sameEpochs(t, []train.Epoch{e0}, ref.History().Epochs[:1])
			for !tr.Done() {
				tr.Step()
			}
			sameEpochs(t, tr.History().Epochs, ref.History().Epochs)
		})
	}
}

func TestBeginDefersNothingOnceTheLogHasStarted(t *testing.T) {
	cfg := model.Config{Net: model.MLP, Hidden: []int{8}, Activation: "relu"}
	data := randomSplit(30, 10)
	s := train.DefaultSettings()
	s.BatchSize, s.Epochs, s.EvalTrainSize = 10, 1, 10
	tr := newTrainer(t, cfg, s, data, parallel.New(1))
	tr.Start()
	before := tr.History().Epochs[0]
	if p := Begin(tr, cfg, s.Seed, data); p != nil {
		t.Fatal("Begin deferred epoch 0 of a trainer that already logged it")
	}
	sameEpochs(t, tr.History().Epochs, []train.Epoch{before})
}
