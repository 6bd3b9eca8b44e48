package weights

import (
	"bytes"
	"testing"

	"fashionlab/model"
	"fashionlab/model/train"
)

// BenchmarkCheckpointOfTheDefaultCNN measures what the page's worker does
// at the end of every epoch: capture the trainer (weights and Adam
// moments) and encode it as checkpoint.safetensors.
func BenchmarkCheckpointOfTheDefaultCNN(b *testing.B) {
	split := syntheticSplit(256, 16, 16)
	s := train.DefaultSettings()
	s.Epochs, s.BatchSize, s.TrainLimit = 1, 128, 0
	tr, err := train.New(newNet(b, model.DefaultCNN(), 1), split, s)
	if err != nil {
		b.Fatal(err)
	}
	tr.Step()
	var buf bytes.Buffer
	for b.Loop() {
		buf.Reset()
		if err := NewCheckpoint(tr).Save(&buf); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(buf.Len()), "bytes")
}
