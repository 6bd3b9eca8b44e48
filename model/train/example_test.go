package train_test

import (
	"context"
	"fmt"
	"log"
	"math/rand/v2"

	"fashionlab/assets"
	"fashionlab/model"
	"fashionlab/model/parallel"
	"fashionlab/model/train"
)

// Train the homework's MLP for three epochs with its default settings.
// The images here are made up so that the example runs anywhere: one
// random pattern per class plus as much noise again; with the real data,
// pass the split that assets.Load and Raw.Split return.
func ExampleTrainer_Run() {
	rng := rand.New(rand.NewPCG(1, 2))
	patterns := make([][]float32, model.Classes)
	for c := range patterns {
		patterns[c] = make([]float32, assets.ImagePixels)
		for i := range patterns[c] {
			patterns[c][i] = float32(rng.NormFloat64())
		}
	}
	set := func(n int) assets.Set {
		s := assets.Set{X: make([]float32, n*assets.ImagePixels), Y: make([]uint8, n), N: n}
		for i := range n {
			c := rng.IntN(model.Classes)
			s.Y[i] = uint8(c)
			for j, p := range patterns[c] {
				s.X[i*assets.ImagePixels+j] = p + float32(rng.NormFloat64())
			}
		}
		return s
	}
	split := &assets.Split{Train: set(1024), Val: set(256), Test: set(256)}

	pool := parallel.New(0) // every core; cmd/train's -threads sets this
	net, err := model.New(model.DefaultMLP(), 197331, pool)
	if err != nil {
		log.Fatal(err)
	}
	s := train.DefaultSettings()
	s.Epochs = 3
	tr, err := train.New(net, split, s)
	if err != nil {
		log.Fatal(err)
	}
	err = tr.Run(context.Background(), train.Hooks{Epoch: func(e train.Epoch) {
		fmt.Printf("epoch %d: %d steps\n", e.Epoch, e.Steps)
	}})
	if err != nil {
		log.Fatal(err)
	}
	h := tr.History()
	fmt.Println(h.Status())
	fmt.Println("validation accuracy above 0.9:", h.LastEpoch().ValAcc > 0.9)
	fmt.Println("test images:", tr.Test().Images)
	// Output:
	// epoch 1: 8 steps
	// epoch 2: 8 steps
	// epoch 3: 8 steps
	// finished
	// validation accuracy above 0.9: true
	// test images: 256
}
