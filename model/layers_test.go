package model

import (
	"math"
	"slices"
	"strings"
	"testing"

	"fashionlab/model/ops"
	"fashionlab/model/parallel"
)

func TestDropoutLayersFollowTheHiddenActivationsAndShiftTheIndices(t *testing.T) {
	cfg := Config{Net: MLP, Hidden: []int{64, 32}, Activation: "relu", Dropout: 0.5}
	n, err := New(cfg, 1, parallel.New(1))
	if err != nil {
		t.Fatal(err)
	}
	var kinds []string
	for i, l := range n.Layers() {
		if l.Index != i {
			t.Errorf("module %d has index %d", i, l.Index)
		}
		kinds = append(kinds, l.Kind)
	}
	wantKinds := []string{"Flatten", "Linear", "ReLU", "Dropout", "Linear", "ReLU", "Dropout", "Linear", "Softmax"}
	if !slices.Equal(kinds, wantKinds) {
		t.Errorf("modules %v, want %v", kinds, wantKinds)
	}
	var names []string
	for _, p := range n.Params() {
		names = append(names, p.Name)
	}
	wantNames := []string{"1.weight", "1.bias", "4.weight", "4.bias", "7.weight", "7.bias"}
	if !slices.Equal(names, wantNames) {
		t.Errorf("parameters %v, want %v", names, wantNames)
	}
	// Without dropout the indices are those of files written before
	// dropout existed.
	cfg.Dropout = 0
	plain, err := New(cfg, 1, parallel.New(1))
	if err != nil {
		t.Fatal(err)
	}
	names = names[:0]
	for _, p := range plain.Params() {
		names = append(names, p.Name)
	}
	if want := []string{"1.weight", "1.bias", "3.weight", "3.bias", "5.weight", "5.bias"}; !slices.Equal(names, want) {
		t.Errorf("parameters without dropout %v, want %v", names, want)
	}
	if n.NumParams() != plain.NumParams() {
		t.Errorf("dropout changed the parameter count from %d to %d", plain.NumParams(), n.NumParams())
	}
	// The same seed draws the same initial weights: dropout has none.
	for i, p := range n.Params() {
		if !slices.Equal(p.Values(), plain.Params()[i].Values()) {
			t.Errorf("%s differs from the network without dropout", p.Name)
		}
	}
}

// outputOf runs a forward pass of net over a fixed batch and copies the
// logits.
func outputOf(net *Network, train *Masks) []float32 {
	const rows = 6
	x := make([]float32, rows*ImageSize*ImageSize)
	for i := range x {
		x[i] = float32(math.Sin(float64(i)))
	}
	in := ops.Matrix(x, rows, ImageSize*ImageSize)
	if train != nil {
		return slices.Clone(net.ForwardTraining(in, *train).Value().Data().F32())
	}
	return slices.Clone(net.Forward(in).Value().Data().F32())
}

func TestDropoutDropsInTrainingOnlyWithMasksFromTheSeedAndPass(t *testing.T) {
	for _, cfg := range []Config{
		{Net: MLP, Hidden: []int{64, 32}, Activation: "relu", Dropout: 0.5},
		{Net: CNN, Channels: []int{4}, Kernels: []int{3}, Strides: []int{1}, Paddings: []int{0}, Hidden: []int{16}, Activation: "tanh", Dropout: 0.3},
	} {
		t.Run(cfg.String(), func(t *testing.T) {
			net, err := New(cfg, 3, parallel.New(1))
			if err != nil {
				t.Fatal(err)
			}
			plainCfg := cfg
			plainCfg.Dropout = 0
			plain, err := New(plainCfg, 3, parallel.New(1))
			if err != nil {
				t.Fatal(err)
			}
			eval := outputOf(net, nil)
			if want := outputOf(plain, nil); !slices.Equal(eval, want) {
				t.Error("evaluation with dropout differs from the network without dropout")
			}
			if got := outputOf(plain, &Masks{Seed: 1, Pass: 0}); !slices.Equal(got, eval) {
				t.Error("a training pass of a network without dropout differs from evaluation")
			}
			a := outputOf(net, &Masks{Seed: 1, Pass: 5})
			b := outputOf(net, &Masks{Seed: 1, Pass: 5})
			c := outputOf(net, &Masks{Seed: 1, Pass: 6})
			d := outputOf(net, &Masks{Seed: 2, Pass: 5})
			if slices.Equal(a, eval) {
				t.Error("a training pass with dropout computes what evaluation computes")
			}
			if !slices.Equal(a, b) {
				t.Error("two training passes with the same masks differ")
			}
			if slices.Equal(a, c) || slices.Equal(a, d) {
				t.Error("another pass or seed drew the same masks")
			}
		})
	}
}

func TestDropoutMustBeAProbabilityBelowOne(t *testing.T) {
	for _, p := range []float64{-0.1, 1, 1.5, math.NaN(), math.Inf(1)} {
		c := DefaultMLP()
		c.Dropout = p
		if err := c.Validate(); err == nil || !strings.Contains(err.Error(), "dropout") {
			t.Errorf("dropout %g: Validate() = %v, want an error about dropout", p, err)
		}
	}
	for _, p := range []float64{0, 0.5, 0.99} {
		c := DefaultCNN()
		c.Dropout = p
		if err := c.Validate(); err != nil {
			t.Errorf("dropout %g: %v", p, err)
		}
	}
}

func TestHugeSizesGiveErrorsInsteadOfWrappingAround(t *testing.T) {
	tests := []struct {
		name string
		cfg  Config
	}{
		{"a hidden layer of 2^62 units", Config{Net: MLP, Hidden: []int{4611686018427387904, 2}, Activation: "relu"}},
		{"two hidden layers of 2^32 units", Config{Net: MLP, Hidden: []int{1 << 32, 1 << 32}, Activation: "relu"}},
		{"a convolution of 2^40 channels", Config{Net: CNN, Channels: []int{1 << 40, 1 << 40}, Kernels: []int{3, 3}, Strides: []int{1, 1}, Paddings: []int{0, 0}, Activation: "relu"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if n, err := tt.cfg.ParamCount(); err == nil {
				t.Errorf("ParamCount() = %d, want an error", n)
			}
			if b, err := tt.cfg.ActivationBytes(128, 256, 2); err == nil {
				t.Errorf("ActivationBytes() = %d, want an error", b)
			}
			if _, err := New(tt.cfg, 1, parallel.New(1)); err == nil {
				t.Error("New built the network")
			}
		})
	}
	// Counts that fit but whose buffers do not.
	wide := Config{Net: MLP, Hidden: []int{1 << 40}, Activation: "relu"}
	if n, err := wide.ParamCount(); err != nil || n != 795<<40+10 {
		t.Errorf("ParamCount() = %d, %v; want %d", n, err, 795<<40+10)
	}
	if b, err := wide.ActivationBytes(1<<22, 256, 1); err == nil {
		t.Errorf("ActivationBytes() = %d, want an error", b)
	}
}

func TestActivationNamesParse(t *testing.T) {
	names := ActivationNames()
	if !slices.Equal(names, []string{"relu", "tanh", "sigmoid"}) {
		t.Errorf("ActivationNames() = %v", names)
	}
	for _, name := range names {
		c := DefaultMLP()
		c.Activation = name
		if err := c.Validate(); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
}
