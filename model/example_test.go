package model_test

import (
	"fmt"

	"fashionlab/model"
	"fashionlab/model/ops"
	"fashionlab/model/parallel"
)

// Build the homework's default CNN from its configuration, list its
// modules as the equivalent PyTorch nn.Sequential, and run one forward
// pass over a batch of two blank images.
func ExampleNew() {
	pool := parallel.New(1) // the threads every pass of the network may use
	net, err := model.New(model.DefaultCNN(), 197331, pool)
	if err != nil {
		panic(err)
	}
	for _, l := range net.Layers() {
		if l.Params > 0 {
			fmt.Printf("%d %s %s: %d parameters\n", l.Index, l.Kind, l.Detail, l.Params)
		}
	}
	fmt.Println("total", net.NumParams())
	x := make([]float32, 2*model.ImageSize*model.ImageSize)
	logits := net.Forward(ops.Matrix(x, 2, model.ImageSize*model.ImageSize))
	fmt.Println("logits", logits.Shape())
	// Output:
	// 0 Conv2d 1->16, k3 s1 p0: 160 parameters
	// 3 Conv2d 16->32, k3 s1 p0: 4640 parameters
	// 6 Conv2d 32->48, k3 s1 p0: 13872 parameters
	// 10 Linear 768->256: 196864 parameters
	// 12 Linear 256->256: 65792 parameters
	// 14 Linear 256->10: 2570 parameters
	// total 283898
	// logits [2 10]
}
