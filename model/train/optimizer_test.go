package train

import (
	"context"
	"slices"
	"strings"
	"testing"

	"fashionlab/model"
	"fashionlab/model/parallel"
)

func TestEveryRegisteredOptimizerTrainsAndKeepsItsSlots(t *testing.T) {
	if got := OptimizerNames(); !slices.Equal(got, []string{Adam, SGD}) {
		t.Fatalf("OptimizerNames() = %v", got)
	}
	split := learnableSplit(256, 64)
	cfg := model.Config{Net: model.MLP, Hidden: []int{16}, Activation: "relu"}
	for _, name := range OptimizerNames() {
		t.Run(name, func(t *testing.T) {
			m, err := LookupMethod(name)
			if err != nil || m.Name() != name || len(m.Slots()) == 0 {
				t.Fatalf("LookupMethod(%q) = %v, %v", name, m, err)
			}
			s := DefaultSettings()
			s.Optimizer, s.Epochs, s.BatchSize, s.EvalTrainSize, s.LearningRate = name, 1, 32, 64, 1e-2
			net, err := model.New(cfg, 1, parallel.New(1))
			if err != nil {
				t.Fatal(err)
			}
			before := FlattenValues(net.Params(), nil)
			tr, err := New(net, split, s)
			if err != nil {
				t.Fatal(err)
			}
			if err := tr.Run(context.Background(), Hooks{}); err != nil {
				t.Fatal(err)
			}
			if slices.Equal(before, FlattenValues(net.Params(), nil)) {
				t.Error("training left the weights unchanged")
			}
			state := tr.Snapshot().Optimizer.State
			if len(state) != len(m.Slots()) {
				t.Fatalf("%d state slots, the method names %d", len(state), len(m.Slots()))
			}
			for i, slot := range state {
				nonzero := slices.ContainsFunc(slot[0], func(v float32) bool { return v != 0 })
				if len(slot) != len(net.Params()) || !nonzero {
					t.Errorf("slot %s: %d tensors for %d parameters, any non-zero: %v", m.Slots()[i], len(slot), len(net.Params()), nonzero)
				}
			}
			mem, err := EstimateMemory(cfg, s, 1)
			if err != nil || mem.Optimizer != int64(len(m.Slots()))*mem.Params {
				t.Errorf("the memory estimate counts %d optimizer bytes for %d slots of %d parameter bytes (%v)", mem.Optimizer, len(m.Slots()), mem.Params, err)
			}
		})
	}
	s := DefaultSettings()
	s.Optimizer = "adagrad"
	if err := s.Validate(); err == nil || !strings.Contains(err.Error(), "adam or sgd") {
		t.Errorf("an unknown optimizer gives %v, want an error naming the optimizers", err)
	}
}

func TestMemoryEstimateOfHugeNetworksIsAnError(t *testing.T) {
	s := DefaultSettings()
	for _, cfg := range []model.Config{
		{Net: model.MLP, Hidden: []int{4611686018427387904, 2}, Activation: "relu"},
		{Net: model.MLP, Hidden: []int{1 << 60}, Activation: "relu"},
	} {
		if m, err := EstimateMemory(cfg, s, 1); err == nil {
			t.Errorf("%v: estimate %+v, want an error", cfg.Hidden, m)
		}
	}
}
