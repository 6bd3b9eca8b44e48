// Package nativetest does, inside a test, what the native trainer
// (cmd/train) does with a network configuration or a weights file: train it,
// write it as model.safetensors, evaluate a file as -init does. The tests of
// the page and of its worker compare their results with these.
package nativetest

import (
	"bytes"
	"context"
	"testing"

	"fashionlab/assets"
	"fashionlab/model"
	"fashionlab/model/parallel"
	"fashionlab/model/train"
	"fashionlab/model/weights"
)

// Train trains a network of cfg, initialized from seed, with s on split,
// on one thread, and returns its trainer.
func Train(t testing.TB, cfg model.Config, seed uint64, split *assets.Split, s train.Settings) *train.Trainer {
	t.Helper()
	net, err := model.New(cfg, seed, parallel.New(1))
	if err != nil {
		t.Fatal(err)
	}
	tr, err := train.New(net, split, s)
	if err != nil {
		t.Fatal(err)
	}
	if err := tr.Run(context.Background(), train.Hooks{}); err != nil {
		t.Fatal(err)
	}
	return tr
}

// WeightsFile returns net written as the native trainer writes
// model.safetensors: with the settings s and, when stats is not nil, the
// normalization statistics in its metadata.
func WeightsFile(t testing.TB, net *model.Network, s train.Settings, stats *assets.Normalization) []byte {
	t.Helper()
	meta, err := weights.InputsMetadata(s, stats)
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := weights.Save(&b, net, meta); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// Evaluate prepares val validation images of raw as the native trainer's
// -init does for a weights file (the file's normalization, training limit
// and statistics) and returns the file's network's predicted classes and
// its accuracy on them.
func Evaluate(t testing.TB, raw *assets.Raw, file []byte, val int) ([]int, float64) {
	t.Helper()
	net, meta, err := weights.NewNetwork(bytes.NewReader(file), parallel.New(1))
	if err != nil {
		t.Fatal(err)
	}
	in, err := weights.InputsOf(meta)
	if err != nil {
		t.Fatal(err)
	}
	split, err := raw.Split(assets.SplitOptions{Normalize: in.Settings.Normalize, TrainLimit: in.Settings.TrainLimit, ValSize: val})
	if err != nil {
		t.Fatal(err)
	}
	preds, _ := train.Predict(net, split.Val, split.Val.N)
	out := make([]int, len(preds))
	for i, p := range preds {
		out[i] = int(p)
	}
	return out, float64(train.Evaluate(net, split.Val, split.Val.N).Accuracy)
}
