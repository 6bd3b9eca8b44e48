package train

import (
	"slices"
	"testing"

	"fashionlab/model"
	"fashionlab/model/parallel"
)

// TestKeepBestEndsWithTheBestEpochsWeights trains the same run twice, once
// keeping the best epoch: the kept run logs the same epochs and ends with
// the weights of the epoch of highest validation accuracy, which a run
// stopped after that epoch also holds.
func TestKeepBestEndsWithTheBestEpochsWeights(t *testing.T) {
	split := learnableSplit(300, 100)
	s := DefaultSettings()
	s.Epochs, s.BatchSize, s.LearningRate, s.EvalTrainSize = 6, 16, 3e-2, 64
	runTo := func(epochs int, keep bool) (*History, [][]float32) {
		net, err := model.New(model.Config{Net: model.MLP, Hidden: []int{16}, Activation: "relu"}, 3, parallel.New(1))
		if err != nil {
			t.Fatal(err)
		}
		st := s
		st.KeepBest = keep
		tr, err := New(net, split, st)
		if err != nil {
			t.Fatal(err)
		}
		for !tr.Done() && len(tr.History().Epochs) <= epochs {
			tr.Step()
		}
		var w [][]float32
		for _, p := range net.Params() {
			w = append(w, slices.Clone(p.Values()))
		}
		return tr.History(), w
	}
	plain, last := runTo(s.Epochs, false)
	kept, keptW := runTo(s.Epochs, true)
	best := 1
	for e := 1; e <= s.Epochs; e++ {
		if kept.Epochs[e].ValAcc != plain.Epochs[e].ValAcc {
			t.Fatalf("epoch %d: KeepBest changed the log (%v, %v)", e, kept.Epochs[e].ValAcc, plain.Epochs[e].ValAcc)
		}
		if kept.Epochs[e].ValAcc > kept.Epochs[best].ValAcc {
			best = e
		}
	}
	if kept.KeptEpoch != best || plain.KeptEpoch != 0 {
		t.Fatalf("kept epoch %d (without KeepBest %d), want %d", kept.KeptEpoch, plain.KeptEpoch, best)
	}
	_, atBest := runTo(best, false)
	if !slices.EqualFunc(keptW, atBest, slices.Equal[[]float32]) {
		t.Errorf("the kept weights are not those of epoch %d", best)
	}
	if best != s.Epochs && slices.EqualFunc(keptW, last, slices.Equal[[]float32]) {
		t.Errorf("the kept weights are the last epoch's, not epoch %d's", best)
	}
	t.Logf("validation accuracy per epoch %v; kept epoch %d", func() (v []float64) {
		for _, e := range kept.Epochs {
			v = append(v, float64(e.ValAcc))
		}
		return
	}(), best)
}
