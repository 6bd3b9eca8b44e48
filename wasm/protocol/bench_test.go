package protocol

import (
	"testing"

	"fashionlab/model/train"
)

// benchMessages are the messages the worker sends most often or largest.
func benchMessages() []struct {
	name string
	msg  Message
} {
	steps := Steps{Run: 1, Epoch: 2, FirstStep: 10, Loss: make([]float32, 12), Accuracy: make([]float32, 12), GradNorm: make([]float32, 12), Images: 1536, Seconds: 0.1}
	epoch := Epoch{Run: 1, Epoch: train.Epoch{Epoch: 2, TrainLoss: 0.5, TrainAcc: 0.8, ValLoss: 0.6, ValAcc: 0.7, GradNorm: 1, Seconds: 3, Steps: 94, Images: 12000}}
	preds := Predictions{N: 60, Labels: make([]int, 60), Preds: make([]int, 60), Confusion: make([]int, 100), Images: make([]float32, 60*784)}
	return []struct {
		name string
		msg  Message
	}{{"steps", steps}, {"epoch", epoch}, {"predictions", preds}}
}

func BenchmarkEncode(b *testing.B) {
	for _, m := range benchMessages() {
		b.Run(m.name, func(b *testing.B) {
			for b.Loop() {
				Encode(m.msg)
			}
		})
	}
}

func BenchmarkDecode(b *testing.B) {
	for _, m := range benchMessages() {
		form := jsLike(Encode(m.msg)).(map[string]any)
		b.Run(m.name, func(b *testing.B) {
			for b.Loop() {
				if _, err := Decode(form); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
