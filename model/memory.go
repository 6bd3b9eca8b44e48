package model

import (
	"errors"
	"math"

	"fashionlab/model/checked"
	"fashionlab/model/ops"
)

// errTooLarge is the error of a configuration whose counts overflow.
var errTooLarge = errors.New("model: the network is too large to count: its sizes overflow")

// maxBytes bounds the byte counts: far beyond any memory, and exact in
// float64.
const maxBytes = 1 << 53

// Bytes per stored value: float32 values and int32 pool indices.
const (
	floatBytes = 4
	indexBytes = 4
)

// ActivationBytes estimates the bytes of the buffers a network of cfg keeps
// for its forward and backward passes (the ops' workspaces: layer outputs,
// their gradients, pool indices, the convolutions' patch chunks and
// per-chunk weight gradients). Training steps use batch images; forward
// passes that evaluate use evalBatch images, and the forward buffers keep
// the larger of the two. workers is how many goroutines run the fused
// convolutions' chunks, each with its own scratch (one in the browser).
// Parameters and their gradients are not included (see ParamBytes).
func (c Config) ActivationBytes(batch, evalBatch, workers int) (int64, error) {
	if err := c.Validate(); err != nil {
		return 0, err
	}
	act, _ := ops.ParseActivation(c.Activation)
	fb := float64(max(batch, evalBatch)) // rows of the forward buffers
	bb := float64(batch)                 // rows of the backward buffers
	// Counted in float64, exact below 2^53 and never wrapping around.
	var total float64
	width := float64(ImageSize * ImageSize)
	if c.Net == CNN {
		geoms, _ := c.convGeometries()
		for i, l := range geoms {
			g := l.geom
			k, outC := float64(g.InC)*float64(g.Kernel)*float64(g.Kernel), float64(g.OutC)
			mapSize := float64(g.OutH()) * float64(g.OutW())
			inSize := float64(g.InH) * float64(g.InW) * float64(g.InC)
			pooled := float64(l.outH) * float64(l.outW) * outC
			if l.adaptive {
				pooled = AdaptiveCells * AdaptiveCells * outC
			}
			needX := i > 0 // the images themselves need no gradient
			if mapSize*(k+outC)*floatBytes > maxBytes {
				return 0, errTooLarge // and too large for ops.ConvPoolChunk to size
			}
			var floats, ints float64
			if g.InC > 1 {
				floats += 2 * outC * k // weights in patch order, and the gradient's permutation back
			}
			if act == ops.ReLU {
				// Fused convolution, relu and pool, a chunk of images at a time.
				floats += fb * pooled // pooled output
				ints += fb * pooled   // index of each window's winner
				chunk := float64(max(ops.ConvPoolChunk(g, max(batch, evalBatch)), ops.ConvPoolChunk(g, batch)))
				chunks := math.Ceil(bb / float64(ops.ConvPoolChunk(g, batch)))
				w := min(float64(workers), max(math.Ceil(fb/chunk), chunks))
				floats += w * chunk * mapSize * (k + outC) // patches and convolution output per worker
				floats += chunks * outC * (k + 1)          // each chunk's weight and bias gradients
				if needX {
					floats += bb * inSize
				}
			} else {
				// Convolution over the whole batch, activation, pool.
				floats += fb * mapSize * (k + outC) // patches, convolution output
				floats += outC * k                  // weight gradient in patch order
				floats += fb * mapSize * outC       // activation
				floats += bb * mapSize * outC       // activation gradient
				floats += fb*pooled + bb*mapSize*outC
				ints += fb * pooled
				if needX {
					floats += bb * inSize
				}
			}
			total += floats*floatBytes + ints*indexBytes
			width = AdaptiveCells * AdaptiveCells * outC
		}
	}
	sizes := append(append([]int(nil), c.Hidden...), Classes)
	for i, out := range sizes {
		o := float64(out)
		floats := fb*o + bb*width // output, input gradient
		if i < len(sizes)-1 {
			floats += fb*o + bb*o // activation and its gradient
		}
		if i == 0 && c.Net == MLP {
			floats -= bb * width // the images themselves need no gradient
		}
		total += floats * floatBytes
		width = o
	}
	// The loss: probabilities and their gradient.
	total += (fb + bb) * Classes * floatBytes
	if total > maxBytes {
		return 0, errTooLarge
	}
	return int64(total), nil
}

// ParamCount returns the number of trainable scalars of a network of cfg
// without building it: the same number as (*Network).NumParams.
func (c Config) ParamCount() (int, error) {
	if err := c.Validate(); err != nil {
		return 0, err
	}
	total, ok := 0, true
	add := func(in, out int) { // total += in·out + out, checked
		layer, exact := checked.MulAdd(in, out, out)
		total, ok = checked.Add(total, layer)
		ok = ok && exact
	}
	width := ImageSize * ImageSize
	if c.Net == CNN {
		geoms, _ := c.convGeometries()
		for _, l := range geoms {
			k, exact := checked.Mul(l.geom.InC, l.geom.Kernel)
			k, exact2 := checked.Mul(k, l.geom.Kernel)
			if !exact || !exact2 {
				return 0, errTooLarge
			}
			add(k, l.geom.OutC)
			if width, exact = checked.Mul(AdaptiveCells*AdaptiveCells, l.geom.OutC); !exact {
				return 0, errTooLarge
			}
		}
	}
	for _, out := range append(append([]int(nil), c.Hidden...), Classes) {
		if add(width, out); !ok {
			return 0, errTooLarge
		}
		width = out
	}
	if !ok {
		return 0, errTooLarge
	}
	return total, nil
}
