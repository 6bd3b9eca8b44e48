//go:build !js

package main

import (
	"fmt"
	"time"

	"github.com/nlpodyssey/spago/ag"

	"fashionlab/assets"
	"fashionlab/model"
	"fashionlab/model/ops"
	"fashionlab/model/train"
)

// partResult is one part of a training step, timed alone.
type partResult struct {
	Name    string  `json:"name"`
	Seconds float64 `json:"seconds"` // median per step
	GFLOP   float64 `json:"gflop"`   // per step, as counted by stepFlops
}

// partSteps is how many steps stepParts times (after two warm-up steps).
const partSteps = 15

// stepParts times the parts of a training step on one batch of 128
// training images: forward with the loss, backward, and the optimizer's
// update, each the median of partSteps steps. It trains net further.
func stepParts(net *model.Network, split *assets.Split, s train.Settings) ([]partResult, error) {
	const batch = 128
	if split.Train.N < batch {
		return nil, fmt.Errorf("step parts need %d training images, have %d", batch, split.Train.N)
	}
	opt, err := train.NewOptimizer(s.Optimizer, s.LearningRate, s.Momentum, net.Params())
	if err != nil {
		return nil, err
	}
	x := ops.Matrix(split.Train.X[:batch*assets.ImagePixels], batch, assets.ImagePixels)
	y := split.Train.Y[:batch]
	var ws ops.Workspace
	var fwd, bwd, upd []float64
	for rep := 0; rep < partSteps+2; rep++ {
		t0 := time.Now()
		loss, _ := ops.Loss(&ws, net.Forward(x), y)
		t1 := time.Now()
		if err := ag.Backward(loss); err != nil {
			return nil, err
		}
		t2 := time.Now()
		opt.Step(net.Pool(), net.Params())
		t3 := time.Now()
		if rep >= 2 {
			fwd = append(fwd, t1.Sub(t0).Seconds())
			bwd = append(bwd, t2.Sub(t1).Seconds())
			upd = append(upd, t3.Sub(t2).Seconds())
		}
	}
	f, b := stepFlops(net.Config(), batch)
	return []partResult{
		{Name: "forward+loss", Seconds: median(fwd), GFLOP: f / 1e9},
		{Name: "backward", Seconds: median(bwd), GFLOP: b / 1e9},
		{Name: "update (" + s.Optimizer + ")", Seconds: median(upd), GFLOP: updateFlops(s.Optimizer, net.NumParams()) / 1e9},
	}, nil
}

// stepFlops counts the floating-point operations of the matrix products
// of one step at the given batch size (2 per multiply-add): the
// convolutions' and dense layers' forward products, and in backward their
// weight gradients and input gradients (none for the first layer, whose
// input needs no gradient). Pools, activations, bias and loss passes are
// not counted: they are a small share of the operations, however much of
// the time they take.
func stepFlops(cfg model.Config, batch int) (forward, backward float64) {
	h, w, c := model.ImageSize, model.ImageSize, 1
	first := true
	add := func(macs float64) {
		forward += 2 * macs
		backward += 2 * macs // weight gradient
		if !first {
			backward += 2 * macs // input gradient
		}
		first = false
	}
	for i, outC := range cfg.Channels {
		k, s, p := cfg.Kernels[i], cfg.Strides[i], cfg.Paddings[i]
		oh, ow := (h+2*p-k)/s+1, (w+2*p-k)/s+1
		add(float64(batch) * float64(oh*ow) * float64(outC) * float64(k*k*c))
		h, w, c = oh/2, ow/2, outC
		if i == len(cfg.Channels)-1 {
			h, w = 4, 4 // the adaptive pool
		}
	}
	in := h * w * c
	for _, out := range append(append([]int(nil), cfg.Hidden...), model.Classes) {
		add(float64(batch) * float64(in) * float64(out))
		in = out
	}
	return forward, backward
}

// updateFlops counts an optimizer step's operations per parameter: Adam's
// moments, square root, two divisions and update (13), SGD's momentum and
// update (4).
func updateFlops(optimizer string, params int) float64 {
	if optimizer == train.Adam {
		return 13 * float64(params)
	}
	return 4 * float64(params)
}
