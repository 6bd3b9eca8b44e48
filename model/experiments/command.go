package experiments

import (
	"fmt"
	"strconv"
	"strings"

	"fashionlab/model"
	"fashionlab/model/train"
)

// TrainCommand returns the native command that trains cfg with settings
// s, as a person types it: `go run ./cmd/train` with the flags that
// differ from its defaults, plus -net, -epochs and -limit always. The
// native trainer then uses the same configuration, seed, shuffling and
// normalization (the statistics of the first s.TrainLimit training
// images) as the page; its training accuracy is measured on the first
// 2,000 training images, whatever s.EvalTrainSize says. s.TrainLimit must
// be the number of training images the run used: the page's 0 (its whole
// subset) is the subset's size here, since the native 0 means all 60,000.
func TrainCommand(cfg model.Config, s train.Settings) string {
	def := train.DefaultSettings()
	cnn := model.DefaultCNN()
	args := []string{"go", "run", "./cmd/train", "-net", cfg.Net}
	add := func(flag, value string) { args = append(args, "-"+flag, value) }
	if cfg.Net == model.CNN {
		for _, f := range []struct {
			flag      string
			got, want []int
		}{
			{"channels", cfg.Channels, cnn.Channels},
			{"kernels", cfg.Kernels, cnn.Kernels},
			{"strides", cfg.Strides, cnn.Strides},
			{"paddings", cfg.Paddings, cnn.Paddings},
		} {
			if model.JoinInts(f.got) != model.JoinInts(f.want) {
				add(f.flag, model.JoinInts(f.got))
			}
		}
	}
	if h := model.FormatHidden(cfg.Hidden); h != "256,256" {
		if h == "" {
			h = `""`
		}
		add("hidden", h)
	}
	if cfg.Activation != "" && cfg.Activation != "relu" {
		add("act", cfg.Activation)
	}
	if s.Optimizer != def.Optimizer {
		add("optim", s.Optimizer)
	}
	if s.LearningRate != def.LearningRate {
		add("lr", strconv.FormatFloat(s.LearningRate, 'g', -1, 64))
	}
	if s.Optimizer == train.SGD && s.Momentum != def.Momentum {
		add("momentum", strconv.FormatFloat(s.Momentum, 'g', -1, 64))
	}
	if s.BatchSize != def.BatchSize {
		add("batch", strconv.Itoa(s.BatchSize))
	}
	add("epochs", strconv.Itoa(s.Epochs))
	add("limit", strconv.Itoa(s.TrainLimit))
	if s.Shuffle {
		args = append(args, "-shuffle")
	}
	if !s.Normalize {
		args = append(args, "-norm=false")
	}
	if s.Seed != def.Seed {
		add("seed", fmt.Sprint(s.Seed))
	}
	return strings.Join(args, " ")
}
