//go:build !js

package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime"
	"sort"
	"time"

	"fashionlab/assets"
	"fashionlab/model"
	"fashionlab/model/gemm"
	"fashionlab/model/ops"
	"fashionlab/model/parallel"
	"fashionlab/model/train"
)

// workerArg, as the first argument, runs one FashionLab measurement in
// this process and prints its result as a JSON line; the parent runs it as
// a subprocess so that the peak RSS is the run's own.
const workerArg = "-worker"

// inferBatch is the batch size of the inference measurement, as in the
// PyTorch reference run.
const inferBatch = 128

// runWorker trains the homework's default network with the homework's
// settings through the real Trainer for the given epochs, then times
// forward passes over the 10,000 t10k images.
func runWorker(args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("bench worker", flag.ContinueOnError)
	net := fs.String("net", "mlp", "mlp or cnn")
	threads := fs.Int("threads", 1, "threads for matrix products and element-wise passes")
	epochs := fs.Int("epochs", 3, "training epochs")
	dataDir := fs.String("data", "", "directory with the FashionMNIST files")
	if err := fs.Parse(args); err != nil {
		return err
	}
	// The pool bounds FashionLab's own threads; GOMAXPROCS bounds the Go
	// runtime's too (the garbage collector's), so that a 1-thread run uses
	// one core, as torch.set_num_threads(1) does.
	runtime.GOMAXPROCS(*threads)
	raw, err := assets.Load(context.Background(), assets.Source{Dir: *dataDir, Progress: os.Stderr})
	if err != nil {
		return err
	}
	s := train.DefaultSettings()
	s.Epochs = *epochs
	split, err := raw.Split(assets.SplitOptions{Normalize: s.Normalize})
	if err != nil {
		return err
	}
	raw = nil
	cfg := model.DefaultMLP()
	if *net == "cnn" {
		cfg = model.DefaultCNN()
	}
	pool := parallel.New(*threads)
	network, err := model.New(cfg, s.Seed, pool)
	if err != nil {
		return err
	}
	tr, err := train.New(network, split, s)
	if err != nil {
		return err
	}
	if err := tr.Run(context.Background(), train.Hooks{Epoch: func(e train.Epoch) {
		fmt.Fprintf(os.Stderr, "epoch %d: %.3f s, val acc %.4f\n", e.Epoch, float64(e.Seconds), float64(e.ValAcc))
	}}); err != nil {
		return err
	}
	h := tr.History()
	if h.Diverged != nil {
		return fmt.Errorf("training diverged: %+v", *h.Diverged)
	}
	var r result
	for _, e := range h.Epochs[1:] {
		r.Epochs = append(r.Epochs, float64(e.Seconds))
	}
	r.EpochSeconds = median(r.Epochs)
	r.TrainImagesPS = float64(split.Train.N) / r.EpochSeconds
	r.InferImagesPS = inferenceSpeed(network, split)
	r.Kernel = gemm.New(pool).Kernel()
	if r.Parts, err = stepParts(network, split, s); err != nil {
		return fmt.Errorf("timing the step's parts: %w", err)
	}
	return json.NewEncoder(stdout).Encode(r)
}

// inferenceSpeed returns forward-only images/s over the validation and
// test images together (the 10,000 t10k images), median of 3 passes after
// a warm-up, with the loss op's softmax included as in the PyTorch model.
func inferenceSpeed(net *model.Network, split *assets.Split) float64 {
	x := append(append([]float32(nil), split.Val.X...), split.Test.X...)
	y := append(append([]uint8(nil), split.Val.Y...), split.Test.Y...)
	n := len(y)
	var ws ops.Workspace
	var times []float64
	for rep := 0; rep < 4; rep++ {
		start := time.Now()
		for from := 0; from < n; from += inferBatch {
			rows := min(inferBatch, n-from)
			in := ops.Matrix(x[from*assets.ImagePixels:(from+rows)*assets.ImagePixels], rows, assets.ImagePixels)
			ops.Loss(&ws, net.Forward(in), y[from:from+rows])
		}
		if rep > 0 {
			times = append(times, time.Since(start).Seconds())
		}
	}
	return float64(n) / median(times)
}

func median(v []float64) float64 {
	s := append([]float64(nil), v...)
	sort.Float64s(s)
	if len(s) == 0 {
		return 0
	}
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}
