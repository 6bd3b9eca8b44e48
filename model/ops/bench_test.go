package ops

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/nlpodyssey/spago/ag"
	"github.com/nlpodyssey/spago/mat"

	"fashionlab/model/gemm"
	"fashionlab/model/parallel"
)

// defaultCNNConvs are the convolution layers of the default CNN.
var defaultCNNConvs = []ConvGeometry{
	{InH: 28, InW: 28, InC: 1, OutC: 16, Kernel: 3, Stride: 1},
	{InH: 13, InW: 13, InC: 16, OutC: 32, Kernel: 3, Stride: 1},
	{InH: 5, InW: 5, InC: 32, OutC: 48, Kernel: 3, Stride: 1},
}

func randomMatrix(rng *rand.Rand, rows, cols int, grad bool) *mat.Dense[float32] {
	v := make([]float32, rows*cols)
	for i := range v {
		v[i] = float32(rng.NormFloat64())
	}
	return mat.NewDense[float32](mat.WithShape(rows, cols), mat.WithBacking(v), mat.WithGrad(grad))
}

// BenchmarkConv times the default CNN's convolutions at batch 128, forward
// only and forward+backward (as in training: the first layer's input needs
// no gradient), followed by the fused relu+pool, with 1 and 2 threads.
func BenchmarkConv(b *testing.B) {
	const batch = 128
	for i, g := range defaultCNNConvs {
		for _, threads := range []int{1, 2} {
			for _, backward := range []bool{false, true} {
				mode := "forward"
				if backward {
					mode = "train"
				}
				b.Run(fmt.Sprintf("conv%d/%s/threads=%d", i+1, mode, threads), func(b *testing.B) {
					eng := gemm.New(parallel.New(threads))
					rng := rand.New(rand.NewPCG(1, uint64(i)))
					x := randomMatrix(rng, batch, g.InH*g.InW*g.InC, i > 0)
					w := randomMatrix(rng, g.OutC, g.PatchSize(), true)
					bias := randomMatrix(rng, 1, g.OutC, true)
					var ws Workspace
					pg := PoolGeometry{H: g.OutH(), W: g.OutW(), C: g.OutC}
					for b.Loop() {
						y := Convolve(eng, &ws, g, x, w, bias)
						if i < len(defaultCNNConvs)-1 {
							y = MaxPoolReLU(eng.Pool(), &ws, pg, y)
						} else {
							y = AdaptiveMaxPoolReLU(eng.Pool(), &ws, pg, 4, 4, y)
						}
						if backward {
							y.AccGrad(Matrix(make([]float32, y.Value().Size()), batch, y.Value().Size()/batch))
							if err := ag.Backward(y); err != nil {
								b.Fatal(err)
							}
						}
					}
					b.ReportMetric(float64(b.N*batch)/b.Elapsed().Seconds(), "images/s")
				})
			}
		}
	}
}

// BenchmarkMaxPoolReLU times the fused pool+relu over the default CNN's
// first feature maps (batch 128, 26×26×16), forward and backward.
func BenchmarkMaxPoolReLU(b *testing.B) {
	pool := parallel.New(1)
	rng := rand.New(rand.NewPCG(3, 4))
	g := PoolGeometry{H: 26, W: 26, C: 16}
	x := randomMatrix(rng, 128, g.H*g.W*g.C, true)
	var ws Workspace
	for b.Loop() {
		y := MaxPoolReLU(pool, &ws, g, x)
		y.AccGrad(Matrix(make([]float32, y.Value().Size()), 128, y.Value().Size()/128))
		if err := ag.Backward(y); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N*128)/b.Elapsed().Seconds(), "images/s")
}

// BenchmarkConvPool times the fused convolution+relu+pool of the default
// CNN's first two layers, forward and backward (the first layer's input
// needs no gradient), with 1 and 2 threads.
func BenchmarkConvPool(b *testing.B) {
	const batch = 128
	for i, g := range defaultCNNConvs[:2] {
		for _, threads := range []int{1, 2} {
			b.Run(fmt.Sprintf("conv%d/threads=%d", i+1, threads), func(b *testing.B) {
				pool := parallel.New(threads)
				rng := rand.New(rand.NewPCG(1, uint64(i)))
				x := randomMatrix(rng, batch, g.InH*g.InW*g.InC, i > 0)
				w := randomMatrix(rng, g.OutC, g.PatchSize(), true)
				bias := randomMatrix(rng, 1, g.OutC, true)
				var ws Workspace
				gy0 := make([]float32, batch*(g.OutH()/2)*(g.OutW()/2)*g.OutC)
				for j := range gy0 {
					gy0[j] = float32(j%7) - 3
				}
				gy := make([]float32, len(gy0))
				for b.Loop() {
					y := ConvPoolReLU(pool, &ws, g, x, w, bias)
					copy(gy, gy0)
					y.AccGrad(Matrix(gy, batch, len(gy)/batch))
					if err := ag.Backward(y); err != nil {
						b.Fatal(err)
					}
				}
				b.ReportMetric(float64(b.N*batch)/b.Elapsed().Seconds(), "images/s")
			})
		}
	}
}
