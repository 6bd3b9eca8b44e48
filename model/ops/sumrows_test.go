package ops

import (
	"math"
	"math/rand/v2"
	"testing"

	"fashionlab/model/parallel"
)

// TestSumRowsIndependentOfThreads checks that the bias-gradient sums are
// bit-identical with 1 and 2 threads and close to a float64 sum.
func TestSumRowsIndependentOfThreads(t *testing.T) {
	tests := []struct {
		name       string
		rows, cols int
		beta       float32
	}{
		{"one block", 100, 7, 0},
		{"exactly one full block", sumBlockRows, 3, 0},
		{"many blocks and a partial one", 5*sumBlockRows + 17, 16, 0},
		{"many blocks added to a previous value", 3*sumBlockRows + 1, 5, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rng := rand.New(rand.NewPCG(5, uint64(tt.rows)))
			g := make([]float32, tt.rows*tt.cols)
			for i := range g {
				g[i] = float32(rng.NormFloat64())
			}
			run := func(procs int) []float32 {
				dst := make([]float32, tt.cols)
				for j := range dst {
					dst[j] = 0.25
				}
				sumRows(parallel.New(procs), dst, tt.beta, g, tt.rows, tt.cols)
				return dst
			}
			one, two := run(1), run(2)
			for j := range one {
				if math.Float32bits(one[j]) != math.Float32bits(two[j]) {
					t.Fatalf("column %d: %v with 1 thread, %v with 2", j, one[j], two[j])
				}
				want := 0.25 * float64(tt.beta)
				for r := 0; r < tt.rows; r++ {
					want += float64(g[r*tt.cols+j])
				}
				if math.Abs(float64(one[j])-want) > 1e-3 {
					t.Errorf("column %d: sum %v, want %v", j, one[j], want)
				}
			}
		})
	}
}
