//go:build !js

package assets_test

import (
	"context"
	"fmt"
	"log"

	"fashionlab/assets"
)

// Load the four FashionMNIST files (from $FASHIONMNIST_DIR, Debian's
// dataset-fashion-mnist package or the download cache; NoDownload keeps it
// from fetching them) and split them as the homework does: 60,000
// training images, the first 2,000 test images for validation, the other
// 8,000 for the final test, normalized per pixel.
func ExampleLoad() {
	raw, err := assets.Load(context.Background(), assets.Source{NoDownload: true})
	if err != nil {
		log.Fatal(err)
	}
	split, err := raw.Split(assets.SplitOptions{Normalize: true})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(split.Train.N, split.Val.N, split.Test.N)
	fmt.Println(len(split.Train.Row(0)) == assets.ImagePixels, assets.ClassName(split.Train.Y[0]))
}
