package weights

import (
	"bytes"
	"errors"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fashionlab/model"
	"fashionlab/model/parallel"
	"fashionlab/model/train"
)

// FuzzNewNetwork feeds arbitrary bytes to the reader the page uses for an
// uploaded file. It must never panic; it fails only with a corrupt or
// mismatch error; and a file it accepts saves and reads back to the same
// parameters and metadata.
func FuzzNewNetwork(f *testing.F) {
	var small bytes.Buffer
	net, err := model.New(model.Config{Net: model.MLP, Hidden: []int{2}, Activation: "relu"}, 1, parallel.New(1))
	if err != nil {
		f.Fatal(err)
	}
	if err := Save(&small, net, map[string]string{SettingsKey: `{"normalize":true,"train_limit":3}`}); err != nil {
		f.Fatal(err)
	}
	b := small.Bytes()
	f.Add(b)
	f.Add(b[:len(b)-1])
	f.Add(b[:40])
	f.Add(append(bytes.Clone(b), 0))
	f.Add([]byte{})
	f.Add([]byte("PK\x03\x04 a torch.save archive"))
	f.Add([]byte("\x02\x00\x00\x00\x00\x00\x00\x00{}"))
	addHostileSeeds(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		net, meta, err := NewNetwork(bytes.NewReader(data), parallel.New(1))
		if err != nil {
			if !errors.Is(err, ErrCorrupt) && !errors.Is(err, ErrMismatch) {
				t.Fatalf("error %q matches neither ErrCorrupt nor ErrMismatch", err)
			}
			return
		}
		if _, err := InputsOf(meta); err != nil && !errors.Is(err, ErrCorrupt) {
			t.Fatalf("InputsOf: %q does not match ErrCorrupt", err)
		}
		rest := maps.Clone(meta)
		delete(rest, ConfigKey)
		var out bytes.Buffer
		if err := Save(&out, net, rest); err != nil {
			t.Fatalf("an accepted file does not save again: %v", err)
		}
		again, meta2, err := NewNetwork(&out, parallel.New(1))
		if err != nil {
			t.Fatalf("a re-saved file does not read back: %v", err)
		}
		if !sameBits(values(net), values(again)) || !maps.Equal(meta, meta2) {
			t.Error("saving and reading back changed the network or its metadata")
		}
	})
}

// FuzzLoadCheckpoint feeds arbitrary bytes to the checkpoint reader, which
// the page uses to continue a run it saved. It must never panic; it fails
// only with a corrupt or mismatch error; a checkpoint it accepts saves to
// a file that reads back to the same bytes again, and resuming it either
// works or is refused with a wrapped error.
func FuzzLoadCheckpoint(f *testing.F) {
	for _, opt := range []string{train.Adam, train.SGD} {
		c, _ := smallCheckpoint(f, opt)
		var b bytes.Buffer
		if err := c.Save(&b); err != nil {
			f.Fatal(err)
		}
		f.Add(b.Bytes())
		f.Add(b.Bytes()[:b.Len()-3])
		f.Add(b.Bytes()[:60])
	}
	f.Add(saved(f, newNet(f, model.Config{Net: model.MLP, Hidden: []int{2}, Activation: "relu"}, 1), nil))
	f.Add([]byte{})
	f.Add([]byte("\x02\x00\x00\x00\x00\x00\x00\x00{}"))
	addHostileSeeds(f)
	split := syntheticSplit(64, 16, 16)
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := LoadCheckpoint(bytes.NewReader(data))
		if err != nil {
			if !errors.Is(err, ErrCorrupt) && !errors.Is(err, ErrMismatch) {
				t.Fatalf("error %q matches neither ErrCorrupt nor ErrMismatch", err)
			}
			return
		}
		var once, twice bytes.Buffer
		if err := c.Save(&once); err != nil {
			t.Fatalf("an accepted checkpoint does not save again: %v", err)
		}
		again, err := LoadCheckpoint(bytes.NewReader(once.Bytes()))
		if err != nil {
			t.Fatalf("a re-saved checkpoint does not read back: %v", err)
		}
		if err := again.Save(&twice); err != nil || !bytes.Equal(once.Bytes(), twice.Bytes()) {
			t.Fatalf("saving and reading back changed the checkpoint (%v)", err)
		}
		if _, err := c.Resume(split, parallel.New(1)); err != nil && !strings.HasPrefix(err.Error(), "weights: ") {
			t.Fatalf("a refused resume is not wrapped: %v", err)
		}
	})
}

// addHostileSeeds seeds a fuzz target with the reliability issue's files:
// configurations whose counts overflow or that claim huge networks, and a
// header of more layers than a network may have.
func addHostileSeeds(f *testing.F) {
	state := `{"version":1,"settings":{"optimizer":"adam","lr":0.001,"batch_size":1,"epochs":1,"eval_train_size":1},"optimizer":{"kind":"adam"}}`
	f.Add(overflowFile())
	f.Add(hugeConfigFile(`{"net":"mlp","dense_hiddens":[99999999],"activation":"relu"}`, state))
	f.Add(hugeConfigFile(`{"net":"mlp","dense_hiddens":[4611686018427387904,2],"activation":"relu"}`, state))
	f.Add(hugeConfigFile(`{"net":"cnn","n_channels":[99999],"kernel_sizes":[3],"strides":[1],"paddings":[0],"dense_hiddens":[],"activation":"relu"}`, state))
	f.Add(hugeConfigFile(`{"net":"cnn","n_channels":[16],"kernel_sizes":[3],"strides":[1],"paddings":[100000],"dense_hiddens":[2],"activation":"relu"}`, state))
	f.Add(manyLayersFile(MaxLayers + 1))
	f.Add(manyEmptyTensorsFile(100))
}

// FuzzHugeHeaders builds the headers that -init and -resume read, with
// every size of the configuration chosen by the fuzzer (huge, negative,
// overflowing), over one small tensor. Reading them as a weights file, a
// checkpoint or a header only must never panic nor build anything: each
// is refused as corrupt or mismatched, since one value cannot fill any
// network.
func FuzzHugeHeaders(f *testing.F) {
	f.Add(false, int64(4611686018427387904), int64(2), int64(16), int64(3), int64(1), int64(0))
	f.Add(false, int64(99999999), int64(0), int64(16), int64(3), int64(1), int64(0))
	f.Add(true, int64(256), int64(0), int64(99999), int64(3), int64(1), int64(0))
	f.Add(true, int64(2), int64(0), int64(16), int64(3), int64(1), int64(100000))
	f.Add(true, int64(2), int64(2), int64(1<<40), int64(1<<31), int64(1), int64(1<<30))
	state := `{"version":1,"settings":{"optimizer":"sgd","lr":0.1,"batch_size":1,"epochs":1,"eval_train_size":1},"optimizer":{"kind":"sgd"}}`
	f.Fuzz(func(t *testing.T, cnn bool, h1, h2, ch, k, s, p int64) {
		hidden := fmt.Sprintf("[%d,%d]", h1, h2)
		if h2 == 0 {
			hidden = fmt.Sprintf("[%d]", h1)
		}
		cfg := `{"net":"mlp","dense_hiddens":` + hidden + `,"activation":"relu"}`
		if cnn {
			cfg = fmt.Sprintf(`{"net":"cnn","n_channels":[%d],"kernel_sizes":[%d],"strides":[%d],"paddings":[%d],"dense_hiddens":%s,"activation":"relu"}`, ch, k, s, p, hidden)
		}
		file := hugeConfigFile(cfg, state)
		path := filepath.Join(t.TempDir(), "h.safetensors")
		if err := os.WriteFile(path, file, 0o644); err != nil {
			t.Fatal(err)
		}
		for name, read := range map[string]func() error{
			"NewNetwork":     func() error { _, _, err := NewNetwork(bytes.NewReader(file), parallel.New(1)); return err },
			"LoadCheckpoint": func() error { _, err := LoadCheckpoint(bytes.NewReader(file)); return err },
			"ReadHeader":     func() error { _, err := ReadHeader(path); return err },
		} {
			err := read()
			if err == nil {
				t.Fatalf("%s accepted a network held in one value: %s", name, cfg)
			}
			if !errors.Is(err, ErrCorrupt) && !errors.Is(err, ErrMismatch) {
				t.Fatalf("%s: %q matches neither ErrCorrupt nor ErrMismatch", name, err)
			}
		}
	})
}
