//go:build !js

package main

import (
	"io"
	"slices"
	"testing"

	"fashionlab/model"
)

func TestParseOptions(t *testing.T) {
	tests := []struct {
		name        string
		args        []string
		wantErr     bool
		wantNets    []string
		wantThreads []int
	}{
		{"defaults", nil, false, []string{"mlp", "cnn"}, []int{1, 2}},
		{"one network, one thread count", []string{"-nets", "cnn", "-threads", "2"}, false, []string{"cnn"}, []int{2}},
		{"unknown network", []string{"-nets", "rnn"}, true, nil, nil},
		{"zero threads", []string{"-threads", "0"}, true, nil, nil},
		{"no epochs", []string{"-epochs", "0"}, true, nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o, err := parseOptions(tt.args, io.Discard)
			if (err != nil) != tt.wantErr {
				t.Fatalf("error %v, want error %v", err, tt.wantErr)
			}
			if err != nil {
				return
			}
			if !slices.Equal(o.nets, tt.wantNets) || !slices.Equal(o.threads, tt.wantThreads) {
				t.Errorf("nets %v threads %v, want %v %v", o.nets, o.threads, tt.wantNets, tt.wantThreads)
			}
		})
	}
}

func TestRatioAndMedian(t *testing.T) {
	ratios := []struct {
		a, b float64
		want string
	}{
		{1, 2, "0.50"},
		{3, 2, "1.50"},
		{0, 2, "-"},
		{2, 0, "-"},
	}
	for _, r := range ratios {
		if got := ratio(r.a, r.b); got != r.want {
			t.Errorf("ratio(%g, %g) = %s, want %s", r.a, r.b, got, r.want)
		}
	}
	medians := []struct {
		in   []float64
		want float64
	}{
		{[]float64{3, 1, 2}, 2},
		{[]float64{4, 1}, 2.5},
		{nil, 0},
	}
	for _, m := range medians {
		if got := median(m.in); got != m.want {
			t.Errorf("median(%v) = %g, want %g", m.in, got, m.want)
		}
	}
}

// TestStepFlops checks the product counts against the default networks'
// multiply-adds worked out by hand (per image: MLP 784·256 + 256·256 +
// 256·10; CNN 26·26·16·9 + 11·11·32·144 + 3·3·48·288 + 768·256 + 256·256 +
// 256·10), with no input gradient for the first layer.
func TestStepFlops(t *testing.T) {
	tests := []struct {
		name            string
		cfg             model.Config
		fwdMACs, dxMACs float64 // per image; dxMACs excludes the first layer
	}{
		{"mlp", model.DefaultMLP(), 784*256 + 256*256 + 256*10, 256*256 + 256*10},
		{"cnn", model.DefaultCNN(), 26*26*16*9 + 11*11*32*144 + 3*3*48*288 + 768*256 + 256*256 + 256*10, 11*11*32*144 + 3*3*48*288 + 768*256 + 256*256 + 256*10},
	}
	for _, tt := range tests {
		f, b := stepFlops(tt.cfg, 128)
		if wantF, wantB := 2*128*tt.fwdMACs, 2*128*(tt.fwdMACs+tt.dxMACs); f != wantF || b != wantB {
			t.Errorf("%s: forward %g backward %g FLOP, want %g and %g", tt.name, f, b, wantF, wantB)
		}
	}
}
