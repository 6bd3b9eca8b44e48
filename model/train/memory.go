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
	Optimizer   int64 // Adam's two moments, or SGD's momentum
	Activations int64 // the ops' buffers for one batch (and for evaluation's forward passes)
	Batch       int64 // the batch's copied images
}

// Total returns the sum of the parts.
func (m Memory) Total() int64 { return m.Params + m.Grads + m.Optimizer + m.Activations + m.Batch }

// EstimateMemory estimates the memory of training a network of cfg with
// the settings s, the fused convolutions' chunks running on workers
// goroutines. It fails when cfg or s is invalid.
func EstimateMemory(cfg model.Config, s Settings, workers int) (Memory, error) {
	if err := s.Validate(); err != nil {
		return Memory{}, err
	}
	params, err := cfg.ParamCount()
	if err != nil {
		return Memory{}, fmt.Errorf("train: memory estimate: %w", err)
	}
	act, err := cfg.ActivationBytes(s.BatchSize, EvalBatch, workers)
	if err != nil {
		return Memory{}, fmt.Errorf("train: memory estimate: %w", err)
	}
	// Beyond these the byte counts below could overflow; no machine holds
	// a network or batch a thousandth of this size.
	if params > 1<<50 || s.BatchSize > 1<<40 {
		return Memory{}, fmt.Errorf("train: memory estimate: %d parameters with batch %d are too large to count", params, s.BatchSize)
	}
	slots := int64(2) // Adam: first and second moments
	if s.Optimizer == SGD {
		slots = 1 // the momentum buffer
	}
	p := int64(params) * 4
	return Memory{
		Params:      p,
		Grads:       p,
		Optimizer:   slots * p,
		Activations: act,
		Batch:       int64(s.BatchSize) * assets.ImagePixels * 4,
	}, nil
}
