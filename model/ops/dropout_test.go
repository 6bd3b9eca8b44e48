package ops

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

func TestDropoutMaskDropsTheProbabilityAndScalesTheRest(t *testing.T) {
	for _, p := range []float64{0, 0.1, 0.5, 0.9} {
		mask := make([]float32, 100_000)
		DropoutMask(mask, p, rand.New(rand.NewPCG(1, 2)))
		dropped := 0
		scale := float32(1 / (1 - p))
		for i, m := range mask {
			switch m {
			case 0:
				dropped++
			case scale:
			default:
				t.Fatalf("p %g: mask[%d] is %g, want 0 or %g", p, i, m, scale)
			}
		}
		// The dropped fraction of 100,000 draws is within 5 standard
		// deviations (at most 0.008) of p.
		if got := float64(dropped) / float64(len(mask)); math.Abs(got-p) > 0.008 {
			t.Errorf("p %g: dropped %.4f of the units", p, got)
		}
	}
}

func TestDropoutMaskIsTheSameForTheSameGeneratorState(t *testing.T) {
	a, b, c := make([]float32, 500), make([]float32, 500), make([]float32, 500)
	DropoutMask(a, 0.5, rand.New(rand.NewPCG(7, 8)))
	DropoutMask(b, 0.5, rand.New(rand.NewPCG(7, 8)))
	DropoutMask(c, 0.5, rand.New(rand.NewPCG(7, 9)))
	if !slices.Equal(a, b) {
		t.Error("two masks from the same seed differ")
	}
	if slices.Equal(a, c) {
		t.Error("masks from different seeds are the same")
	}
}

func TestDropMultipliesByTheMask(t *testing.T) {
	x := Matrix([]float32{1, -2, 3, 4, 5, -6}, 2, 3)
	mask := []float32{0, 2, 2, 2, 0, 2}
	got := data(Drop(nil, x, mask))
	want := []float32{0, -4, 6, 8, 0, -12}
	if !slices.Equal(got, want) {
		t.Errorf("Drop = %v, want %v", got, want)
	}
}
