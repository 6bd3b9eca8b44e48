package session

import (
	"bytes"
	"slices"
	"testing"

	"fashionlab/assets"
	"fashionlab/internal/nativetest"
	"fashionlab/model"
	"fashionlab/model/parallel"
	"fashionlab/model/train"
	"fashionlab/model/weights"
	"fashionlab/wasm/protocol"
)

// TestADropoutRunInTheWorkerIsTheNativeRun starts a run with dropout as
// the page's Custom form sends it, and trains the same configuration and
// settings natively: the masks come from the run's seed, so both end with
// the same weights, bit for bit, and the same log. Without dropout the
// worker's weights differ.
func TestADropoutRunInTheWorkerIsTheNativeRun(t *testing.T) {
	d := newDataset(t, 160, 96, 32, 8)
	settings := map[string]any{"epochs": 2.0, "batch_size": 16.0, "lr": 1e-3, "shuffle": true, "seed": 9.0, "eval_train_size": 32.0}
	pageRun := func(dropout float64) ([]weights.Tensor, []protocol.Epoch) {
		rec := &recorder{}
		s := New(d.sub, rec.post)
		cfg := map[string]any{"net": "mlp", "dense_hiddens": []any{32.0, 16.0}, "dropout": dropout}
		s.Handle(map[string]any{"kind": "start", "run": 3.0, "config": cfg, "settings": settings})
		epochs, _ := collect(t, s, rec)
		s.Handle(map[string]any{"kind": "export_weights"})
		file := only[protocol.WeightsFile](t, rec.take())
		net, _, err := weights.NewNetwork(bytes.NewReader(file.Data), parallel.New(1))
		if err != nil {
			t.Fatal(err)
		}
		if got := net.Config().Dropout; got != dropout {
			t.Fatalf("the exported file's network has dropout %g, want %g", got, dropout)
		}
		var out []weights.Tensor
		for _, p := range net.Params() {
			out = append(out, weights.Tensor{Name: p.Name, Data: slices.Clone(p.Values())})
		}
		return out, epochs
	}
	page, pageEpochs := pageRun(0.5)

	s := train.DefaultSettings()
	s.Epochs, s.BatchSize, s.LearningRate, s.Shuffle, s.Seed, s.EvalTrainSize = 2, 16, 1e-3, true, 9, 32
	s.TrainLimit = 96
	split, err := d.raw.Split(assets.SplitOptions{Normalize: true, TrainLimit: 96, ValSize: d.valN})
	if err != nil {
		t.Fatal(err)
	}
	cfg := model.Config{Net: model.MLP, Hidden: []int{32, 16}, Activation: "relu", Dropout: 0.5}
	tr := nativetest.Train(t, cfg, s.Seed, split, s)
	net := tr.Network()
	for i, p := range net.Params() {
		if page[i].Name != p.Name || !slices.Equal(page[i].Data, p.Values()) {
			t.Fatalf("the worker's %s differs from the native run's", page[i].Name)
		}
	}
	native := tr.History().Epochs
	if len(pageEpochs) != len(native) {
		t.Fatalf("the worker logged %d epochs, the native run %d", len(pageEpochs), len(native))
	}
	for i, e := range pageEpochs {
		if e.ValLoss != native[i].ValLoss || e.TrainLoss != native[i].TrainLoss {
			t.Errorf("epoch %d: the worker's losses %v/%v, the native run's %v/%v", i, e.TrainLoss, e.ValLoss, native[i].TrainLoss, native[i].ValLoss)
		}
	}
	if plain, _ := pageRun(0); slices.EqualFunc(plain, page, func(a, b weights.Tensor) bool { return slices.Equal(a.Data, b.Data) }) {
		t.Error("the run without dropout ends with the dropout run's weights")
	}
}
