package model

import (
	"testing"

	"fashionlab/model/parallel"
)

func TestParameterCountsMatchTheHomework(t *testing.T) {
	deepK1 := Config{Net: CNN, Channels: []int{32, 48, 64, 64, 48}, Kernels: []int{1, 1, 1, 1, 1}, Strides: []int{1, 1, 1, 1, 1}, Paddings: []int{0, 0, 0, 0, 0}, Hidden: []int{256, 256}, Activation: "relu"}
	shallow := Config{Net: CNN, Channels: []int{44}, Kernels: []int{28}, Strides: []int{1}, Paddings: []int{0}, Hidden: []int{256, 256}, Activation: "relu"}
	deep64 := DefaultMLP()
	deep64.Hidden = make([]int, 54)
	for i := range deep64.Hidden {
		deep64.Hidden[i] = 64
	}
	tests := []struct {
		name string
		cfg  Config
		want int
	}{
		{"the 784-256-256-10 MLP has 269,322 parameters", DefaultMLP(), 269322},
		{"the default CNN has 283,898 parameters", DefaultCNN(), 283898},
		{"the 54-layer 64-wide MLP has 271,370 parameters", deep64, 271370},
		{"the deep kernel-1 CNN has 277,290 parameters", deepK1, 277290},
		{"the shallow kernel-28 CNN has 283,382 parameters", shallow, 283382},
	}
	pool := parallel.New(1)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n, err := New(tt.cfg, 1, pool)
			if err != nil {
				t.Fatal(err)
			}
			if got := n.NumParams(); got != tt.want {
				t.Errorf("NumParams() = %d, want %d", got, tt.want)
			}
			sum := 0
			for _, l := range n.Layers() {
				sum += l.Params
			}
			if sum != tt.want {
				t.Errorf("layer summary adds up to %d, want %d", sum, tt.want)
			}
		})
	}
}

func TestConfigValidationRejectsBadConfigurations(t *testing.T) {
	tests := []struct {
		name string
		edit func(*Config)
	}{
		{"unknown network kind", func(c *Config) { c.Net = "rnn" }},
		{"unknown activation", func(c *Config) { c.Activation = "gelu" }},
		{"mismatched list lengths", func(c *Config) { c.Kernels = []int{3, 3} }},
		{"kernel larger than the map", func(c *Config) { c.Kernels = []int{3, 3, 9} }},
		{"zero stride", func(c *Config) { c.Strides = []int{1, 0, 1} }},
		{"negative padding", func(c *Config) { c.Paddings = []int{-1, 0, 0} }},
		{"zero-width hidden layer", func(c *Config) { c.Hidden = []int{256, 0} }},
		{"map too small to pool", func(c *Config) { c.Kernels = []int{27, 1, 1} }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := DefaultCNN()
			tt.edit(&c)
			if err := c.Validate(); err == nil {
				t.Errorf("Validate() accepted %v", c)
			}
		})
	}
}

func TestParseIntsReadsListsAndRepeats(t *testing.T) {
	tests := []struct {
		in      string
		want    []int
		wantErr bool
	}{
		{"256,256", []int{256, 256}, false},
		{"64*3", []int{64, 64, 64}, false},
		{"128, 64*2", []int{128, 64, 64}, false},
		{"", nil, false},
		{"abc", nil, true},
		{"64*0", nil, true},
	}
	for _, tt := range tests {
		got, err := ParseInts(tt.in)
		if (err != nil) != tt.wantErr {
			t.Errorf("ParseInts(%q) error = %v, want error %v", tt.in, err, tt.wantErr)
			continue
		}
		if len(got) != len(tt.want) {
			t.Errorf("ParseInts(%q) = %v, want %v", tt.in, got, tt.want)
			continue
		}
		for i := range got {
			if got[i] != tt.want[i] {
				t.Errorf("ParseInts(%q) = %v, want %v", tt.in, got, tt.want)
			}
		}
	}
}
