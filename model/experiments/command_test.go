package experiments

import (
	"testing"

	"fashionlab/model"
	"fashionlab/model/train"
)

func TestTrainCommandGivesTheFlagsThatDifferFromTheDefaults(t *testing.T) {
	deep := model.DefaultMLP()
	deep.Hidden, _ = model.ParseInts("64*54")
	deep.Activation = "tanh"
	sgd := BrowserSettings()
	sgd.Optimizer, sgd.Momentum, sgd.BatchSize, sgd.Normalize = train.SGD, 0.5, 32, false
	tests := []struct {
		name string
		cfg  model.Config
		s    train.Settings
		want string
	}{
		{"the homework's CNN, all defaults", model.DefaultCNN(), train.DefaultSettings(),
			"go run ./cmd/train -net cnn -epochs 20 -limit 0"},
		{"the browser's MLP", model.DefaultMLP(), BrowserSettings(),
			"go run ./cmd/train -net mlp -epochs 3 -limit 2000"},
		{"the fast demo", FastCNN(), func() train.Settings { s := FastSettings(); s.TrainLimit = 12000; return s }(),
			"go run ./cmd/train -net cnn -channels 16,32 -kernels 5,5 -strides 1,1 -paddings 0,0 -hidden 128 -lr 0.002 -epochs 8 -limit 12000 -shuffle"},
		{"SGD on raw pixels, deep tanh MLP, another seed", deep, func() train.Settings { s := sgd; s.Seed = 7; return s }(),
			"go run ./cmd/train -net mlp -hidden 64*54 -act tanh -optim sgd -momentum 0.5 -batch 32 -epochs 3 -limit 2000 -norm=false -seed 7"},
		{"no hidden layer", model.Config{Net: model.MLP, Activation: "relu"}, BrowserSettings(),
			`go run ./cmd/train -net mlp -hidden "" -epochs 3 -limit 2000`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := TrainCommand(tt.cfg, tt.s); got != tt.want {
				t.Errorf("TrainCommand = %s\nwant           %s", got, tt.want)
			}
		})
	}
}
