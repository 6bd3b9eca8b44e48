package model

import "fmt"

// Bytes per stored value: float32 values and int32 pool indices.
const (
	floatBytes = 4
	indexBytes = 4
)

// ActivationBytes estimates the bytes of the buffers a network of cfg keeps
// for its forward and backward passes (the ops' workspaces: layer outputs,
// their gradients, pool indices, the convolutions' patch chunks and
// per-chunk weight gradients, dropout masks). Training steps use batch
// images; forward passes that evaluate use evalBatch images, and the
// forward buffers keep the larger of the two. workers is how many
// goroutines run the fused convolutions' chunks, each with its own scratch
// (one in the browser). Parameters and their gradients are not included
// (see ParamCount). It fails when cfg is invalid or the bytes overflow an
// int64.
func (c Config) ActivationBytes(batch, evalBatch, workers int) (int64, error) {
	p, err := c.plan()
	if err != nil {
		return 0, err
	}
	if batch < 1 || evalBatch < 1 || workers < 1 {
		return 0, fmt.Errorf("model: memory estimate for batch %d, evaluation batch %d and %d workers: each must be at least 1", batch, evalBatch, workers)
	}
	r := batchRows{batch: batch, eval: evalBatch, workers: workers,
		forward: int64(max(batch, evalBatch)), backward: int64(batch)}
	var s sizer
	var total int64
	for _, l := range p.layers {
		total = s.add(total, l.bytes(r, &s))
	}
	if s.overflow {
		return 0, fmt.Errorf("model: the buffers of the network %s with batch %d are too large to count", c, batch)
	}
	return total, nil
}

// ParamCount returns the number of trainable scalars of a network of cfg
// without building it: the same number as (*Network).NumParams. It fails
// when cfg is invalid or the count overflows.
func (c Config) ParamCount() (int, error) {
	p, err := c.plan()
	if err != nil {
		return 0, err
	}
	return int(p.params), nil
}
