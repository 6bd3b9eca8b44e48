package equivariance_test

import (
	"fmt"

	"fashionlab/model/equivariance"
)

func ExampleProbe() {
	// A bright square away from the border.
	x := equivariance.NewMap(28, 28)
	for y := 8; y < 18; y++ {
		for c := 6; c < 14; c++ {
			x.Pix[y*28+c] = 1
		}
	}
	f := equivariance.HomeworkModel(equivariance.RandomConv(197331))
	r, err := equivariance.Probe(x, f, equivariance.HomeworkOptions())
	if err != nil {
		panic(err)
	}
	fmt.Printf("f(x) is %dx%d\n", r.FX.H, r.FX.W)
	fmt.Printf("%s: interior max %.3g\n", r.Shift.Name, r.Shift.Max)
	fmt.Printf("%s: differs in the interior: %v\n", r.Rotate.Name, r.Rotate.Max > 0)
	// Output:
	// f(x) is 24x24
	// shift (5, 5): interior max 0
	// rotation 90°: differs in the interior: true
}
