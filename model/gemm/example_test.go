package gemm_test

import (
	"fmt"

	"fashionlab/model/gemm"
	"fashionlab/model/parallel"
)

// C = A·Bᵀ for a 2×3 A and a 2×3 B (so op(B) = Bᵀ is 3×2), row-major with
// leading dimension 3; beta 0 overwrites C.
func ExampleEngine_Gemm() {
	e := gemm.New(parallel.New(1))
	a := []float32{
		1, 2, 3,
		4, 5, 6,
	}
	b := []float32{
		1, 0, -1,
		2, 1, 0,
	}
	c := make([]float32, 2*2)
	e.Gemm(false, true, 2, 2, 3, 1, a, 3, b, 3, 0, c, 2)
	fmt.Println(c[0:2])
	fmt.Println(c[2:4])
	// Output:
	// [-2 4]
	// [-2 13]
}
