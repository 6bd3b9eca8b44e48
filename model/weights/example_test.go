package weights_test

import (
	"fmt"
	"log"
	"os"
	"path/filepath"

	"fashionlab/model"
	"fashionlab/model/parallel"
	"fashionlab/model/weights"
)

// Write a network's weights as model.safetensors, as cmd/train does at the
// end of a run, then rebuild the network from the file alone: its
// configuration is in the metadata.
func ExampleReadNetwork() {
	dir, err := os.MkdirTemp("", "weights-example")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "model.safetensors")

	pool := parallel.New(1)
	net, err := model.New(model.DefaultMLP(), 197331, pool)
	if err != nil {
		log.Fatal(err)
	}
	if err := weights.WriteFile(path, net, nil); err != nil {
		log.Fatal(err)
	}

	loaded, _, err := weights.ReadNetwork(path, pool)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(loaded.Config())
	for _, p := range loaded.Params() {
		fmt.Println(p.Name, p.Shape)
	}
	same := loaded.Params()[0].Values()[42] == net.Params()[0].Values()[42]
	fmt.Println("same weights:", same)
	// Output:
	// mlp dense 256,256 relu
	// 1.weight [256 784]
	// 1.bias [256]
	// 3.weight [256 256]
	// 3.bias [256]
	// 5.weight [10 256]
	// 5.bias [10]
	// same weights: true
}
