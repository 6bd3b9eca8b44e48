package weights

import (
	"bytes"
	"encoding/binary"
	"errors"
	"io"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/nlpodyssey/safetensors"

	"fashionlab/model"
	"fashionlab/model/parallel"
)

// smallCNN has strides, paddings and a last map smaller than the adaptive
// pool's 4×4 output, so that its windows overlap.
func smallCNN() model.Config {
	return model.Config{
		Net: model.CNN, Channels: []int{8, 12}, Kernels: []int{5, 3}, Strides: []int{2, 2}, Paddings: []int{2, 1},
		Hidden: []int{32}, Activation: "tanh",
	}
}

// linearMLP has no hidden layer.
func linearMLP() model.Config {
	return model.Config{Net: model.MLP, Activation: "sigmoid"}
}

var roundTripConfigs = []struct {
	name string
	cfg  model.Config
}{
	{"the default MLP", model.DefaultMLP()},
	{"the default CNN", model.DefaultCNN()},
	{"a tanh CNN with strides and paddings", smallCNN()},
	{"a sigmoid MLP without hidden layers", linearMLP()},
	{"an MLP with dropout 0.5", dropoutMLP()},
	{"a tanh CNN with dropout 0.25", dropoutCNN()},
}

// dropoutMLP has nn.Dropout modules, which shift the indices of the
// Linear layers after them.
func dropoutMLP() model.Config {
	return model.Config{Net: model.MLP, Hidden: []int{64, 32}, Activation: "relu", Dropout: 0.5}
}

// dropoutCNN is smallCNN with two hidden layers, each followed by dropout.
func dropoutCNN() model.Config {
	c := smallCNN()
	c.Hidden, c.Dropout = []int{32, 16}, 0.25
	return c
}

func TestSavedWeightsLoadBackIdentically(t *testing.T) {
	for _, tt := range roundTripConfigs {
		t.Run(tt.name, func(t *testing.T) {
			src := newNet(t, tt.cfg, 1)
			path := filepath.Join(t.TempDir(), "net.safetensors")
			if err := WriteFile(path, src, map[string]string{"epoch": "3"}); err != nil {
				t.Fatal(err)
			}
			x := randomBatch(7, 42)
			wantLogits, _ := outputs(src, x, 7)

			dst := newNet(t, tt.cfg, 2)
			if sameBits(values(dst), values(src)) {
				t.Fatal("two seeds gave the same weights")
			}
			if err := ReadFile(path, dst); err != nil {
				t.Fatal(err)
			}
			if !sameBits(values(dst), values(src)) {
				t.Error("loaded parameters differ from the saved ones")
			}
			if logits, _ := outputs(dst, x, 7); !sameBits([][]float32{logits}, [][]float32{wantLogits}) {
				t.Errorf("logits differ after loading, by up to %g", maxDiff(t, logits, wantLogits))
			}

			cfg, err := ReadConfig(path)
			if err != nil {
				t.Fatal(err)
			}
			if !cfg.Equal(tt.cfg) {
				t.Errorf("ReadConfig gave %v, want %v", cfg, tt.cfg)
			}
			rebuilt, meta, err := ReadNetwork(path, parallel.New(1))
			if err != nil {
				t.Fatal(err)
			}
			if !sameBits(values(rebuilt), values(src)) {
				t.Error("the network rebuilt from the file alone has other parameters")
			}
			if meta["epoch"] != "3" || meta[FormatKey] != "pt" || meta[ConfigKey] == "" {
				t.Errorf("metadata %v lacks epoch, format or configuration", meta)
			}
		})
	}
}

func TestBytesRoundTripWithoutAFileSystem(t *testing.T) {
	src := newNet(t, smallCNN(), 1)
	b := saved(t, src, nil)
	dst := newNet(t, smallCNN(), 2)
	if err := Load(bytes.NewReader(b), dst); err != nil {
		t.Fatal(err)
	}
	if !sameBits(values(dst), values(src)) {
		t.Error("Load from bytes gave other parameters")
	}
	cfg, meta, err := DecodeHeader(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	if !cfg.Equal(smallCNN()) || len(meta) != 2 {
		t.Errorf("DecodeHeader gave %v and %v", cfg, meta)
	}
	net, _, err := NewNetwork(bytes.NewReader(b), parallel.New(1))
	if err != nil {
		t.Fatal(err)
	}
	if !sameBits(values(net), values(src)) {
		t.Error("NewNetwork gave other parameters")
	}
}

func TestTheFileIsPlainSafetensorsInPyTorchLayout(t *testing.T) {
	net := newNet(t, model.DefaultCNN(), 1)
	b := saved(t, net, nil)
	n := binary.LittleEndian.Uint64(b)
	if n%8 != 0 || b[8] != '{' {
		t.Errorf("header of %d bytes starting with %q; want a JSON object padded to 8 bytes", n, b[8])
	}
	tensors, _ := tensorsOf(t, b)
	want := map[string][]uint64{
		"0.weight": {16, 1, 3, 3}, "0.bias": {16},
		"3.weight": {32, 16, 3, 3}, "3.bias": {32},
		"6.weight": {48, 32, 3, 3}, "6.bias": {48},
		"10.weight": {256, 768}, "10.bias": {256},
		"12.weight": {256, 256}, "12.bias": {256},
		"14.weight": {10, 256}, "14.bias": {10},
	}
	if len(tensors) != len(want) {
		t.Errorf("%d tensors, want %d", len(tensors), len(want))
	}
	for name, shape := range want {
		got, ok := tensors[name]
		switch {
		case !ok:
			t.Errorf("no tensor %s", name)
		case got.dtype != safetensors.F32 || !slices.Equal(got.shape, shape):
			t.Errorf("tensor %s is %v %v, want F32 %v", name, got.dtype, got.shape, shape)
		}
	}
}

func TestReservedMetadataIsRefused(t *testing.T) {
	net := newNet(t, linearMLP(), 1)
	err := Save(io.Discard, net, map[string]string{ConfigKey: "{}"})
	if err == nil || !strings.Contains(err.Error(), "reserved") {
		t.Errorf("got %v, want an error about the reserved key", err)
	}
}

func TestBadFilesAreRefusedWithoutTouchingTheNetwork(t *testing.T) {
	good := saved(t, newNet(t, model.DefaultCNN(), 1), nil)
	goodTensors, goodMeta := tensorsOf(t, good)
	without := func(name string) []byte {
		ts := maps.Clone(goodTensors)
		delete(ts, name)
		return handmade(t, ts, goodMeta)
	}
	with := func(name string, r rawTensor) []byte {
		ts := maps.Clone(goodTensors)
		ts[name] = r
		return handmade(t, ts, goodMeta)
	}
	metaWith := func(key, value string) []byte {
		md := maps.Clone(goodMeta)
		md[key] = value
		return handmade(t, goodTensors, md)
	}
	with5Extras := func() []byte {
		ts := maps.Clone(goodTensors)
		for _, name := range []string{"a", "b", "c", "d", "e"} {
			ts[name] = rawTensor{safetensors.F32, []uint64{1}, make([]byte, 4)}
		}
		return handmade(t, ts, goodMeta)
	}
	otherKernel := model.DefaultCNN()
	otherKernel.Kernels = []int{3, 5, 3}
	otherAct := model.DefaultCNN()
	otherAct.Activation = "tanh"
	headerLen := int(binary.LittleEndian.Uint64(good))

	tests := []struct {
		name string
		file []byte
		net  model.Config // default: the default CNN
		kind error
		msg  string // the error after "weights: <path>: "
	}{
		{
			name: "a tensor of another shape names both shapes",
			file: good, net: otherKernel, kind: ErrMismatch,
			msg: "tensor 3.weight has shape [32 16 3 3], the network wants [32 16 5 5]",
		},
		{
			name: "a CNN's weights for an MLP name both networks",
			file: good, net: model.DefaultMLP(), kind: ErrMismatch,
			msg: `missing tensor 1.weight, which the network needs with shape [256 784] (the file holds a "cnn 16,32,48 k3,3,3 s1,1,1 p0,0,0 dense 256,256 relu" network, this one is "mlp dense 256,256 relu")`,
		},
		{
			name: "a missing tensor is named",
			file: without("6.bias"), kind: ErrMismatch,
			msg: "missing tensor 6.bias, which the network needs with shape [48]",
		},
		{
			name: "an extra tensor is named",
			file: with("16.weight", rawTensor{safetensors.F32, []uint64{2}, make([]byte, 8)}), kind: ErrMismatch,
			msg: "unexpected tensor 16.weight: the network has no such parameter",
		},
		{
			name: "a double-precision tensor is refused",
			file: with("0.bias", rawTensor{safetensors.F64, []uint64{16}, make([]byte, 128)}), kind: ErrMismatch,
			msg: "tensor 0.bias is F64, want F32",
		},
		{
			name: "weights of another activation are refused",
			file: good, net: otherAct, kind: ErrMismatch,
			msg: `the file holds a "cnn 16,32,48 k3,3,3 s1,1,1 p0,0,0 dense 256,256 relu" network, this one is "cnn 16,32,48 k3,3,3 s1,1,1 p0,0,0 dense 256,256 tanh"`,
		},
		{
			name: "a configuration that is not JSON is refused",
			file: metaWith(ConfigKey, "cnn!"), kind: ErrCorrupt,
			msg: "metadata fashionlab.config is not a network configuration: invalid character 'c' looking for beginning of value",
		},
		{
			name: "several extra tensors are listed",
			file: with5Extras(), kind: ErrMismatch,
			msg: "unexpected tensor a: the network has no such parameter (and 4 more: b, c, d, ...)",
		},
		{
			name: "a checkpoint is not a weights file",
			file: metaWith(StateKey, "{}"), kind: ErrMismatch,
			msg: "this is a training checkpoint, not a weights file; read it with ReadCheckpoint",
		},
		{
			name: "an empty file is refused",
			file: nil, kind: ErrCorrupt,
			msg: "the file is empty",
		},
		{
			name: "a file shorter than the header length is truncated",
			file: good[:5], kind: ErrCorrupt,
			msg: "truncated: 5 bytes, too short for the 8-byte header length",
		},
		{
			name: "a file cut inside the header is truncated",
			file: good[:100], kind: ErrCorrupt,
			msg: "truncated: the header is " + strconv.Itoa(headerLen) + " bytes but only 92 follow its length",
		},
		{
			name: "a file cut inside the data is truncated",
			file: good[:len(good)-1000], kind: ErrCorrupt,
			msg: "truncated: the tensors need " + strconv.Itoa(len(good)-8-headerLen) + " bytes of data but only " + strconv.Itoa(len(good)-8-headerLen-1000) + " follow the header",
		},
		{
			name: "bytes after the last tensor are refused",
			file: append(slices.Clone(good), 0, 0, 0, 0), kind: ErrCorrupt,
			msg: "damaged: 4 bytes follow the last tensor",
		},
		{
			name: "a header that is not JSON is refused",
			file: slices.Concat(good[:8], []byte("["), good[9:]), kind: ErrCorrupt,
			msg: "not a safetensors file: the header does not start with a JSON object",
		},
		{
			name: "a header with a misspelt field is refused",
			file: []byte(strings.Replace(string(good), `"dtype"`, `"dtypo"`, 1)), kind: ErrCorrupt,
			msg: `damaged header: invalid header deserialization: failed to JSON-decode tensor "0.bias": missing "dtype"`,
		},
		{
			name: "an absurd header length is refused",
			file: slices.Concat([]byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f}, good[8:]), kind: ErrCorrupt,
			msg: "not a safetensors file: the first 8 bytes give a header length of 9223372036854775807",
		},
		{
			name: "a torch.save archive is recognized",
			file: append([]byte("PK\x03\x04"), make([]byte, 60)...), kind: ErrCorrupt,
			msg: "this is a zip archive, as torch.save writes, not a safetensors file",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := tt.net
			if cfg.Net == "" {
				cfg = model.DefaultCNN()
			}
			net := newNet(t, cfg, 9)
			before := values(net)
			path := writeTemp(t, "bad.safetensors", tt.file)
			err := ReadFile(path, net)
			if err == nil {
				t.Fatal("loaded without error")
			}
			prefix := "weights: " + path + ": "
			if !strings.HasPrefix(err.Error(), prefix+tt.msg) {
				t.Errorf("error\n  %v\nwant\n  %s%s", err, prefix, tt.msg)
			}
			if !errors.Is(err, tt.kind) {
				t.Errorf("error %v does not match %v", err, tt.kind)
			}
			if !sameBits(values(net), before) {
				t.Error("the failed load changed the network")
			}
		})
	}
}

func TestAFileWithoutConfigurationLoadsButCannotRebuild(t *testing.T) {
	src := newNet(t, model.DefaultMLP(), 1)
	ts, _ := tensorsOf(t, saved(t, src, nil))
	b := handmade(t, ts, nil)
	dst := newNet(t, model.DefaultMLP(), 2)
	if err := Load(bytes.NewReader(b), dst); err != nil {
		t.Fatal(err)
	}
	if !sameBits(values(dst), values(src)) {
		t.Error("loaded parameters differ")
	}
	_, _, err := NewNetwork(bytes.NewReader(b), parallel.New(1))
	if !errors.Is(err, ErrMismatch) || !strings.Contains(err.Error(), "no fashionlab.config") {
		t.Errorf("got %v, want an error about the missing configuration", err)
	}
}

func TestWritesAreAtomic(t *testing.T) {
	net := newNet(t, linearMLP(), 1)
	tests := []struct {
		name   string
		target func(dir string) string // returns the path to write
		write  func(path string) error
	}{
		{
			name:   "a writer that fails halfway keeps the old file",
			target: func(dir string) string { return filepath.Join(dir, "net.safetensors") },
			write: func(path string) error {
				return writeAtomic(path, func(w io.Writer) error {
					w.Write(make([]byte, 3<<20)) // past the buffer, onto disk
					return errors.New("disk full")
				})
			},
		},
		{
			name: "a directory in the way keeps the directory",
			target: func(dir string) string {
				p := filepath.Join(dir, "net.safetensors")
				if err := os.MkdirAll(filepath.Join(p, "inside"), 0o755); err != nil {
					panic(err)
				}
				return p
			},
			write: func(path string) error { return WriteFile(path, net, nil) },
		},
		{
			name:   "a reserved metadata key writes nothing",
			target: func(dir string) string { return filepath.Join(dir, "net.safetensors") },
			write:  func(path string) error { return WriteFile(path, net, map[string]string{ConfigKey: "x"}) },
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			path := tt.target(dir)
			old := []byte("old content")
			if _, err := os.Stat(path); os.IsNotExist(err) {
				if err := os.WriteFile(path, old, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			before := listDir(t, dir)
			if err := tt.write(path); err == nil {
				t.Fatal("the write succeeded")
			}
			if after := listDir(t, dir); !slices.Equal(after, before) {
				t.Errorf("directory holds %v after the failed write, want %v", after, before)
			}
			if fi, err := os.Stat(path); err == nil && !fi.IsDir() {
				if b, _ := os.ReadFile(path); !bytes.Equal(b, old) {
					t.Errorf("the old file now holds %d bytes", len(b))
				}
			}
		})
	}
}

func TestAWriteIntoAMissingDirectoryFails(t *testing.T) {
	net := newNet(t, linearMLP(), 1)
	path := filepath.Join(t.TempDir(), "no", "such", "net.safetensors")
	err := WriteFile(path, net, nil)
	if err == nil || !strings.HasPrefix(err.Error(), "weights: "+path+": ") {
		t.Errorf("got %v, want an error naming %s", err, path)
	}
}

func TestASuccessfulWriteLeavesOnlyTheFile(t *testing.T) {
	net := newNet(t, linearMLP(), 1)
	dir := t.TempDir()
	path := filepath.Join(dir, "net.safetensors")
	for range 2 { // create, then replace
		if err := WriteFile(path, net, nil); err != nil {
			t.Fatal(err)
		}
	}
	if got := listDir(t, dir); !slices.Equal(got, []string{"net.safetensors"}) {
		t.Errorf("directory holds %v", got)
	}
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o644 {
		t.Errorf("mode %v, want 0644", fi.Mode().Perm())
	}
}

// listDir returns the names in dir, recursively, sorted.
func listDir(t *testing.T, dir string) []string {
	t.Helper()
	var names []string
	err := filepath.WalkDir(dir, func(p string, _ os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if p != dir {
			rel, _ := filepath.Rel(dir, p)
			names = append(names, rel)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(names)
	return names
}
