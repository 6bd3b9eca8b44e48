// Package experiments defines the five homework questions as presets: the
// networks and training settings each question compares. cmd/train
// -experiment runs them at full scale.
package experiments

import (
	"fmt"
	"strings"

	"fashionlab/model"
	"fashionlab/model/train"
)

// Run is one training run of an experiment.
type Run struct {
	Name     string
	Config   model.Config
	Settings train.Settings
}

// Experiment is one homework question.
type Experiment struct {
	Question    string // q1 … q5
	Title       string
	Explanation string // what to look for
	Runs        []Run  // empty for q1, which trains nothing
}

// Questions lists the experiment names in order.
func Questions() []string { return []string{"q1", "q2", "q3", "q4", "q5"} }

// DefaultEpochs returns the epoch count a question uses at the homework's
// scale: 5 for the grids and comparisons the homework ran briefly, 20 for
// the MLP against CNN comparison.
func DefaultEpochs(question string) int {
	if question == "q4" {
		return 20
	}
	return 5
}

// Get returns question q with base's settings (optimizer, batch size, seed,
// shuffling, limits) and epochs epochs per run; epochs <= 0 means
// DefaultEpochs(q). The learning rate and normalization are the question's
// own where it varies them, base's otherwise.
func Get(q string, base train.Settings, epochs int) (Experiment, error) {
	q = strings.ToLower(strings.TrimSpace(q))
	if epochs <= 0 {
		epochs = DefaultEpochs(q)
	}
	base.Epochs = epochs
	with := func(name string, cfg model.Config, edit func(*train.Settings)) Run {
		s := base
		if edit != nil {
			edit(&s)
		}
		return Run{Name: name, Config: cfg, Settings: s}
	}
	switch q {
	case "q1":
		return Experiment{Question: q, Title: "Convolutions commute with shifts, not with rotations",
			Explanation: "f(x) = relu(conv(relu(conv(x)))) with one random 3x3 kernel. Shifting the input shifts the output (the shift difference map is zero away from the border); rotating the input does not rotate the output (the rotation difference map is not zero)."}, nil
	case "q2":
		e := Experiment{Question: q, Title: "Input normalization against learning rate",
			Explanation: "The default MLP at learning rates 1e-2, 1e-4 and 1e-6, with per-pixel normalization and on raw 0..255 pixels. Normalization helps everywhere; on raw pixels lr 1e-2 saturates the clamped softmax after one step, its gradient becomes exactly zero, and the network stays at chance."}
		for i, lr := range []float64{1e-2, 1e-4, 1e-6} {
			for _, norm := range []bool{true, false} {
				label := "raw"
				if norm {
					label = "normalized"
				}
				name := fmt.Sprintf("lr %s %s", []string{"1e-2", "1e-4", "1e-6"}[i], label)
				e.Runs = append(e.Runs, with(name, model.DefaultMLP(), func(s *train.Settings) {
					s.LearningRate, s.Normalize = lr, norm
				}))
			}
		}
		return e, nil
	case "q3":
		deep := model.DefaultMLP()
		deep.Hidden = DeepMLPHidden()
		return Experiment{Question: q, Title: "Parameter count and depth",
			Explanation: "The 784-256-256-10 MLP has 269,322 parameters; 54 hidden layers of width 64 match it (271,370). The deep, narrow network does not train: its loss stays at ln 10 = 2.3026, its accuracy at chance, and its gradient norm is small and flat.",
			Runs:        []Run{with("mlp 256,256", model.DefaultMLP(), nil), with("mlp 64*54", deep, nil)}}, nil
	case "q4":
		return Experiment{Question: q, Title: "MLP against CNN at about equal parameter count",
			Explanation: "The MLP (269,322 parameters) fits the training images faster and its gap between training and validation accuracy keeps growing: it overfits. The CNN (283,898) learns more slowly, its gap stays small, and with enough epochs it reaches the better validation accuracy.",
			Runs:        []Run{with("mlp", model.DefaultMLP(), nil), with("cnn", model.DefaultCNN(), nil)}}, nil
	case "q5":
		return Experiment{Question: q, Title: "Kernel size: deep 1x1 against shallow 28x28",
			Explanation: "Five 1x1 convolutions never mix neighbouring pixels, and their 2x2 pools round 28, 14, 7, 3, 1 down so only the top-left 16x16 pixels reach the classifier; one 28x28 convolution sees the whole image at once and trains fastest here.",
			Runs:        []Run{with("deep", DeepK1CNN(0), nil), with("deep pad2", DeepK1CNN(2), nil), with("shallow", ShallowCNN(), nil), with("default", model.DefaultCNN(), nil)}}, nil
	}
	return Experiment{}, fmt.Errorf("experiments: unknown question %q (want q1, q2, q3, q4, q5 or all)", q)
}

// DeepMLPHidden returns 54 hidden layers of width 64: the depth at which a
// 64-wide MLP matches the default MLP's parameter count.
func DeepMLPHidden() []int {
	h := make([]int, 54)
	for i := range h {
		h[i] = 64
	}
	return h
}

// DeepK1CNN returns the "deep" CNN of five 1x1 convolutions (32, 48, 64,
// 64, 48 channels), 277,290 parameters; firstPadding pads the first layer
// (2 makes every pool exact).
func DeepK1CNN(firstPadding int) model.Config {
	c := model.DefaultCNN()
	c.Channels = []int{32, 48, 64, 64, 48}
	c.Kernels = []int{1, 1, 1, 1, 1}
	c.Strides = []int{1, 1, 1, 1, 1}
	c.Paddings = []int{firstPadding, 0, 0, 0, 0}
	return c
}

// ShallowCNN returns the "shallow" CNN: one 28x28 convolution with 44
// channels, 283,382 parameters.
func ShallowCNN() model.Config {
	c := model.DefaultCNN()
	c.Channels, c.Kernels, c.Strides, c.Paddings = []int{44}, []int{28}, []int{1}, []int{0}
	return c
}

// MaxMatchingLayers is the largest depth MatchingDepth considers.
const MaxMatchingLayers = 100000

// MatchingDepth returns how many hidden layers of the given width make an
// MLP (784 inputs, 10 outputs) whose parameter count is closest to target,
// and that count. It answers question 3 for any width.
func MatchingDepth(width, target int) (layers, params int) {
	layers, params, _ = MatchingDepthCapped(width, target)
	return layers, params
}

// MatchingDepthCapped is MatchingDepth that also reports whether the
// search stopped at MaxMatchingLayers with every depth still below target,
// so that a deeper network might match better.
func MatchingDepthCapped(width, target int) (layers, params int, capped bool) {
	count := func(n int) int {
		if n == 0 {
			return 784*10 + 10
		}
		return (784*width + width) + (n-1)*(width*width+width) + (width*10 + 10)
	}
	best := 0
	for n := 1; n <= MaxMatchingLayers; n++ {
		if abs(count(n)-target) < abs(count(best)-target) {
			best = n
		}
		if count(n) > target {
			return best, count(best), false
		}
	}
	return best, count(best), true
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}
