package protocol

import (
	"slices"
	"strings"
	"testing"

	"fashionlab/model"
	"fashionlab/model/experiments"
	"fashionlab/model/parallel"
	"fashionlab/model/train"
)

// jargon are fragments that must never reach a student.
var jargon = []string{"protocol:", "model:", "train:", "ops:", "start.", "settings.", "config.", "[]int", "float64", "%!"}

func cnnForm(channels ...any) map[string]any {
	n := len(channels)
	ones := func(v float64) []any {
		out := make([]any, n)
		for i := range out {
			out[i] = v
		}
		return out
	}
	return map[string]any{"net": "cnn", "n_channels": channels, "kernel_sizes": ones(3), "strides": ones(1), "paddings": ones(0), "dense_hiddens": []any{256.0, 256.0}}
}

func TestBadFormsComeBackAsPlainProblems(t *testing.T) {
	limits := BrowserLimits(12000)
	tests := []struct {
		name      string
		config    map[string]any
		settings  map[string]any
		maxSteps  any
		wantField string
		wantText  string
	}{
		{"60000 channels", cnnForm(60000.0), nil, nil, "n_channels", "Channels: each value must be a whole number from 1 to 512; layer 1 is 60,000."},
		{"100000 channels in the second layer", cnnForm(16.0, 100000.0), nil, nil, "n_channels", "layer 2 is 100,000"},
		{"a million epochs", cnnForm(16.0), map[string]any{"epochs": 1e6}, nil, "epochs", "Epochs must be a whole number from 1 to 200."},
		{"zero epochs", cnnForm(16.0), map[string]any{"epochs": 0.0}, nil, "epochs", "Epochs must be a whole number from 1 to 200."},
		{"two and a half epochs", cnnForm(16.0), map[string]any{"epochs": 2.5}, nil, "epochs", "whole number"},
		{"a learning rate typed as text", cnnForm(16.0), map[string]any{"lr": "fast"}, nil, "lr", "Learning rate must be a number from 1e-08 to 10."},
		{"a negative learning rate", cnnForm(16.0), map[string]any{"lr": -1.0}, nil, "lr", "Learning rate must be a number"},
		{"a batch of 10000", cnnForm(16.0), map[string]any{"batch_size": 10000.0}, nil, "batch_size", "Batch size must be a whole number from 1 to 4,096."},
		{"more training images than the subset", cnnForm(16.0), map[string]any{"train_limit": 20000.0}, nil, "train_limit", "from 0 to 12,000"},
		{"momentum of one", cnnForm(16.0), map[string]any{"optimizer": "sgd", "momentum": 1.0}, nil, "momentum", "SGD momentum must be a number from 0 to 0.999."},
		{"a negative step limit", cnnForm(16.0), nil, -5.0, "max_steps", "Step limit must be a whole number"},
		{"nine convolution layers", cnnForm(8.0, 8.0, 8.0, 8.0, 8.0, 8.0, 8.0, 8.0, 8.0), nil, nil, "n_channels", "at most 8 layers are allowed; this has 9"},
		{"65 dense layers", map[string]any{"net": "mlp", "dense_hiddens": func() []any {
			h := make([]any, 65)
			for i := range h {
				h[i] = 8.0
			}
			return h
		}()}, nil, nil, "dense_hiddens", "Dense hidden sizes: at most 64 layers"},
		{"hidden sizes typed as text", map[string]any{"net": "mlp", "dense_hiddens": "256,256"}, nil, nil, "dense_hiddens", "must be a list of whole numbers"},
		{"a kernel larger than the image", map[string]any{"net": "cnn", "n_channels": []any{4.0}, "kernel_sizes": []any{29.0}, "strides": []any{1.0}, "paddings": []any{0.0}, "dense_hiddens": []any{}}, nil, nil, "kernel_sizes", "from 1 to 28"},
		{"kernel sizes missing a layer", map[string]any{"net": "cnn", "n_channels": []any{16.0, 32.0}, "kernel_sizes": []any{3.0}, "strides": []any{1.0, 1.0}, "paddings": []any{0.0, 0.0}, "dense_hiddens": []any{}}, nil, nil, "kernel_sizes", "Give one kernel size per convolution layer: 2 layers, 1 kernel sizes."},
		{"maps that vanish before the pool", map[string]any{"net": "cnn", "n_channels": []any{4.0, 4.0}, "kernel_sizes": []any{28.0, 3.0}, "strides": []any{1.0, 1.0}, "paddings": []any{0.0, 0.0}, "dense_hiddens": []any{}}, nil, nil, "kernel_sizes", "Convolution layer 1 leaves a 1x1 map"},
		{"a CNN without layers", map[string]any{"net": "cnn", "dense_hiddens": []any{}}, nil, nil, "n_channels", "at least one convolution layer"},
		{"an MLP with channels", map[string]any{"net": "mlp", "n_channels": []any{4.0}, "dense_hiddens": []any{}}, nil, nil, "n_channels", "An MLP has no convolution layers"},
		{"an unknown network kind", map[string]any{"net": "rnn"}, nil, nil, "net", "The network kind must be mlp or cnn."},
		{"an unknown optimizer", cnnForm(16.0), map[string]any{"optimizer": "lbfgs"}, nil, "optimizer", "The optimizer must be adam or sgd."},
		{"an unknown activation", map[string]any{"net": "mlp", "dense_hiddens": []any{}, "activation": "gelu"}, nil, nil, "activation", "relu, tanh or sigmoid"},
		{"dropout of one", map[string]any{"net": "mlp", "dense_hiddens": []any{64.0}, "dropout": 1.0}, nil, nil, "dropout", "Dropout must be a number from 0 to 0.9."},
		{"dropout typed as text", map[string]any{"net": "mlp", "dense_hiddens": []any{64.0}, "dropout": "half"}, nil, nil, "dropout", "Dropout must be a number"},
		{"a network too big for the memory budget", cnnForm(512.0, 512.0, 512.0), map[string]any{"batch_size": 2048.0}, nil, "", "This network would need about"},
		{"dense layers too big for the memory budget", map[string]any{"net": "mlp", "dense_hiddens": []any{4096.0, 4096.0, 4096.0, 4096.0, 4096.0, 4096.0, 4096.0, 4096.0, 4096.0, 4096.0, 4096.0, 4096.0, 4096.0, 4096.0, 4096.0, 4096.0, 4096.0}}, nil, nil, "", "Use fewer or narrower layers."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			form := map[string]any{"config": tt.config}
			if tt.settings != nil {
				form["settings"] = tt.settings
			}
			if tt.maxSteps != nil {
				form["max_steps"] = tt.maxSteps
			}
			r := limits.ReviewForm(form)
			if len(r.Problems) == 0 {
				t.Fatalf("no problem found; params %d, bytes %d", r.Params, r.Bytes)
			}
			p := r.Problems[0]
			if p.Field != tt.wantField || !strings.Contains(p.Message, tt.wantText) {
				t.Errorf("problem = %+v, want field %q and a message containing %q", p, tt.wantField, tt.wantText)
			}
			for _, p := range r.Problems {
				for _, j := range jargon {
					if strings.Contains(p.Message, j) {
						t.Errorf("message %q contains %q", p.Message, j)
					}
				}
				if !strings.HasSuffix(p.Message, ".") || strings.ToUpper(p.Message[:1]) != p.Message[:1] {
					t.Errorf("message %q is not a sentence", p.Message)
				}
			}
		})
	}
}

func TestTheMemoryProblemNamesTheBudgetAndWhy(t *testing.T) {
	limits := BrowserLimits(12000)
	r := limits.ReviewForm(map[string]any{"config": cnnForm(512.0, 512.0, 512.0), "settings": map[string]any{"batch_size": 2048.0}})
	if len(r.Problems) != 1 {
		t.Fatalf("problems = %+v, want one", r.Problems)
	}
	msg := r.Problems[0].Message
	for _, want := range []string{"batch 2048", "the page allows 1 GB", limits.MemoryReason, formatBytes(r.Bytes)} {
		if !strings.Contains(msg, want) {
			t.Errorf("message %q does not contain %q", msg, want)
		}
	}
	if r.Bytes <= limits.MemoryBytes || r.Params == 0 {
		t.Errorf("params %d, bytes %d: want the count and an estimate above the budget %d", r.Params, r.Bytes, limits.MemoryBytes)
	}
	// "see the marked fields": the fields that size the network are named
	// for the form to mark.
	if also := r.Problems[0].Also; !slices.Contains(also, "n_channels") || !slices.Contains(also, "batch_size") {
		t.Errorf("the memory problem marks %v, want the channels and the batch size", also)
	}
	for _, word := range []string{"WebAssembly", "garbage collector", "Go's"} {
		if strings.Contains(msg, word) {
			t.Errorf("the memory problem speaks of %q: %q", word, msg)
		}
	}
}

func TestNumbersAreWrittenAsPeopleWriteThem(t *testing.T) {
	for _, tt := range []struct {
		x    float64
		want string
	}{
		{0, "0"}, {12000, "12,000"}, {-4096, "-4,096"}, {1e-8, "1e-08"}, {0.999, "0.999"},
		{1<<53 - 1, "9,007,199,254,740,991"}, {1 << 31, "2,147,483,648"},
	} {
		if got := formatNumber(tt.x); got != tt.want {
			t.Errorf("formatNumber(%g) = %q, want %q", tt.x, got, tt.want)
		}
	}
}

func TestTheQuestionsNetworksPassWithTheirParameterCounts(t *testing.T) {
	limits := BrowserLimits(12000)
	pool := parallel.New(1)
	demo := train.DefaultSettings()
	demo.Epochs, demo.TrainLimit = 3, 12000
	tests := []struct {
		name string
		cfg  model.Config
		want int
	}{
		{"the default MLP", model.DefaultMLP(), 269322},
		{"the default CNN", model.DefaultCNN(), 283898},
		{"54 layers of 64", model.Config{Net: model.MLP, Hidden: experiments.DeepMLPHidden(), Activation: "relu"}, 271370},
		{"five 1x1 convolutions", experiments.DeepK1CNN(0), 277290},
		{"five 1x1 convolutions, padding 2", experiments.DeepK1CNN(2), 277290},
		{"one 28x28 convolution", experiments.ShallowCNN(), 283382},
		{"no hidden layer", model.Config{Net: model.MLP, Hidden: []int{}, Activation: "tanh"}, 7850},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := limits.Review(tt.cfg, demo, 0)
			if len(r.Problems) > 0 {
				t.Fatalf("problems: %+v", r.Problems)
			}
			net, err := model.New(tt.cfg, 1, pool)
			if err != nil {
				t.Fatal(err)
			}
			if r.Params != tt.want || net.NumParams() != tt.want {
				t.Errorf("params = %d, network has %d, want %d", r.Params, net.NumParams(), tt.want)
			}
			mem, err := train.EstimateMemory(tt.cfg, demo, 1)
			if err != nil || r.Bytes != mem.Total() || r.Bytes <= 0 {
				t.Errorf("bytes = %d, want the estimate %d (%v)", r.Bytes, mem.Total(), err)
			}
		})
	}
}

func TestTheDefaultsThatFillAbsentFieldsAreWithinTheLimits(t *testing.T) {
	for _, images := range []int{0, 96, 12000} {
		if r := BrowserLimits(images).Review(model.DefaultMLP(), train.DefaultSettings(), 0); len(r.Problems) > 0 {
			t.Errorf("%d training images: the defaults have problems %+v", images, r.Problems)
		}
	}
}

func TestEveryLimitNamesAFieldOfStart(t *testing.T) {
	fields := BrowserLimits(100).limitedFields()
	want := []string{"epochs", "lr", "momentum", "batch_size", "seed", "train_limit", "eval_train_size", "max_steps", "n_channels", "kernel_sizes", "strides", "paddings", "dense_hiddens", "dropout"}
	if len(fields) != len(want) {
		t.Fatalf("%d limited fields, want %d", len(fields), len(want))
	}
	for i, f := range fields {
		if f.name != want[i] || f.r.Label == "" || !(f.r.Min <= f.r.Max) {
			t.Errorf("limit %d = %+v, want %q with a label and min <= max", i, f, want[i])
		}
	}
}

func TestFormatting(t *testing.T) {
	tests := []struct {
		got, want string
	}{
		{formatNumber(60000), "60,000"},
		{formatNumber(4096), "4,096"},
		{formatNumber(-1234567), "-1,234,567"},
		{formatNumber(1e-8), "1e-08"},
		{formatNumber(0.999), "0.999"},
		{formatBytes(1 << 30), "1 GB"},
		{formatBytes(2469606195), "2.3 GB"},
		{formatBytes(21 << 20), "21 MB"},
		{formatBytes(1536 << 10), "1.5 MB"},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("got %q, want %q", tt.got, tt.want)
		}
	}
}
