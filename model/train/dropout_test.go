package train

import (
	"slices"
	"testing"

	"fashionlab/assets"
	"fashionlab/model"
	"fashionlab/model/parallel"
)

// TestDropoutTrainsReproduciblyWithoutShards trains an MLP with dropout
// twice, once with three local shards: a network with dropout computes its
// whole batch itself, so both runs end with the same weights, bit for bit,
// and dropout's masks really change the run.
func TestDropoutTrainsReproduciblyWithoutShards(t *testing.T) {
	split := learnableSplit(300, 100)
	s := DefaultSettings()
	s.LearningRate, s.Epochs, s.BatchSize, s.EvalTrainSize, s.Shuffle = 1e-3, 2, 64, 100, true
	cfg := model.Config{Net: model.MLP, Hidden: []int{32, 32}, Activation: "relu", Dropout: 0.5}
	_, alone, _ := trainCurve(t, cfg, split, s, nil)
	_, sharded, _ := trainCurve(t, cfg, split, s, NewLocalShards(3))
	if !slices.Equal(alone, sharded) {
		t.Error("a dropout run with shards ends with other weights than without")
	}
	cfg.Dropout = 0
	_, plain, _ := trainCurve(t, cfg, split, s, nil)
	if slices.Equal(alone, plain) {
		t.Error("training with dropout ends with the weights of training without")
	}
}

func TestDropoutLearnsRealFashionMNIST(t *testing.T) {
	split := realData(t, assets.SplitOptions{Normalize: true, TrainLimit: 6000})
	cfg := model.DefaultMLP()
	cfg.Dropout = 0.5
	s := DefaultSettings()
	s.Epochs, s.LearningRate = 1, 1e-3
	last := trainToEnd(t, cfg, parallel.New(0), split, s).Epochs[1]
	t.Logf("the MLP with dropout 0.5 after one epoch on 6,000 images: validation accuracy %.4f, training accuracy %.4f", last.ValAcc, last.TrainAcc)
	if last.ValAcc < 0.72 {
		t.Errorf("validation accuracy %.3f, want at least 0.72", last.ValAcc)
	}
}
