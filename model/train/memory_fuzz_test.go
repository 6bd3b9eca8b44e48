package train

import (
	"testing"

	"fashionlab/model"
)

// FuzzEstimateMemory gives Config.ParamCount and EstimateMemory sizes of
// every magnitude, as a weights file, a flag or an address may carry them.
// Neither may panic or wrap around: an accepted configuration has
// non-negative counts whose parts add up, and, where it is small enough to
// build, ParamCount is what the built network holds.
func FuzzEstimateMemory(f *testing.F) {
	f.Add(false, 4611686018427387904, 2, 16, 3, 1, 0, 128)
	f.Add(false, 99999999, 0, 16, 3, 1, 0, 128)
	f.Add(true, 256, 256, 99999, 3, 1, 0, 1)
	f.Add(true, 256, 0, 16, 3, 1, 100000, 1)
	f.Add(true, 2, 2, 1<<40, 1<<31, 1, 1<<30, 1<<20)
	f.Add(true, 256, 256, 16, 3, 1, 0, 128)
	f.Fuzz(func(t *testing.T, cnn bool, h1, h2, ch, k, s, p, batch int) {
		cfg := model.Config{Net: model.MLP, Hidden: []int{h1}, Activation: "relu"}
		if h2 != 0 {
			cfg.Hidden = append(cfg.Hidden, h2)
		}
		if cnn {
			cfg.Net = model.CNN
			cfg.Channels, cfg.Kernels, cfg.Strides, cfg.Paddings = []int{ch, ch}, []int{k, 1}, []int{s, 1}, []int{p, 0}
		}
		settings := DefaultSettings()
		settings.BatchSize = batch
		params, perr := cfg.ParamCount()
		mem, merr := EstimateMemory(cfg, settings, 2)
		if perr != nil {
			if merr == nil {
				t.Fatalf("ParamCount refused %s (%v) but EstimateMemory accepted it", cfg, perr)
			}
			return
		}
		if params < 0 {
			t.Fatalf("ParamCount(%s) = %d", cfg, params)
		}
		if merr == nil {
			for _, part := range []int64{mem.Params, mem.Grads, mem.Optimizer, mem.Activations, mem.Batch} {
				if part < 0 {
					t.Fatalf("EstimateMemory(%s, batch %d) has a negative part: %+v", cfg, batch, mem)
				}
			}
			if mem.Params != 4*int64(params) || mem.Total() < mem.Params+mem.Activations {
				t.Fatalf("EstimateMemory(%s, batch %d) = %+v does not add up with %d parameters", cfg, batch, mem, params)
			}
		}
		if params <= 200_000 {
			net, err := model.New(cfg, 1, nil)
			if err != nil {
				t.Fatalf("ParamCount accepted %s, model.New refused it: %v", cfg, err)
			}
			if net.NumParams() != params {
				t.Fatalf("ParamCount(%s) = %d, the network holds %d", cfg, params, net.NumParams())
			}
		}
	})
}
