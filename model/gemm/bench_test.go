package gemm

import (
	"math/rand/v2"
	"testing"

	"fashionlab/model/parallel"
)

type benchShape struct {
	name string
	shape
}

// benchShapes are one training step's products at batch 128.
var benchShapes = []benchShape{
	{"mlp_fwd1", shape{128, 256, 784, false, true}},
	{"mlp_fwd2", shape{128, 256, 256, false, true}},
	{"mlp_fwd3", shape{128, 10, 256, false, true}},
	{"mlp_dx2", shape{128, 784, 256, false, false}},
	{"mlp_dw1", shape{256, 784, 128, true, false}},
	{"mlp_dw2", shape{256, 256, 128, true, false}},
	{"conv1_fwd", shape{128 * 26 * 26, 16, 9, false, true}},
	{"conv2_fwd", shape{128 * 11 * 11, 32, 144, false, true}},
	{"conv3_fwd", shape{128 * 3 * 3, 48, 288, false, true}},
	{"conv1_dw", shape{16, 9, 128 * 26 * 26, true, false}},
	{"conv2_dw", shape{32, 144, 128 * 11 * 11, true, false}},
	{"conv3_dw", shape{48, 288, 128 * 3 * 3, true, false}},
	{"conv1_dcols", shape{128 * 26 * 26, 9, 16, false, false}},
	{"conv2_dcols", shape{128 * 11 * 11, 144, 32, false, false}},
	{"conv3_dcols", shape{128 * 3 * 3, 288, 48, false, false}},
	{"square512", shape{512, 512, 512, false, false}},
}

func benchGemm(b *testing.B, s shape, run func(a []float32, lda int, bm []float32, ldb int, c []float32)) {
	rng := rand.New(rand.NewPCG(1, 2))
	lda, ldb := s.k, s.n
	if s.transA {
		lda = s.m
	}
	if s.transB {
		ldb = s.k
	}
	a := mat(rng, s.m, s.k, s.k).body
	bm := mat(rng, s.k, s.n, s.n).body
	c := make([]float32, s.m*s.n)
	run(a, lda, bm, ldb, c)
	b.ResetTimer()
	cpu0 := cpuTime()
	for b.Loop() {
		run(a, lda, bm, ldb, c)
	}
	gflop := 2 * float64(s.m) * float64(s.n) * float64(s.k) * float64(b.N) / 1e9
	b.ReportMetric(gflop/b.Elapsed().Seconds(), "GFLOP/s")
	if cpu := cpuTime() - cpu0; cpu > 0 {
		// Per CPU-second: with t threads busy this is about GFLOP/s / t.
		b.ReportMetric(gflop/cpu.Seconds(), "GFLOP/cpu-s")
	}
}

// BenchmarkGemm runs every kernel at 1 and 2 threads; compare with
// BenchmarkReference for the plain loop.
func BenchmarkGemm(b *testing.B) {
	for _, kr := range kernels() {
		for _, th := range []int{1, 2} {
			e := newEngine(parallel.New(th), kr)
			for _, bs := range benchShapes {
				b.Run(kr.name+"/t"+string(rune('0'+th))+"/"+bs.name, func(b *testing.B) {
					benchGemm(b, bs.shape, func(a []float32, lda int, bm []float32, ldb int, c []float32) {
						e.Gemm(bs.transA, bs.transB, bs.m, bs.n, bs.k, 1, a, lda, bm, ldb, 0, c, bs.n)
					})
				})
			}
		}
	}
}

func BenchmarkReference(b *testing.B) {
	for _, bs := range benchShapes {
		b.Run(bs.name, func(b *testing.B) {
			benchGemm(b, bs.shape, func(a []float32, lda int, bm []float32, ldb int, c []float32) {
				reference(bs.transA, bs.transB, bs.m, bs.n, bs.k, 1, a, lda, bm, ldb, 0, c, bs.n)
			})
		})
	}
}

// mlpStep is every product of one training step of the 784-256-256-10 MLP
// at batch 128 (forward, weight gradients, and input gradients of the two
// upper layers).
var mlpStep = []shape{
	{128, 256, 784, false, true}, // forward
	{128, 256, 256, false, true},
	{128, 10, 256, false, true},
	{10, 256, 128, true, false},   // dW3 = dY3ᵀ·H2
	{128, 256, 10, false, false},  // dH2 = dY3·W3
	{256, 256, 128, true, false},  // dW2
	{128, 256, 256, false, false}, // dH1
	{256, 784, 128, true, false},  // dW1
}

// BenchmarkMLPStep runs one training step's products back to back, the
// number to compare with a framework's time per step.
func BenchmarkMLPStep(b *testing.B) {
	type operands struct{ a, b, c []float32 }
	rng := rand.New(rand.NewPCG(1, 2))
	ops := make([]operands, len(mlpStep))
	var flops float64
	for i, s := range mlpStep {
		ops[i] = operands{mat(rng, s.m, s.k, s.k).body, mat(rng, s.k, s.n, s.n).body, make([]float32, s.m*s.n)}
		flops += 2 * float64(s.m) * float64(s.n) * float64(s.k)
	}
	for _, kr := range kernels() {
		for _, th := range []int{1, 2} {
			e := newEngine(parallel.New(th), kr)
			b.Run(kr.name+"/t"+string(rune('0'+th)), func(b *testing.B) {
				step := func() {
					for i, s := range mlpStep {
						lda, ldb := s.k, s.n
						if s.transA {
							lda = s.m
						}
						if s.transB {
							ldb = s.k
						}
						e.Gemm(s.transA, s.transB, s.m, s.n, s.k, 1, ops[i].a, lda, ops[i].b, ldb, 0, ops[i].c, s.n)
					}
				}
				step()
				b.ResetTimer()
				cpu0 := cpuTime()
				for b.Loop() {
					step()
				}
				b.ReportMetric(flops*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
				if cpu := cpuTime() - cpu0; cpu > 0 {
					b.ReportMetric(flops*float64(b.N)/cpu.Seconds()/1e9, "GFLOP/cpu-s")
				}
				b.ReportMetric(b.Elapsed().Seconds()*1e3/float64(b.N), "ms/step")
			})
		}
	}
}
