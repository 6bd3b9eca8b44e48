package model

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"fashionlab/model/ops"
)

// Kinds of network.
const (
	MLP = "mlp"
	CNN = "cnn"
)

// Image geometry of FashionMNIST and its number of classes.
const (
	ImageSize = 28 // side of an image in pixels; assets.ImagePixels counts them
	Classes   = 10
)

// Config is the homework's network configuration. Channels, Kernels,
// Strides and Paddings describe the convolution layers of a CNN (one entry
// per layer) and are empty for an MLP; Hidden lists the widths of the dense
// hidden layers. Dropout is the probability with which training drops each
// unit of a dense hidden layer, after its activation (0: no dropout
// layers).
type Config struct {
	Net        string `json:"net"`
	Channels   []int  `json:"n_channels,omitempty"`
	Kernels    []int  `json:"kernel_sizes,omitempty"`
	Strides    []int  `json:"strides,omitempty"`
	Paddings   []int  `json:"paddings,omitempty"`
	Hidden     []int  `json:"dense_hiddens"`
	Activation string `json:"activation"`
	// Dropout is left out of the JSON when 0, so that files of networks
	// without dropout stay as they were.
	Dropout float64 `json:"dropout,omitempty"`
}

// ActivationNames returns the activations a configuration may name, in
// the order of ops.ActivationKinds.
func ActivationNames() []string {
	kinds := ops.ActivationKinds()
	names := make([]string, len(kinds))
	for i, k := range kinds {
		names[i] = k.String()
	}
	return names
}

// DefaultMLP returns the homework's MLP: 784-256-256-10 with ReLU.
func DefaultMLP() Config {
	return Config{Net: MLP, Hidden: []int{256, 256}, Activation: "relu"}
}

// DefaultCNN returns the homework's CNN: 16, 32 and 48 channels of 3×3
// convolutions, stride 1, no padding, then dense layers of 256 and 256.
func DefaultCNN() Config {
	return Config{
		Net:        CNN,
		Channels:   []int{16, 32, 48},
		Kernels:    []int{3, 3, 3},
		Strides:    []int{1, 1, 1},
		Paddings:   []int{0, 0, 0},
		Hidden:     []int{256, 256},
		Activation: "relu",
	}
}

// Clone returns a deep copy of c.
func (c Config) Clone() Config {
	cp := func(s []int) []int {
		if s == nil {
			return nil
		}
		return append([]int(nil), s...)
	}
	c.Channels, c.Kernels, c.Strides, c.Paddings, c.Hidden = cp(c.Channels), cp(c.Kernels), cp(c.Strides), cp(c.Paddings), cp(c.Hidden)
	return c
}

// Equal reports whether c and o describe the same network, taking nil and
// empty lists as equal (as they are after a trip through JSON).
func (c Config) Equal(o Config) bool {
	return c.Net == o.Net && c.Activation == o.Activation && c.Dropout == o.Dropout &&
		slices.Equal(c.Channels, o.Channels) && slices.Equal(c.Kernels, o.Kernels) &&
		slices.Equal(c.Strides, o.Strides) && slices.Equal(c.Paddings, o.Paddings) &&
		slices.Equal(c.Hidden, o.Hidden)
}

// Validate reports the first problem that keeps c from describing a
// network, including convolution stacks whose feature maps shrink to
// nothing.
func (c Config) Validate() error {
	if _, err := ops.ParseActivation(c.Activation); err != nil {
		return fmt.Errorf("model: %w", err)
	}
	for _, h := range c.Hidden {
		if h < 1 {
			return fmt.Errorf("model: dense hidden sizes must be positive, got %v", c.Hidden)
		}
	}
	if !(c.Dropout >= 0 && c.Dropout < 1) {
		return fmt.Errorf("model: dropout must be a probability from 0 up to but not including 1, got %g", c.Dropout)
	}
	switch c.Net {
	case MLP:
		if len(c.Channels)+len(c.Kernels)+len(c.Strides)+len(c.Paddings) > 0 {
			return errors.New("model: an MLP has no convolution layers; drop channels, kernels, strides and paddings")
		}
		return nil
	case CNN:
	default:
		return fmt.Errorf("model: unknown network kind %q (want mlp or cnn)", c.Net)
	}
	n := len(c.Channels)
	if n == 0 {
		return errors.New("model: a CNN needs at least one convolution layer")
	}
	if len(c.Kernels) != n || len(c.Strides) != n || len(c.Paddings) != n {
		return fmt.Errorf("model: %d channels but %d kernel sizes, %d strides and %d paddings; give one of each per layer", n, len(c.Kernels), len(c.Strides), len(c.Paddings))
	}
	_, err := c.convGeometries()
	return err
}

// convLayer is the resolved shape of one convolution layer.
type convLayer struct {
	geom     ops.ConvGeometry
	pooled   bool // a 2×2 max-pool follows (every layer but the last)
	outH     int  // after pooling
	outW     int
	adaptive bool // the last layer: adaptive max-pool to 4×4
}

// AdaptiveCells is the side of the adaptive max-pool after the last
// convolution layer.
const AdaptiveCells = 4

func (c Config) convGeometries() ([]convLayer, error) {
	h, w, ch := ImageSize, ImageSize, 1
	layers := make([]convLayer, len(c.Channels))
	for i := range c.Channels {
		g := ops.ConvGeometry{InH: h, InW: w, InC: ch, OutC: c.Channels[i], Kernel: c.Kernels[i], Stride: c.Strides[i], Padding: c.Paddings[i]}
		if err := g.Validate(); err != nil {
			return nil, fmt.Errorf("model: convolution layer %d: %w", i+1, err)
		}
		l := convLayer{geom: g, outH: g.OutH(), outW: g.OutW()}
		if i < len(c.Channels)-1 {
			if l.outH < 2 || l.outW < 2 {
				return nil, fmt.Errorf("model: convolution layer %d leaves a %dx%d map, too small for the 2x2 max-pool after it", i+1, l.outH, l.outW)
			}
			l.pooled = true
			l.outH, l.outW = l.outH/2, l.outW/2
		} else {
			l.adaptive = true
		}
		layers[i] = l
		h, w, ch = l.outH, l.outW, c.Channels[i]
	}
	return layers, nil
}

// String returns a short description such as "cnn 16,32,48 k3,3,3 s1,1,1
// p0,0,0 dense 256,256 relu", followed by " dropout 0.5" with dropout.
func (c Config) String() string {
	var b strings.Builder
	b.WriteString(c.Net)
	if c.Net == CNN {
		fmt.Fprintf(&b, " %s k%s s%s p%s", JoinInts(c.Channels), JoinInts(c.Kernels), JoinInts(c.Strides), JoinInts(c.Paddings))
	}
	fmt.Fprintf(&b, " dense %s %s", FormatHidden(c.Hidden), c.Activation)
	if c.Dropout > 0 {
		fmt.Fprintf(&b, " dropout %g", c.Dropout)
	}
	return b.String()
}

// JoinInts writes a list of sizes as "16,32,48".
func JoinInts(v []int) string {
	s := make([]string, len(v))
	for i, x := range v {
		s[i] = strconv.Itoa(x)
	}
	return strings.Join(s, ",")
}

// FormatHidden writes dense hidden sizes compactly: "256,256", or "64*54"
// for 54 layers of width 64, or "" for none.
func FormatHidden(h []int) string {
	if len(h) > 2 {
		same := true
		for _, v := range h {
			same = same && v == h[0]
		}
		if same {
			return fmt.Sprintf("%d*%d", h[0], len(h))
		}
	}
	return JoinInts(h)
}

// Bounds of the lists ParseInts reads: a count after "*" is at most
// MaxRepeat, and a list holds at most MaxListItems values, checked before
// they are allocated.
const (
	MaxRepeat    = 10000
	MaxListItems = 10000
)

// ParseInts parses a comma-separated list of integers; each item may be
// "W*N" for N copies of W ("64*54"), N from 1 to MaxRepeat. An empty
// string is an empty list; a list longer than MaxListItems is refused.
// The page's parser (site/fields.js, parseList) mirrors it; a test runs
// both on the same cases.
func ParseInts(s string) ([]int, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil, nil
	}
	var out []int
	for _, item := range strings.Split(s, ",") {
		item = strings.TrimSpace(item)
		value, count := item, "1"
		if i := strings.IndexByte(item, '*'); i >= 0 {
			value, count = item[:i], item[i+1:]
		}
		v, err := strconv.Atoi(strings.TrimSpace(value))
		if err != nil {
			return nil, fmt.Errorf("model: %q is not a list of integers like 256,256 or 64*54", s)
		}
		n, err := strconv.Atoi(strings.TrimSpace(count))
		if err != nil || n < 1 || n > MaxRepeat {
			return nil, fmt.Errorf("model: bad repeat count in %q", item)
		}
		if len(out)+n > MaxListItems {
			return nil, fmt.Errorf("model: %q holds more than %d values", s, MaxListItems)
		}
		for range n {
			out = append(out, v)
		}
	}
	return out, nil
}
