package equivariance

import (
	"fmt"

	"fashionlab/model"
	"fashionlab/model/ops"
)

// FirstLayer returns, as a Model, one output channel of net's first
// convolution layer followed by its activation, on a 28×28 map. The values
// come from the network's own forward pass (Network.ForwardMaps), so they
// are exactly what the network computes; the rest of the network runs too
// but is not used. The map is fed as given: the per-pixel normalization the
// network may have been trained with is the caller's choice, and is itself
// not shift-equivariant.
//
// The reach is (kernel−1)/2. FirstLayer fails for an MLP, for a channel the
// layer does not have, for a stride other than 1 (its output frame is
// coarser than the input's, so a shift by the same number of pixels is not
// the same displacement) and for an even kernel without compensating
// padding, whose output is not centred on its input. The Model's Apply
// panics on a map that is not 28×28. Like every pass over a Network, it must
// not run while the network is training.
func FirstLayer(net *model.Network, channel int) (Model, error) {
	cfg := net.Config()
	if cfg.Net != model.CNN || len(cfg.Channels) == 0 {
		return Model{}, fmt.Errorf("equivariance: %s has no convolution layer", cfg)
	}
	k, stride, pad, outC := cfg.Kernels[0], cfg.Strides[0], cfg.Paddings[0], cfg.Channels[0]
	if channel < 0 || channel >= outC {
		return Model{}, fmt.Errorf("equivariance: the first layer has channels 0..%d, not %d", outC-1, channel)
	}
	if stride != 1 {
		return Model{}, fmt.Errorf("equivariance: the first layer has stride %d; the probe needs stride 1", stride)
	}
	if (k-1-2*pad)%2 != 0 {
		return Model{}, fmt.Errorf("equivariance: the first layer's %dx%d kernel with padding %d does not centre its output on its input", k, k, pad)
	}
	name := fmt.Sprintf("layer 1 channel %d (Conv2d 1->%d k%d p%d, %s)", channel, outC, k, pad, cfg.Activation)
	apply := func(m Map) Map {
		if m.H != model.ImageSize || m.W != model.ImageSize {
			panic(fmt.Sprintf("equivariance: the network takes %dx%d images, got %dx%d", model.ImageSize, model.ImageSize, m.H, m.W))
		}
		x := append([]float32(nil), m.Pix...)
		_, maps := net.ForwardMaps(ops.Matrix(x, 1, len(x)))
		fm := maps[0]
		out := NewMap(fm.H, fm.W)
		for i := range out.Pix {
			out.Pix[i] = fm.Data[i*fm.C+channel]
		}
		return out
	}
	return Model{Name: name, Apply: apply, Reach: (k - 1) / 2}, nil
}
