package nativetest

import (
	"math/rand/v2"
	"testing"

	"fashionlab/assets"
	"fashionlab/model"
	"fashionlab/model/train"
)

// noise returns n images of random pixels.
func noise(seed byte, n int) *assets.Images {
	im := &assets.Images{N: n, Rows: assets.ImageRows, Cols: assets.ImageCols, Pixels: make([]uint8, n*assets.ImagePixels)}
	rand.NewChaCha8([32]byte{seed}).Read(im.Pixels)
	return im
}

// cycling returns n labels 0, 1, …, 9, 0, ….
func cycling(n int) []uint8 {
	out := make([]uint8, n)
	for i := range out {
		out[i] = uint8(i % model.Classes)
	}
	return out
}

func TestAFileEvaluatesAsTheNetworkThatWroteIt(t *testing.T) {
	raw := &assets.Raw{TrainImages: noise(1, 200), TrainLabels: cycling(200), TestImages: noise(2, 60), TestLabels: cycling(60)}
	s := train.DefaultSettings()
	s.Epochs, s.BatchSize, s.LearningRate, s.TrainLimit, s.EvalTrainSize = 1, 20, 1e-3, 120, 40
	split, err := raw.Split(assets.SplitOptions{Normalize: true, TrainLimit: s.TrainLimit, ValSize: 40})
	if err != nil {
		t.Fatal(err)
	}
	tr := Train(t, model.Config{Net: model.MLP, Hidden: []int{8}, Activation: "relu"}, 3, split, s)
	if n := len(tr.History().Epochs); n != 2 {
		t.Fatalf("trained %d epochs (epoch 0 included), want 2", n)
	}
	file := WeightsFile(t, tr.Network(), s, split.Stats)
	preds, acc := Evaluate(t, raw, file, 40)
	classes, _ := train.Predict(tr.Network(), split.Val, split.Val.N)
	if len(preds) != len(classes) {
		t.Fatalf("%d predictions, want %d", len(preds), len(classes))
	}
	for i, c := range classes {
		if preds[i] != int(c) {
			t.Fatalf("prediction %d is %d from the file, %d from the network", i, preds[i], c)
		}
	}
	if want := float64(train.Evaluate(tr.Network(), split.Val, split.Val.N).Accuracy); acc != want {
		t.Errorf("accuracy %v from the file, %v from the network", acc, want)
	}
}
