package weights

import (
	"bytes"
	"encoding/binary"
	"errors"
	"runtime"
	"strings"
	"testing"

	"fashionlab/model"
	"fashionlab/model/parallel"
	"fashionlab/model/train"
)

// allocated returns the bytes allocated while f ran.
func allocated(f func()) uint64 {
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	f()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

// TestHostileFilesAreRefusedBeforeAnythingIsBuilt reproduces rows 1, 2 and
// 9 of the reliability issue: small files that claimed huge networks
// panicked (makeslice), ran out of memory, or took a minute and gigabytes
// to refuse. Each is now refused as corrupt or mismatched, by the weights
// reader, the checkpoint reader and the header reader alike, allocating a
// bounded multiple of the file's size.
func TestHostileFilesAreRefusedBeforeAnythingIsBuilt(t *testing.T) {
	adamState := `{"version":1,"settings":{"optimizer":"adam","lr":0.001,"batch_size":1,"epochs":1,"eval_train_size":1},"optimizer":{"kind":"adam"}}`
	tests := []struct {
		name string
		file []byte
		want string
	}{
		{"row 1: a parameter count that overflows", overflowFile(), "too large to count|4611686018427387904"},
		{"row 2: a checkpoint of dense_hiddens [99999999]", hugeConfigFile(`{"net":"mlp","dense_hiddens":[99999999],"activation":"relu"}`, adamState), "values|bytes of tensor data"},
		{"row 2: a CNN of 99999 channels", hugeConfigFile(`{"net":"cnn","n_channels":[99999],"kernel_sizes":[3],"strides":[1],"paddings":[0],"dense_hiddens":[],"activation":"relu"}`, adamState), "values|bytes of tensor data"},
		{"huge padding and kernel", hugeConfigFile(`{"net":"cnn","n_channels":[1],"kernel_sizes":[3000000000],"strides":[1],"paddings":[1500000000],"dense_hiddens":[],"activation":"relu"}`, adamState), "parameters"},
		{"row 9: 10⁶ empty tensors", manyEmptyTensorsFile(1_000_000), "more than"},
		{"row 9: 10⁶ layers", manyLayersFile(1_000_000), "at most"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			limit := uint64(64<<20) + 8*uint64(len(tt.file))
			path := writeTemp(t, "hostile.safetensors", tt.file)
			readers := []struct {
				name string
				read func() error
			}{
				{"NewNetwork", func() error { _, _, err := NewNetwork(bytes.NewReader(tt.file), parallel.New(1)); return err }},
				{"LoadCheckpoint", func() error { _, err := LoadCheckpoint(bytes.NewReader(tt.file)); return err }},
				{"ReadHeader", func() error { _, err := ReadHeader(path); return err }},
			}
			for _, r := range readers {
				var err error
				n := allocated(func() { err = r.read() })
				if err == nil {
					t.Fatalf("%s accepted the file", r.name)
				}
				if !errors.Is(err, ErrCorrupt) && !errors.Is(err, ErrMismatch) {
					t.Errorf("%s: %q matches neither ErrCorrupt nor ErrMismatch", r.name, err)
				}
				if r.name != "LoadCheckpoint" && !containsAny(err.Error(), tt.want) {
					t.Errorf("%s: %q lacks %q", r.name, err, tt.want)
				}
				if n > limit {
					t.Errorf("%s allocated %d MB to refuse a %d-byte file", r.name, n>>20, len(tt.file))
				}
			}
		})
	}
}

// TestReadHeaderReadsOnlyTheHeader checks that the header of a real
// weights file gives its configuration and parameter count, and that a
// truncated file is refused from its size alone.
func TestReadHeaderReadsOnlyTheHeader(t *testing.T) {
	cfg := model.Config{Net: model.MLP, Hidden: []int{3}, Activation: "relu"}
	b := saved(t, newNet(t, cfg, 1), map[string]string{"note": "x"})
	h, err := ReadHeader(writeTemp(t, "w.safetensors", b))
	if err != nil {
		t.Fatal(err)
	}
	want, _ := cfg.ParamCount()
	if h.Params != want || h.Config.String() != cfg.String() || h.Meta["note"] != "x" || h.Size != int64(len(b)) {
		t.Errorf("header %+v, want %d parameters of %s in %d bytes", h, want, cfg, len(b))
	}
	if _, err := ReadHeader(writeTemp(t, "cut.safetensors", b[:len(b)-4])); !errors.Is(err, ErrCorrupt) || !strings.Contains(err.Error(), "truncated") {
		t.Errorf("a truncated file: %v", err)
	}
	if _, err := ReadHeader(t.TempDir()); err == nil || !strings.Contains(err.Error(), "regular file") {
		t.Errorf("a directory: %v", err)
	}
}

// TestAFlippedByteInACheckpointIsRefused is row 12: a checkpoint whose
// tensor data lost one bit resumed silently; its checksum now refuses it.
func TestAFlippedByteInACheckpointIsRefused(t *testing.T) {
	for _, opt := range []string{train.Adam, train.SGD} {
		c, _ := smallCheckpoint(t, opt)
		var buf bytes.Buffer
		if err := c.Save(&buf); err != nil {
			t.Fatal(err)
		}
		b := buf.Bytes()
		if _, err := LoadCheckpoint(bytes.NewReader(b)); err != nil {
			t.Fatalf("%s: the intact checkpoint: %v", opt, err)
		}
		// Flip one bit in each of a few places of the tensor data.
		headerEnd := 8 + int(binary.LittleEndian.Uint64(b))
		for _, at := range []int{headerEnd, (headerEnd + len(b)) / 2, len(b) - 1} {
			bad := bytes.Clone(b)
			bad[at] ^= 0x10
			_, err := LoadCheckpoint(bytes.NewReader(bad))
			if !errors.Is(err, ErrCorrupt) || !strings.Contains(err.Error(), "checksum") {
				t.Errorf("%s: a bit flipped at byte %d of %d: %v", opt, at, len(b), err)
			}
		}
	}
}

// containsAny reports whether s contains one of the |-separated parts.
func containsAny(s, parts string) bool {
	for _, p := range strings.Split(parts, "|") {
		if strings.Contains(s, p) {
			return true
		}
	}
	return false
}

func TestTopLevelEntriesCountsMembers(t *testing.T) {
	tests := []struct {
		json string
		want int
	}{
		{`{}`, 0},
		{`{"a":1}`, 1},
		{`{"a":{"b":[1,2,3]},"c,d":"x,\"y,"}`, 2},
		{`{"__metadata__":{"k":"v,w"},"t":{"shape":[1,2],"data_offsets":[0,8]},"u":{}}`, 3},
	}
	for _, tt := range tests {
		if got := topLevelEntries([]byte(tt.json), 100); got != tt.want {
			t.Errorf("topLevelEntries(%s) = %d, want %d", tt.json, got, tt.want)
		}
	}
	if got := topLevelEntries([]byte(`{"a":1,"b":2,"c":3,"d":4}`), 2); got != 3 {
		t.Errorf("with limit 2: %d, want 3 (it stops past the limit)", got)
	}
}
