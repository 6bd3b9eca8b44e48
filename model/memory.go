package model

import "fashionlab/model/ops"

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
	fb := int64(max(batch, evalBatch)) // rows of the forward buffers
	bb := int64(batch)                 // rows of the backward buffers
	var total int64
	width := int64(ImageSize * ImageSize)
	if c.Net == CNN {
		geoms, _ := c.convGeometries()
		for i, l := range geoms {
			g := l.geom
			k, outC := int64(g.PatchSize()), int64(g.OutC)
			mapSize := int64(g.OutH() * g.OutW())
			inSize := int64(g.InH * g.InW * g.InC)
			pooled := int64(l.outH*l.outW) * outC
			if l.adaptive {
				pooled = AdaptiveCells * AdaptiveCells * outC
			}
			needX := i > 0 // the images themselves need no gradient
			var floats, ints int64
			if g.InC > 1 {
				floats += 2 * outC * k // weights in patch order, and the gradient's permutation back
			}
			if act == ops.ReLU {
				// Fused convolution, relu and pool, a chunk of images at a time.
				floats += fb * pooled // pooled output
				ints += fb * pooled   // index of each window's winner
				chunk := int64(max(ops.ConvPoolChunk(g, max(batch, evalBatch)), ops.ConvPoolChunk(g, batch)))
				chunks := (bb + int64(ops.ConvPoolChunk(g, batch)) - 1) / int64(ops.ConvPoolChunk(g, batch))
				w := min(int64(workers), max((fb+chunk-1)/chunk, chunks))
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
		o := int64(out)
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
	return total, nil
}

// ParamCount returns the number of trainable scalars of a network of cfg
// without building it: the same number as (*Network).NumParams.
func (c Config) ParamCount() (int, error) {
	if err := c.Validate(); err != nil {
		return 0, err
	}
	total := 0
	width := ImageSize * ImageSize
	if c.Net == CNN {
		geoms, _ := c.convGeometries()
		for _, l := range geoms {
			total += l.geom.PatchSize()*l.geom.OutC + l.geom.OutC
			width = AdaptiveCells * AdaptiveCells * l.geom.OutC
		}
	}
	for _, out := range append(append([]int(nil), c.Hidden...), Classes) {
		total += width*out + out
		width = out
	}
	return total, nil
}
