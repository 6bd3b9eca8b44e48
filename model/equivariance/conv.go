package equivariance

import (
	"fmt"
	"math/rand/v2"
)

// Conv is a 3×3 convolution from one channel to one channel, stride 1, no
// padding, computed as PyTorch's Conv2d does (a cross-correlation):
// out(y, x) = Bias + Σ Weight[ky*3+kx]·in(y+ky, x+kx).
type Conv struct {
	Weight [9]float32
	Bias   float32
}

// RandomConv returns a convolution drawn as PyTorch initializes a
// Conv2d(1, 1, 3): weight and bias uniform in ±1/√9 = ±1/3, from a PCG
// generator seeded with seed.
func RandomConv(seed uint64) Conv {
	rng := rand.New(rand.NewPCG(seed, 0xc0a1))
	var c Conv
	for i := range c.Weight {
		c.Weight[i] = float32((rng.Float64()*2 - 1) / 3)
	}
	c.Bias = float32((rng.Float64()*2 - 1) / 3)
	return c
}

// Apply convolves m, giving an (H−2)×(W−2) map. It panics if m is smaller
// than 3×3.
func (c Conv) Apply(m Map) Map {
	if m.H < 3 || m.W < 3 {
		panic(fmt.Sprintf("equivariance: a 3x3 convolution needs at least a 3x3 map, got %dx%d", m.H, m.W))
	}
	out := NewMap(m.H-2, m.W-2)
	for y := range out.H {
		for x := range out.W {
			s := c.Bias
			for ky := range 3 {
				row := m.Pix[(y+ky)*m.W+x:]
				for kx := range 3 {
					s += c.Weight[ky*3+kx] * row[kx]
				}
			}
			out.Pix[y*out.W+x] = s
		}
	}
	return out
}

// ReLU returns max(m, 0) pixel by pixel.
func ReLU(m Map) Map {
	out := NewMap(m.H, m.W)
	for i, v := range m.Pix {
		out.Pix[i] = max(v, 0)
	}
	return out
}

// Model is a map-to-map function under probe, with its reach: how many
// input pixels away from an output pixel's position its value may depend
// on (1 for one 3×3 convolution, 2 for two). Apply must crop its output
// evenly on every side, or not at all (see the package documentation).
type Model struct {
	Name  string
	Apply func(Map) Map
	Reach int
}

// HomeworkModel returns the homework's model relu(c(relu(c(x)))): the same
// convolution twice, 28×28 to 24×24, reach 2.
func HomeworkModel(c Conv) Model {
	return Model{
		Name:  "relu(conv(relu(conv(x))))",
		Apply: func(m Map) Map { return ReLU(c.Apply(ReLU(c.Apply(m)))) },
		Reach: 2,
	}
}
