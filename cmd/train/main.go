// Command train trains the FashionMNIST homework's networks natively, at
// full scale, with the same model code the browser runs.
//
// Run `go run ./cmd/train -h` for the flags.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
	"time"

	"fashionlab/assets"
	"fashionlab/model"
	"fashionlab/model/gemm"
	"fashionlab/model/parallel"
	"fashionlab/model/train"
	"fashionlab/model/weights"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	os.Exit(run(ctx, os.Args[1:], os.Stdout, os.Stderr))
}

// run is the whole program; it returns the exit status: 0 on success, 1 on
// a failure, 2 on bad flags, 130 when interrupted (after checkpointing).
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	o, err := parseFlags(args, stderr, time.Now())
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	if err != nil {
		fmt.Fprintf(stderr, "train: %v\nRun 'go run ./cmd/train -h' for the flags.\n", err)
		return 2
	}
	pool := parallel.New(o.threads)
	if o.params {
		net, _, err := newNetwork(o, pool)
		if err != nil {
			fmt.Fprintf(stderr, "train: %v\n", err)
			return 2
		}
		printParams(stdout, net)
		return 0
	}
	app := &app{opts: o, pool: pool, stdout: stdout, stderr: stderr}
	err = app.main(ctx)
	switch {
	case errors.Is(err, train.ErrInterrupted):
		return 130
	case err != nil:
		fmt.Fprintf(stderr, "train: %v\n", err)
		return 1
	}
	return 0
}

// newNetwork builds the network the flags ask for: read from the -init
// weights file (with the file's metadata), or freshly initialized from the
// configuration and seed.
func newNetwork(o options, pool *parallel.Pool) (*model.Network, map[string]string, error) {
	if o.initFile == "" {
		net, err := model.New(o.config, o.settings.Seed, pool)
		return net, nil, err
	}
	net, meta, err := weights.ReadNetwork(o.initFile, pool)
	if err != nil {
		return nil, nil, fmt.Errorf("-init: %w", err)
	}
	return net, meta, nil
}

// inputsOf returns s with the input preprocessing that the -init file was
// trained with (normalization, and the training images whose statistics
// normalize), unless the command line sets -norm or -limit itself: the
// weights only make sense on inputs prepared the same way.
func (a *app) inputsOf(meta map[string]string, s train.Settings) train.Settings {
	raw, ok := meta[weights.SettingsKey]
	if !ok {
		return s
	}
	var trained train.Settings
	if err := json.Unmarshal([]byte(raw), &trained); err != nil {
		fmt.Fprintf(a.stderr, "train: -init: the file's training settings are unreadable (%v); using the flags' -norm and -limit\n", err)
		return s
	}
	if !a.opts.setFlags["norm"] {
		s.Normalize = trained.Normalize
	}
	if !a.opts.setFlags["limit"] {
		s.TrainLimit = trained.TrainLimit
	}
	fmt.Fprintf(a.stdout, "Weights from %s; inputs prepared as in its training: normalize %v, training images %s\n", a.opts.initFile, s.Normalize, imagesText(s.TrainLimit))
	return s
}

// imagesText names a training limit: "all" for zero.
func imagesText(limit int) string {
	if limit == 0 {
		return "all"
	}
	return fmt.Sprintf("first %d", limit)
}

// app carries what one invocation shares between its runs.
type app struct {
	opts   options
	pool   *parallel.Pool
	raw    *assets.Raw
	stdout io.Writer
	stderr io.Writer
}

func (a *app) loadData(ctx context.Context) error {
	if a.raw != nil {
		return nil
	}
	start := time.Now()
	raw, err := assets.Load(ctx, assets.Source{Dir: a.opts.dataDir, Progress: a.stderr})
	if err != nil {
		return err
	}
	a.raw = raw
	fmt.Fprintf(a.stdout, "FashionMNIST: %d training and %d test images (%.1f s)\n", raw.TrainImages.N, raw.TestImages.N, time.Since(start).Seconds())
	return nil
}

func (a *app) split(s train.Settings) (*assets.Split, error) {
	return a.raw.Split(assets.SplitOptions{Normalize: s.Normalize, TrainLimit: s.TrainLimit})
}

func (a *app) main(ctx context.Context) error {
	if a.opts.resume != "" {
		return a.resumeRun(ctx)
	}
	if a.opts.experiment != "" {
		return a.runExperiments(ctx)
	}
	net, meta, err := newNetwork(a.opts, a.pool)
	if err != nil {
		return err
	}
	settings := a.opts.settings
	if a.opts.initFile != "" {
		settings = a.inputsOf(meta, settings)
	}
	if err := a.loadData(ctx); err != nil {
		return err
	}
	split, err := a.split(settings)
	if err != nil {
		return err
	}
	tr, err := train.New(net, split, settings)
	if err != nil {
		return err
	}
	return a.trainAndWrite(ctx, tr, a.opts.outDir, "")
}

// trainAndWrite runs tr to the end with progress output, then writes its
// outputs into dir; on interruption it writes a checkpoint instead.
func (a *app) trainAndWrite(ctx context.Context, tr *train.Trainer, dir, title string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("creating the output directory: %w", err)
	}
	h := tr.History()
	if title != "" {
		fmt.Fprintf(a.stdout, "\n== %s\n", title)
	}
	fmt.Fprintf(a.stdout, "%s: %d parameters; %s lr %g, batch %d, %d epochs, normalize %v; kernel %s, %d threads\n",
		h.Config, h.Params, h.Settings.Optimizer, h.Settings.LearningRate, h.Settings.BatchSize, h.Settings.Epochs, h.Settings.Normalize, gemm.KernelName(), a.pool.Threads())
	p := newProgress(a.stderr, tr)
	if len(h.Epochs) == 0 {
		tr.Start()
		printEpoch(a.stdout, h.Epochs[0])
	}
	err := tr.Run(ctx, train.Hooks{Step: p.step, Epoch: func(e train.Epoch) {
		p.finish()
		printEpoch(a.stdout, e)
	}})
	p.finish()
	if errors.Is(err, train.ErrInterrupted) {
		path, cerr := writeCheckpoint(dir, tr)
		if cerr != nil {
			return fmt.Errorf("interrupted, and the checkpoint failed: %w", cerr)
		}
		ep, st := tr.Position()
		fmt.Fprintf(a.stdout, "\nInterrupted after epoch %d, step %d. Checkpoint: %s\nResume with: go run ./cmd/train -resume %s\n", ep, st, path, dir)
		return err
	}
	if err != nil {
		return err
	}
	if d := h.Diverged; d != nil {
		fmt.Fprintf(a.stdout, "diverged at epoch %d, step %d: %s\n", d.Epoch, d.Step, d.Reason)
	}
	if h.Saturated {
		fmt.Fprintln(a.stdout, "note: the clamped softmax saturated: some steps had an all-zero gradient (see zero_grad_steps)")
	}
	printSummary(a.stdout, h)
	if err := writeRun(dir, tr); err != nil {
		return err
	}
	removeCheckpoint(dir)
	fmt.Fprintf(a.stdout, "Wrote %s\n", dir)
	return nil
}
