package session

import (
	"time"

	"fashionlab/assets"
	"fashionlab/model"
	"fashionlab/model/train"
)

// warmUpAfter is how long Loop waits for a command before warming up.
const warmUpAfter = 800 * time.Millisecond

// warmUpBatch is the batch of the warm-up steps: the code they run is the
// point, not their arithmetic.
const warmUpBatch = 4

// WarmUpWhenIdle makes Loop, the first time it has had nothing to do for
// warmUpAfter before a run starts, train one throwaway step of the
// homework's MLP and of a small CNN on blank images. In a browser that
// compiles WebAssembly lazily, this compiles the functions a first step
// runs before a person presses Start, rather than after. Nothing of it is
// sent or kept.
func (w *Session) WarmUpWhenIdle() { w.warmUp = true }

// warmUpNets are the networks of the warm-up: the default MLP, and a CNN
// with every kind of layer the default CNN has, at a fraction of its cost.
func warmUpNets() []model.Config {
	cnn := model.DefaultCNN()
	cnn.Channels = []int{2, 2, 2}
	cnn.Hidden = []int{8, 8}
	return []model.Config{model.DefaultMLP(), cnn}
}

// warm runs the warm-up once, network by network while busy reports
// nothing waiting, and returns the steps it trained; a failure only ends
// it.
func (w *Session) warm(busy func() bool) (steps int) {
	w.warmUp = false
	defer func() { _ = recover() }()
	blank := assets.Set{N: warmUpBatch, X: make([]float32, warmUpBatch*assets.ImagePixels), Y: make([]uint8, warmUpBatch)}
	split := &assets.Split{Train: blank, Val: blank, Test: blank}
	s := train.DefaultSettings()
	s.BatchSize = warmUpBatch
	for _, cfg := range warmUpNets() {
		if busy() {
			return steps
		}
		net, err := model.New(cfg, s.Seed, w.pool)
		if err != nil {
			return steps
		}
		t, err := train.New(net, split, s)
		if err != nil {
			return steps
		}
		t.Step()
		steps++
	}
	return steps
}
