package gemm

import (
	"math/rand/v2"
	"testing"
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
	a := mat(rng, s.m, s.k, s.k)
	bm := mat(rng, s.k, s.n, s.n)
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
			e := newEngine(th, kr)
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
