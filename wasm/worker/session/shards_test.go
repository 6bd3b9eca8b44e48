package session

import (
	"math"
	"testing"

	"fashionlab/model/train"
)

// countingShards counts the shards computed through it.
type countingShards struct {
	*train.LocalShards
	received int
}

func (c *countingShards) Receive(i int, grad []float32) (train.ShardResult, error) {
	c.received++
	return c.LocalShards.Receive(i, grad)
}

var _ train.Shards = (*countingShards)(nil)

// TestShardedRunsLogTheSameCurve trains a run with its batches cut into
// shards (as the helper workers do) and compares the per-epoch log with
// the run without shards: losses within 1e-4, accuracies within 2 points
// (float32 summation order), every step's other shards computed through
// the Shards.
func TestShardedRunsLogTheSameCurve(t *testing.T) {
	sub := randomSubset()
	settings := map[string]any{"epochs": 2.0, "batch_size": 16.0, "eval_train_size": 50.0, "lr": 0.003, "shuffle": true}
	want := referenceRun(t, sub, settings)
	steps := 2 * 96 / 16
	for _, n := range []int{2, 3} {
		s, rec := newSessionOver(sub)
		shards := &countingShards{LocalShards: train.NewLocalShards(n)}
		s.SetShards(shards)
		s.Handle(mlpStart(1, settings))
		got := runToEnd(t, s, rec)
		if shards.received != steps*(n-1) {
			t.Errorf("%d shards: %d computed through the Shards, want %d", n, shards.received, steps*(n-1))
		}
		if len(got) != len(want) {
			t.Fatalf("%d shards: %d epochs logged, want %d", n, len(got), len(want))
		}
		for i := range got {
			g, w := got[i].Epoch, want[i].Epoch
			if math.Abs(float64(g.TrainLoss-w.TrainLoss)) > 1e-4 || math.Abs(float64(g.ValLoss-w.ValLoss)) > 1e-4 ||
				math.Abs(float64(g.TrainAcc-w.TrainAcc)) > 0.02 || math.Abs(float64(g.ValAcc-w.ValAcc)) > 0.02 {
				t.Errorf("%d shards, epoch %d: %+v, without shards %+v", n, g.Epoch, g, w)
			}
		}
	}
}
