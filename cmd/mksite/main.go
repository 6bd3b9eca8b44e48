//go:build !js

// Command mksite builds the static FashionLab site folder (make site):
// the wasm binaries, wasm_exec.js, the data subset and the page.
//
// Usage:
//
//	go run ./cmd/mksite [-o site-build] [-data DIR] [-train 12000 -val 2000 -test 2000]
package main

import (
	"context"
	"flag"
	"fmt"
	"log"
	"os"
	"strings"

	"fashionlab/internal/sitebuild"
)

func main() {
	o := sitebuild.Options{Root: "."}
	flag.StringVar(&o.Out, "o", "site-build", "output folder (emptied first)")
	flag.StringVar(&o.DataDir, "data", "", "folder of the FashionMNIST idx files (default $FASHIONMNIST_DIR or /usr/share/datasets/fashion-mnist)")
	flag.IntVar(&o.Train, "train", 12000, "training images in the subset")
	flag.IntVar(&o.Val, "val", 2000, "validation images in the subset")
	flag.IntVar(&o.Test, "test", 2000, "test images in the subset")
	fast := flag.Bool("fast", false, "compress the .br and .gz twins at the fastest levels (a quick local build)")
	flag.Parse()
	o.Compression = sitebuild.CompressBest
	if *fast {
		o.Compression = sitebuild.CompressFast
	}
	o.Log = log.Printf
	m, err := sitebuild.Build(context.Background(), o)
	if err != nil {
		fmt.Fprintln(os.Stderr, "mksite:", err)
		os.Exit(1)
	}
	log.Printf("site in %s: %s, %s, %s", o.Out, m.Worker, m.Canvas, strings.Join(m.SubsetParts, " + "))
}
