package weights

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"fashionlab/assets"
	"fashionlab/model"
	"fashionlab/model/parallel"
	"fashionlab/model/train"
)

var (
	realOnce sync.Once
	realRaw  *assets.Raw
	realErr  error
)

// trainingSplit returns the first 1,024 training images of the installed
// FashionMNIST, normalized, or synthetic images of the same size when it
// is not installed.
func trainingSplit(t *testing.T) *assets.Split {
	t.Helper()
	realOnce.Do(func() {
		dir := os.Getenv("FASHIONMNIST_DIR")
		if dir == "" {
			dir = "/usr/share/datasets/fashion-mnist"
		}
		realRaw, realErr = assets.LoadDir(dir)
	})
	if realErr != nil {
		t.Logf("FashionMNIST not installed (%v); training on synthetic images", realErr)
		return syntheticSplit(1024, 512, 512)
	}
	split, err := realRaw.Split(assets.SplitOptions{Normalize: true, TrainLimit: 1024})
	if err != nil {
		t.Fatal(err)
	}
	return split
}

// syntheticSplit returns learnable images: a fixed random pattern per
// class plus noise.
func syntheticSplit(train, val, test int) *assets.Split {
	rng := rand.New(rand.NewPCG(3, 4))
	patterns := make([][]float32, model.Classes)
	for c := range patterns {
		patterns[c] = make([]float32, assets.ImagePixels)
		for i := range patterns[c] {
			patterns[c][i] = float32(rng.NormFloat64())
		}
	}
	set := func(n int) assets.Set {
		s := assets.Set{X: make([]float32, n*assets.ImagePixels), Y: make([]uint8, n), N: n}
		for i := range n {
			c := rng.IntN(model.Classes)
			s.Y[i] = uint8(c)
			for j := range assets.ImagePixels {
				s.X[i*assets.ImagePixels+j] = patterns[c][j] + 2*float32(rng.NormFloat64())
			}
		}
		return s
	}
	return &assets.Split{Train: set(train), Val: set(val), Test: set(test)}
}

func resumeSettings(optimizer string, shuffle bool) train.Settings {
	s := train.DefaultSettings()
	s.Optimizer, s.Shuffle = optimizer, shuffle
	s.LearningRate = 1e-3
	if optimizer == train.SGD {
		s.LearningRate = 1e-2
	}
	s.Epochs, s.BatchSize, s.TrainLimit = 2, 128, 1024
	return s
}

// finished is the outcome of a training run.
type finished struct {
	weights [][]float32
	history string // JSON, seconds zeroed
}

func outcome(t *testing.T, tr *train.Trainer) finished {
	t.Helper()
	h := *tr.History()
	h.Epochs = append([]train.Epoch(nil), h.Epochs...)
	for i := range h.Epochs {
		h.Epochs[i].Seconds = 0
	}
	b, err := json.MarshalIndent(h, "", " ")
	if err != nil {
		t.Fatal(err)
	}
	return finished{values(tr.Network()), string(b)}
}

// stepsDone returns how many steps tr has trained.
func stepsDone(tr *train.Trainer) int {
	e, s := tr.Position()
	return e*tr.StepsPerEpoch() + s
}

func TestResumedTrainingMatchesUninterruptedTraining(t *testing.T) {
	split := trainingSplit(t)
	tests := []struct {
		name     string
		settings train.Settings
		stops    []int        // steps after which the run is checkpointed and rebuilt
		cfg      model.Config // the default MLP when Net is empty
	}{
		{"Adam stopped before the first step", resumeSettings(train.Adam, true), []int{0}, model.Config{}},
		{"Adam stopped three steps into the first epoch", resumeSettings(train.Adam, true), []int{3}, model.Config{}},
		{"Adam stopped at the end of the first epoch", resumeSettings(train.Adam, true), []int{8}, model.Config{}},
		{"Adam stopped mid-way through the second epoch", resumeSettings(train.Adam, true), []int{11}, model.Config{}},
		{"Adam stopped twice", resumeSettings(train.Adam, true), []int{2, 13}, model.Config{}},
		{"SGD with momentum on ordered batches stopped mid-epoch", resumeSettings(train.SGD, false), []int{5}, model.Config{}},
		{"Adam with dropout 0.5 stopped twice", resumeSettings(train.Adam, true), []int{3, 11}, dropoutMLP()},
	}
	want := map[string]finished{}
	reference := func(cfg model.Config, s train.Settings) finished {
		key, _ := json.Marshal(s)
		if f, ok := want[cfg.String()+string(key)]; ok {
			return f
		}
		tr, err := train.New(newNet(t, cfg, 1), split, s)
		if err != nil {
			t.Fatal(err)
		}
		if err := tr.Run(context.Background(), train.Hooks{}); err != nil {
			t.Fatal(err)
		}
		want[cfg.String()+string(key)] = outcome(t, tr)
		return want[cfg.String()+string(key)]
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.cfg.Net == "" {
				tt.cfg = model.DefaultMLP()
			}
			ref := reference(tt.cfg, tt.settings)
			tr, err := train.New(newNet(t, tt.cfg, 1), split, tt.settings)
			if err != nil {
				t.Fatal(err)
			}
			path := filepath.Join(t.TempDir(), "run.ckpt.safetensors")
			for _, stop := range tt.stops {
				for stepsDone(tr) < stop {
					tr.Step()
				}
				ck := NewCheckpoint(tr)
				if ck.Epoch*tr.StepsPerEpoch()+ck.Step != stop {
					t.Fatalf("checkpoint at epoch %d step %d, want step %d overall", ck.Epoch, ck.Step, stop)
				}
				tr.Step() // the checkpoint must not share the trainer's memory
				if err := ck.WriteFile(path); err != nil {
					t.Fatal(err)
				}
				loaded, err := ReadCheckpoint(path)
				if err != nil {
					t.Fatal(err)
				}
				if tr, err = loaded.Resume(split, parallel.New(1)); err != nil {
					t.Fatal(err)
				}
			}
			if err := tr.Run(context.Background(), train.Hooks{}); err != nil {
				t.Fatal(err)
			}
			got := outcome(t, tr)
			if !sameBits(got.weights, ref.weights) {
				t.Error("the resumed run ends with other weights")
			}
			if got.history != ref.history {
				t.Errorf("the resumed run logged\n%s\nwant\n%s", got.history, ref.history)
			}
		})
	}
}

// smallCheckpoint returns a checkpoint of a tiny MLP a few steps into
// training.
func smallCheckpoint(t testing.TB, optimizer string) (*Checkpoint, *assets.Split) {
	t.Helper()
	split := syntheticSplit(64, 16, 16)
	s := resumeSettings(optimizer, true)
	s.BatchSize, s.TrainLimit = 16, 0
	net := newNet(t, model.Config{Net: model.MLP, Hidden: []int{3}, Activation: "relu"}, 1)
	tr, err := train.New(net, split, s)
	if err != nil {
		t.Fatal(err)
	}
	for range 6 {
		tr.Step()
	}
	return NewCheckpoint(tr), split
}

func encodedCheckpoint(t *testing.T, c *Checkpoint) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := c.Save(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestACheckpointHoldsTheStateUnderItsDocumentedNames(t *testing.T) {
	for _, opt := range []string{train.Adam, train.SGD} {
		t.Run(opt, func(t *testing.T) {
			c, _ := smallCheckpoint(t, opt)
			tensors, meta := tensorsOf(t, encodedCheckpoint(t, c))
			want := []string{"param/1.weight", "param/1.bias", "param/3.weight", "param/3.bias"}
			if opt == train.Adam {
				want = append(want, "adam_m/1.weight", "adam_v/3.bias")
			} else {
				want = append(want, "momentum/1.weight", "momentum/3.bias")
			}
			for _, name := range want {
				if _, ok := tensors[name]; !ok {
					t.Errorf("no tensor %s", name)
				}
			}
			var state map[string]any
			if err := json.Unmarshal([]byte(meta[StateKey]), &state); err != nil {
				t.Fatal(err)
			}
			for _, key := range []string{"version", "settings", "epoch", "step", "optimizer", "history", "last_grad_norm", "epoch_seconds", "epoch_zero_grad_steps"} {
				if _, ok := state[key]; !ok {
					t.Errorf("state JSON lacks %q", key)
				}
			}
			if state["step"] != 2.0 || state["epoch"] != 1.0 {
				t.Errorf("state at epoch %v step %v, want epoch 1 step 2", state["epoch"], state["step"])
			}
		})
	}
}

func TestEveryTruncatedCheckpointIsACorruptFile(t *testing.T) {
	c, _ := smallCheckpoint(t, train.Adam)
	b := encodedCheckpoint(t, c)
	for n := range len(b) {
		_, err := LoadCheckpoint(bytes.NewReader(b[:n]))
		if !errors.Is(err, ErrCorrupt) {
			t.Fatalf("cut to %d of %d bytes: got %v, want a corrupt-file error", n, len(b), err)
		}
	}
}

func TestADamagedCheckpointHeaderIsAnErrorNotAPanic(t *testing.T) {
	c, _ := smallCheckpoint(t, train.SGD)
	b := encodedCheckpoint(t, c)
	n := 8 + int(binary.LittleEndian.Uint64(b))
	for i := range n {
		for _, v := range []byte{0, '"', '9', '}', b[i] ^ 0x80} {
			d := bytes.Clone(b)
			d[i] = v
			LoadCheckpoint(bytes.NewReader(d)) // must not panic
		}
	}
}

func TestCheckpointsThatDoNotFitAreRefused(t *testing.T) {
	c, _ := smallCheckpoint(t, train.Adam)
	good := encodedCheckpoint(t, c)
	tensors, meta := tensorsOf(t, good)
	withoutMoment := func() []byte {
		ts := map[string]rawTensor{}
		for k, v := range tensors {
			if k != "adam_v/3.bias" {
				ts[k] = v
			}
		}
		return handmade(t, ts, meta)
	}
	weightsOnly := func() []byte {
		net, err := c.Network(parallel.New(1))
		if err != nil {
			t.Fatal(err)
		}
		return saved(t, net, nil)
	}
	newerVersion := func() []byte {
		md := map[string]string{}
		for k, v := range meta {
			md[k] = v
		}
		md[StateKey] = strings.Replace(md[StateKey], `"version":1`, `"version":2`, 1)
		return handmade(t, tensors, md)
	}
	tests := []struct {
		name string
		file []byte
		kind error
		msg  string
	}{
		{"a missing optimizer moment is named", withoutMoment(), ErrMismatch, "missing tensor adam_v/3.bias, which the network needs with shape [10]"},
		{"a weights file is not a checkpoint", weightsOnly(), ErrMismatch, "the metadata has no fashionlab.state: a weights file, not a checkpoint"},
		{"a checkpoint of a later version is refused", newerVersion(), ErrMismatch, "checkpoint version 2, this program reads version 1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := writeTemp(t, "bad.ckpt", tt.file)
			_, err := ReadCheckpoint(path)
			if err == nil || err.Error() != "weights: "+path+": "+tt.msg {
				t.Errorf("error\n  %v\nwant\n  weights: %s: %s", err, path, tt.msg)
			}
			if !errors.Is(err, tt.kind) {
				t.Errorf("error %v does not match %v", err, tt.kind)
			}
		})
	}
}

func TestACheckpointResumesOnlyOnItsNetworkAndData(t *testing.T) {
	c, split := smallCheckpoint(t, train.Adam)
	other := newNet(t, model.DefaultMLP(), 1)
	before := values(other)
	if err := c.Restore(other); err == nil || !strings.Contains(err.Error(), `the checkpoint holds a "mlp dense 3 relu" network`) {
		t.Errorf("restoring into another network: got %v", err)
	}
	if !sameBits(values(other), before) {
		t.Error("the failed restore changed the network")
	}
	smaller := *split
	smaller.Train.N = 16 // one step per epoch; the checkpoint is at step 2
	if _, err := c.Resume(&smaller, parallel.New(1)); err == nil || !strings.Contains(err.Error(), "step 2 of an epoch of 1 steps") {
		t.Errorf("resuming on a smaller split: got %v", err)
	}
	if _, err := c.Resume(split, parallel.New(1)); err != nil {
		t.Errorf("resuming on its own split: %v", err)
	}
}
