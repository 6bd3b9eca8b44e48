package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
	"time"

	"fashionlab/model"
	"fashionlab/model/experiments"
	"fashionlab/model/train"
)

// options are the parsed command line.
type options struct {
	config     model.Config
	settings   train.Settings
	dataDir    string
	outDir     string
	params     bool
	experiment string
	resume     string
	initFile   string
	setFlags   map[string]bool // flags given on the command line
	threads    int
	epochsSet  bool
}

const usageHeader = `Usage: go run ./cmd/train [flags]

Trains a network of the FashionMNIST homework at full scale (60,000 training
images) and writes metrics, plots, a report and the weights into -out.
With no flags it trains the default CNN for 20 epochs.

Examples:
  go run ./cmd/train -net mlp -epochs 20
  go run ./cmd/train -params -net mlp -hidden 64*54
  go run ./cmd/train -experiment all -epochs 3
  go run ./cmd/train -resume runs/20261127-101500
  go run ./cmd/train -init model.safetensors -epochs 0

Flags:
`

// parseFlags reads args into options, or returns an error that explains
// what is wrong with them.
func parseFlags(args []string, stderr io.Writer, now time.Time) (options, error) {
	fs := flag.NewFlagSet("train", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprint(stderr, usageHeader)
		fs.PrintDefaults()
	}
	def := train.DefaultSettings()
	cnn := model.DefaultCNN()
	var (
		net      = fs.String("net", "cnn", "network kind: mlp or cnn")
		hidden   = fs.String("hidden", "256,256", "dense hidden layer widths, e.g. 256,256 or 64*54 (54 layers of 64)")
		channels = fs.String("channels", model.JoinInts(cnn.Channels), "CNN: output channels of each convolution layer")
		kernels  = fs.String("kernels", model.JoinInts(cnn.Kernels), "CNN: kernel size of each convolution layer")
		strides  = fs.String("strides", model.JoinInts(cnn.Strides), "CNN: stride of each convolution layer")
		paddings = fs.String("paddings", model.JoinInts(cnn.Paddings), "CNN: zero padding of each convolution layer")
		act      = fs.String("act", "relu", "activation: "+strings.Join(model.ActivationNames(), ", "))
		dropout  = fs.Float64("dropout", 0, "dropout probability of the dense hidden layers' units in training, from 0 (none) up to 1")
		o        options
	)
	fs.Float64Var(&o.settings.LearningRate, "lr", def.LearningRate, "learning rate")
	fs.IntVar(&o.settings.BatchSize, "batch", def.BatchSize, "batch size")
	fs.IntVar(&o.settings.Epochs, "epochs", def.Epochs, "training epochs (with -experiment: per run; default: the question's own)")
	fs.BoolVar(&o.settings.Normalize, "norm", def.Normalize, "normalize inputs per pixel with the training set's mean and std (-norm=false: raw 0..255)")
	fs.StringVar(&o.settings.Optimizer, "optim", def.Optimizer, "optimizer: "+strings.Join(train.OptimizerNames(), ", "))
	fs.Float64Var(&o.settings.Momentum, "momentum", def.Momentum, "SGD momentum")
	fs.Uint64Var(&o.settings.Seed, "seed", def.Seed, "seed of the initialization and the shuffling")
	fs.BoolVar(&o.settings.Shuffle, "shuffle", false, "shuffle the training images every epoch (default: batches in order)")
	fs.IntVar(&o.settings.TrainLimit, "limit", 0, "train on the first N training images only (0: all 60,000)")
	fs.StringVar(&o.dataDir, "data", "", "directory holding the four FashionMNIST .gz files (default: $FASHIONMNIST_DIR, the Debian package, the user cache, else download)")
	fs.StringVar(&o.outDir, "out", "", "output directory (default runs/<timestamp>)")
	fs.BoolVar(&o.params, "params", false, "print the parameter count per layer and in total, then exit")
	fs.StringVar(&o.experiment, "experiment", "", "run a homework question as a preset: q1, q2, q3, q4, q5 or all")
	fs.StringVar(&o.resume, "resume", "", "continue the interrupted run whose output directory is DIR")
	fs.StringVar(&o.initFile, "init", "", "start from the weights in FILE (a model.safetensors); the network comes from the file, -epochs 0 only evaluates it")
	fs.IntVar(&o.threads, "threads", 0, "threads for every part of a training step: convolution chunks, matrix products, element-wise passes, Adam (0: all cores)")
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	if fs.NArg() > 0 {
		return o, fmt.Errorf("unexpected argument %q (flags start with -)", fs.Arg(0))
	}
	var training, network []string // flags that -resume and -init take from their file instead
	o.setFlags = map[string]bool{}
	fs.Visit(func(f *flag.Flag) {
		o.setFlags[f.Name] = true
		switch f.Name {
		case "epochs":
			o.epochsSet = true
		case "resume", "data", "threads", "out":
			return
		case "net", "hidden", "channels", "kernels", "strides", "paddings", "act", "dropout":
			network = append(network, "-"+f.Name)
		}
		training = append(training, "-"+f.Name)
	})
	if o.resume != "" && len(training) > 0 {
		return o, fmt.Errorf("-resume continues with the checkpoint's own configuration and settings; drop %s", strings.Join(training, " "))
	}
	if o.initFile != "" && len(network) > 0 {
		return o, fmt.Errorf("-init takes the network from the weights file; drop %s", strings.Join(network, " "))
	}
	if o.initFile != "" && o.experiment != "" {
		return o, errors.New("-init starts one run from a weights file; it cannot be combined with -experiment")
	}
	o.settings.EvalTrainSize = def.EvalTrainSize
	o.config = model.Config{Net: strings.ToLower(*net), Activation: strings.ToLower(*act), Dropout: *dropout}
	var err error
	if o.config.Hidden, err = model.ParseInts(*hidden); err != nil {
		return o, fmt.Errorf("-hidden: %w", err)
	}
	if o.config.Net == model.CNN {
		for _, f := range []struct {
			name string
			in   string
			dst  *[]int
		}{{"channels", *channels, &o.config.Channels}, {"kernels", *kernels, &o.config.Kernels}, {"strides", *strides, &o.config.Strides}, {"paddings", *paddings, &o.config.Paddings}} {
			if *f.dst, err = model.ParseInts(f.in); err != nil {
				return o, fmt.Errorf("-%s: %w", f.name, err)
			}
		}
	}
	if err := o.config.Validate(); err != nil {
		return o, err
	}
	if err := o.settings.Validate(); err != nil {
		return o, err
	}
	if o.threads < 0 {
		return o, errors.New("-threads must not be negative")
	}
	if o.experiment != "" {
		o.experiment = strings.ToLower(o.experiment)
		if o.experiment != "all" {
			if _, err := experiments.Get(o.experiment, o.settings, 1); err != nil {
				return o, err
			}
		}
	}
	if o.resume != "" && o.outDir != "" && o.outDir != o.resume {
		return o, errors.New("-resume writes into the run's own directory; drop -out")
	}
	if o.outDir == "" {
		o.outDir = o.resume
	}
	if o.outDir == "" {
		o.outDir = "runs/" + now.Format("20060102-150405")
	}
	return o, nil
}
