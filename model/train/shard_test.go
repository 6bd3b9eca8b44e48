package train

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/nlpodyssey/spago/ag"

	"fashionlab/assets"
	"fashionlab/model"
	"fashionlab/model/ops"
	"fashionlab/model/parallel"
)

func TestShardRangeCoversTheBatchInOrder(t *testing.T) {
	tests := []struct{ rows, n int }{
		{128, 1}, {128, 2}, {128, 3}, {37, 4}, {5, 5}, {2, 5}, {1, 2}, {0, 3}, {1000, 7},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%d rows in %d shards", tt.rows, tt.n), func(t *testing.T) {
			next, smallest, largest := 0, tt.rows, 0
			for i := range tt.n {
				lo, hi := ShardRange(tt.rows, tt.n, i)
				if lo != next || hi < lo {
					t.Fatalf("shard %d is [%d, %d), want it to start at %d", i, lo, hi, next)
				}
				smallest, largest = min(smallest, hi-lo), max(largest, hi-lo)
				next = hi
			}
			if next != tt.rows {
				t.Fatalf("the shards end at row %d of %d", next, tt.rows)
			}
			if largest-smallest > 1 {
				t.Fatalf("shard sizes range from %d to %d", smallest, largest)
			}
		})
	}
}

// randomBatch returns rows random inputs and labels.
func randomBatch(seed uint64, rows int) ([]float32, []uint8) {
	return randomRows(rand.New(rand.NewPCG(seed, 7)), rows)
}

// randomRows draws rows random inputs (normal pixels) and then their
// labels from rng.
func randomRows(rng *rand.Rand, rows int) ([]float32, []uint8) {
	x := make([]float32, rows*assets.ImagePixels)
	for i := range x {
		x[i] = float32(rng.NormFloat64())
	}
	y := make([]uint8, rows)
	for i := range y {
		y[i] = uint8(rng.IntN(model.Classes))
	}
	return x, y
}

// smallCNN is a CNN small enough for many table rows.
func smallCNN() model.Config {
	return model.Config{Net: model.CNN, Channels: []int{4, 8}, Kernels: []int{3, 3}, Strides: []int{1, 1}, Paddings: []int{0, 1}, Hidden: []int{32}, Activation: "relu"}
}

// shardTolerance bounds the difference between a gradient summed from
// shards and the full batch's: relative to the largest gradient value of
// the parameter, it covers float32 products added in another order.
const shardTolerance = 1e-5

// TestShardGradientsSumToTheFullBatch checks that the shards' gradients,
// added in shard order, equal the full batch's gradient (the ordinary
// backward pass of the loss) within shardTolerance, and that the shards'
// losses and counts add up to the batch's.
func TestShardGradientsSumToTheFullBatch(t *testing.T) {
	tests := []struct {
		name    string
		cfg     model.Config
		rows, n int
	}{
		{"MLP, 128 rows in 2 shards", model.DefaultMLP(), 128, 2},
		{"MLP, 37 rows in 4 shards (remainder)", model.Config{Net: model.MLP, Hidden: []int{64, 32}, Activation: "tanh"}, 37, 4},
		{"MLP, 2 rows in 5 shards (empty shards)", model.Config{Net: model.MLP, Hidden: []int{16}, Activation: "sigmoid"}, 2, 5},
		{"MLP, 1 row in 1 shard", model.Config{Net: model.MLP, Hidden: []int{16}, Activation: "relu"}, 1, 1},
		{"small CNN, 50 rows in 3 shards", smallCNN(), 50, 3},
		{"default CNN, 40 rows in 2 shards", model.DefaultCNN(), 40, 2},
	}
	for k, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			x, y := randomBatch(uint64(k), tt.rows)
			net, err := model.New(tt.cfg, 5, parallel.New(1))
			if err != nil {
				t.Fatal(err)
			}
			var ws ops.Workspace
			loss, ce := ops.Loss(&ws, net.Forward(ops.Matrix(x, tt.rows, assets.ImagePixels)), y)
			fullLoss := float64(loss.Value().Item().F32())
			fullCorrect := ce.Correct
			if err := ag.Backward(loss); err != nil {
				t.Fatal(err)
			}
			var full []float32
			for _, p := range net.Params() {
				full = append(full, p.Grads()...)
			}
			net.ZeroGrads()

			sum := make([]float32, net.NumParams())
			grad := make([]float32, net.NumParams())
			var r ShardResult
			for i := range tt.n {
				lo, hi := ShardRange(tt.rows, tt.n, i)
				r.add(ShardGradient(net, &ws, x[lo*assets.ImagePixels:hi*assets.ImagePixels], y[lo:hi], tt.rows, grad))
				for j, v := range grad {
					sum[j] += v
				}
			}
			if r.Rows != tt.rows || r.Correct != fullCorrect {
				t.Fatalf("shards counted %d rows, %d correct; the batch has %d, %d correct", r.Rows, r.Correct, tt.rows, fullCorrect)
			}
			if d := math.Abs(r.LossSum/float64(tt.rows) - fullLoss); d > 1e-6*math.Max(1, fullLoss) {
				t.Fatalf("shards' mean loss %g, the batch's %g", r.LossSum/float64(tt.rows), fullLoss)
			}
			off := 0
			for _, p := range net.Params() {
				size := len(p.Values())
				var scale, worst float64
				for j := off; j < off+size; j++ {
					scale = math.Max(scale, math.Abs(float64(full[j])))
					worst = math.Max(worst, math.Abs(float64(full[j]-sum[j])))
				}
				if worst > shardTolerance*scale {
					t.Errorf("%s: the shards' gradient differs from the batch's by %g (largest value %g)", p.Name, worst, scale)
				}
				for j := range p.Grads() {
					if p.Grads()[j] != 0 {
						t.Fatalf("%s: gradient left non-zero after the shards", p.Name)
					}
				}
				off += size
			}
		})
	}
}

// failingShards fails every shard at Send or at Receive.
type failingShards struct {
	n           int
	failReceive bool
}

func (f failingShards) Count() int { return f.n }
func (f failingShards) Send(int, model.Config, []float32, []float32, []uint8, int) error {
	if f.failReceive {
		return nil
	}
	return errors.New("no worker")
}
func (f failingShards) Receive(int, []float32) (ShardResult, error) {
	return ShardResult{}, errors.New("the worker died")
}

// takeShardError returns the last error of the Shards, whose shard the
// Trainer then computed itself, and forgets it.
func (t *Trainer) takeShardError() error {
	err := t.shardErr
	t.shardErr = nil
	return err
}

// trainCurve trains cfg on split with shards (nil: none) and returns the
// history and the final weights.
func trainCurve(t *testing.T, cfg model.Config, split *assets.Split, s Settings, shards Shards) (*History, []float32, int) {
	t.Helper()
	net, err := model.New(cfg, s.Seed, parallel.New(1))
	if err != nil {
		t.Fatal(err)
	}
	tr, err := New(net, split, s)
	if err != nil {
		t.Fatal(err)
	}
	tr.SetShards(shards)
	failures := 0
	for !tr.Done() {
		tr.Step()
		if tr.takeShardError() != nil {
			failures++
		}
	}
	return tr.History(), FlattenValues(net.Params(), nil), failures
}

// learnableSplit returns a split of random images whose label is a
// function of the image, so that training learns something.
func learnableSplit(trainN, valN int) *assets.Split {
	set := func(seed uint64, n int) assets.Set {
		x, _ := randomBatch(seed, n)
		y := make([]uint8, n)
		for i := range y {
			var s float32
			for _, v := range x[i*assets.ImagePixels : i*assets.ImagePixels+40] {
				s += v
			}
			y[i] = uint8(int(math.Abs(float64(s))) % model.Classes)
		}
		return assets.Set{X: x, Y: y, N: n}
	}
	return &assets.Split{Train: set(1, trainN), Val: set(2, valN)}
}

// TestShardedTrainingFollowsTheSameCurve trains with 1, 2 and 3 shards and
// compares the per-epoch log: losses within 2e-4 and accuracies within 1%
// (float32 summation order compounds over the steps); failed shards are
// computed by the Trainer itself, bit for bit as a worker does.
func TestShardedTrainingFollowsTheSameCurve(t *testing.T) {
	split := learnableSplit(600, 200)
	s := DefaultSettings()
	s.LearningRate, s.Epochs, s.BatchSize, s.EvalTrainSize, s.Shuffle = 1e-3, 3, 64, 200, true
	cfg := model.Config{Net: model.MLP, Hidden: []int{64, 64}, Activation: "relu"}
	ref, _, _ := trainCurve(t, cfg, split, s, nil)
	tests := []struct {
		name     string
		shards   Shards
		failures int
	}{
		{"2 shards", NewLocalShards(2), 0},
		{"3 shards", NewLocalShards(3), 0},
		{"1 shard", NewLocalShards(1), 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h, _, failures := trainCurve(t, cfg, split, s, tt.shards)
			if failures != tt.failures {
				t.Fatalf("%d steps reported shard errors, want %d", failures, tt.failures)
			}
			if len(h.Epochs) != len(ref.Epochs) {
				t.Fatalf("%d epochs logged, want %d", len(h.Epochs), len(ref.Epochs))
			}
			for i, e := range h.Epochs {
				r := ref.Epochs[i]
				if math.Abs(float64(e.ValLoss-r.ValLoss)) > 2e-4 || math.Abs(float64(e.TrainLoss-r.TrainLoss)) > 2e-4 ||
					math.Abs(float64(e.ValAcc-r.ValAcc)) > 0.01 || math.Abs(float64(e.TrainAcc-r.TrainAcc)) > 0.01 {
					t.Errorf("epoch %d: val %.6f/%.4f train %.6f/%.4f, without shards %.6f/%.4f %.6f/%.4f", e.Epoch,
						e.ValLoss, e.ValAcc, e.TrainLoss, e.TrainAcc, r.ValLoss, r.ValAcc, r.TrainLoss, r.TrainAcc)
				}
			}
		})
	}
	t.Run("failed shards are computed by the trainer, bit for bit", func(t *testing.T) {
		_, want, _ := trainCurve(t, cfg, split, s, NewLocalShards(2))
		steps := s.Epochs * ((split.Train.N + s.BatchSize - 1) / s.BatchSize)
		for _, f := range []failingShards{{n: 2}, {n: 2, failReceive: true}} {
			_, got, failures := trainCurve(t, cfg, split, s, f)
			if failures != steps {
				t.Fatalf("%d of %d steps reported a shard error", failures, steps)
			}
			for j := range want {
				if math.Float32bits(got[j]) != math.Float32bits(want[j]) {
					t.Fatalf("weight %d is %g, with working shards %g", j, got[j], want[j])
				}
			}
		}
	})
}
