package gemm

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

// TestMicroKernels compares every micro-kernel of every kernel the CPU
// runs (the generated assembly ones and microGo4x4) with microRef, its
// portable twin, on both operand layouts the kernel accepts, full and
// partial tiles, beta 0 and not, with and without NaN and infinite inputs;
// C lives between guard bands that must stay untouched. Exact kernels
// (microGo4x4, NEON) must give microRef's bits; the FMA kernels of amd64,
// whose twin is not fused there, a k-term float32 rounding tolerance.
func TestMicroKernels(t *testing.T) {
	rng := rand.New(rand.NewPCG(21, 22))
	for _, kr := range kernels() {
		for i, fn := range kr.fns {
			h := (i + 1) * kr.unit
			layouts := []string{"packed"}
			if kr.inPlace {
				layouts = append(layouts, "row-major")
			}
			colsList := []int{kr.nr}
			if kr.maskCols {
				colsList = append(colsList, 1, kr.nr-3)
			}
			for _, layout := range layouts {
				for _, rows := range []int{h, max(1, h-1), 1} {
					for _, cols := range colsList {
						for _, beta := range []float32{0, 0.5, 1} {
							for _, nan := range []bool{false, true} {
								name := fmt.Sprintf("%s/h=%d/%s/rows=%d/cols=%d/beta=%v/nan=%v", kr.name, h, layout, rows, cols, beta, nan)
								if err := checkMicro(rng, fn, h, kr.nr, layout, rows, cols, beta, nan, kr.exact); err != nil {
									t.Errorf("%s: %v", name, err)
								}
							}
						}
					}
				}
			}
		}
	}
}

func checkMicro(rng *rand.Rand, fn micro, h, nr int, layout string, rows, cols int, beta float32, nan, exact bool) error {
	const k, ldc = 37, 21
	rs, ps, lenA := 1, h, h*k // packed: the h values of a step are contiguous
	if layout == "row-major" {
		rs, ps, lenA = k+3, 1, (h-1)*(k+3)+k
	}
	bs := nr
	a, b := mat(rng, 1, lenA, lenA), mat(rng, 1, bs*k, bs*k)
	if nan {
		// A NaN in A's row 0 at step 3 makes row 0 NaN; an infinity in
		// B's column 0 at step 5 makes the rest of column 0 infinite.
		a.body[3*ps] = float32(math.NaN())
		b.body[5*bs] = float32(math.Inf(1))
	}
	c0 := make([]float32, (rows-1)*ldc+cols)
	for i := range c0 {
		c0[i] = rng.Float32()*2 - 1
	}
	got := newGuarded(len(c0), cSentinel)
	copy(got.body, c0)
	want := append([]float32(nil), c0...)
	fn(k, a.body, rs, ps, b.body, bs, got.body, ldc, 0.75, beta, rows, cols)
	microRef(k, a.body, rs, ps, b.body, bs, want, ldc, 0.75, beta, rows, cols)
	if err := got.intact("C", cSentinel); err != nil {
		return err
	}
	for r := 0; r < rows; r++ {
		for j := 0; j < ldc && r*ldc+j < len(c0); j++ {
			i := r*ldc + j
			if j >= cols {
				if got.body[i] != c0[i] {
					return fmt.Errorf("C[%d,%d] outside the tile changed", r, j)
				}
				continue
			}
			g, w := got.body[i], want[i]
			finite := !math.IsNaN(float64(w)) && !math.IsInf(float64(w), 0)
			if exact || !finite {
				// NaNs compare by being NaN (their payloads are not
				// results); everything else by its bits.
				if math.Float32bits(g) != math.Float32bits(w) && !(g != g && w != w) {
					return fmt.Errorf("C[%d,%d] = %v (%#x), portable loop %v (%#x)", r, j, g, math.Float32bits(g), w, math.Float32bits(w))
				}
				continue
			}
			// FMA kernels round once per step, microRef twice: allow
			// float32 rounding of a k-term sum of terms below 1.
			if d := math.Abs(float64(got.body[i] - want[i])); !(d <= 1e-5*k) {
				return fmt.Errorf("C[%d,%d] = %v, portable loop %v", r, j, got.body[i], want[i])
			}
		}
	}
	return nil
}

// TestPackRows16 compares packRows16, whatever it runs on, with
// packRows16Go, its portable twin, with guard bands around the output.
func TestPackRows16(t *testing.T) {
	rng := rand.New(rand.NewPCG(23, 24))
	for _, n := range []int{1, 2, 7, 64} {
		for _, lds := range []int{16, 17, 40} {
			src := mat(rng, n, 16, lds)
			got := newGuarded(n*16, cSentinel)
			want := make([]float32, n*16)
			packRows16(src.body, lds, got.body, n)
			packRows16Go(src.body, lds, want, n)
			if err := got.intact("dst", cSentinel); err != nil {
				t.Fatalf("n=%d lds=%d: %v", n, lds, err)
			}
			for i := range want {
				if math.Float32bits(got.body[i]) != math.Float32bits(want[i]) {
					t.Fatalf("n=%d lds=%d: dst[%d] = %v, want %v", n, lds, i, got.body[i], want[i])
				}
			}
		}
	}
}

// TestKernelNameFollowsTheCPU checks that KernelName, which the commands
// print, names the kernel New runs and the fastest one this CPU has.
func TestKernelNameFollowsTheCPU(t *testing.T) {
	ks := kernels()
	want := ks[len(ks)-1].name
	if got := KernelName(); got != want {
		t.Errorf("KernelName() = %q, want %q (the last of %d kernels this CPU runs)", got, want, len(ks))
	}
	if got := New(nil).Kernel(); got != want {
		t.Errorf("New(nil).Kernel() = %q, want %q", got, want)
	}
}
