package train

import (
	"fmt"

	"fashionlab/assets"
	"fashionlab/model"
)

// Memory is an estimate, in bytes, of what training one network holds
// while it trains, by part. The data set is not included.
type Memory struct {
	Params      int64 // the parameters
	Grads       int64 // their gradients
	Optimizer   int64 // the optimizer's state slots (Adam's two moments, SGD's momentum)
	Activations int64 // the ops' buffers for one batch (and for evaluation's forward passes)
	Batch       int64 // the batch's copied images
}

// Total returns the sum of the parts.
func (m Memory) Total() int64 { return m.Params + m.Grads + m.Optimizer + m.Activations + m.Batch }

// EstimateMemory estimates the memory of training a network of cfg with
// the settings s, the fused convolutions' chunks running on workers
// goroutines. It fails when cfg or s is invalid, or a part overflows.
func EstimateMemory(cfg model.Config, s Settings, workers int) (Memory, error) {
	if err := s.Validate(); err != nil {
		return Memory{}, err
	}
	method, _ := LookupMethod(s.Optimizer)
	params, err := cfg.ParamCount()
	if err != nil {
		return Memory{}, fmt.Errorf("train: memory estimate: %w", err)
	}
	act, err := cfg.ActivationBytes(s.BatchSize, EvalBatch, workers)
	if err != nil {
		return Memory{}, fmt.Errorf("train: memory estimate: %w", err)
	}
	const floatBytes = 4
	p, ok := mulSize(int64(params), floatBytes)
	slots, ok2 := mulSize(int64(len(method.Slots())), p)
	batch, ok3 := mulSize(int64(s.BatchSize), assets.ImagePixels*floatBytes)
	m := Memory{Params: p, Grads: p, Optimizer: slots, Activations: act, Batch: batch}
	if !ok || !ok2 || !ok3 || !sumFits(m.Params, m.Grads, m.Optimizer, m.Activations, m.Batch) {
		return Memory{}, fmt.Errorf("train: memory estimate: training %s with batch %d needs more bytes than can be counted", cfg, s.BatchSize)
	}
	return m, nil
}

// mulSize returns a·b for non-negative a and b, and whether it fits in an
// int64.
func mulSize(a, b int64) (int64, bool) {
	if a < 0 || b < 0 || (b != 0 && a > (1<<63-1)/b) {
		return 0, false
	}
	return a * b, true
}

// sumFits reports whether the sum of the non-negative xs fits in an int64.
func sumFits(xs ...int64) bool {
	var sum int64
	for _, x := range xs {
		if x < 0 || sum > 1<<63-1-x {
			return false
		}
		sum += x
	}
	return true
}
