package main

import (
	"bytes"
	"context"
	"encoding/binary"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// rawSafetensors assembles a safetensors file from its JSON header and
// data, without any checks, as a hostile file would be made.
func rawSafetensors(header string, data []byte) []byte {
	var b bytes.Buffer
	binary.Write(&b, binary.LittleEndian, uint64(len(header)))
	b.WriteString(header)
	b.Write(data)
	return b.Bytes()
}

// TestBadInputIsRefusedBeforeDataOrTraining covers rows 1, 2, 5, 6 and 12
// of the reliability issue on the command line: each bad flag or file is
// refused in plain words, before the data is loaded (-data names a
// directory that does not exist, so loading it would fail differently)
// and before anything large is built, and nothing in -out is touched.
func TestBadInputIsRefusedBeforeDataOrTraining(t *testing.T) {
	dir := t.TempDir()
	overflow := filepath.Join(dir, "overflow.safetensors")
	if err := os.WriteFile(overflow, rawSafetensors(`{"__metadata__":{"fashionlab.config":"{\"net\":\"mlp\",\"dense_hiddens\":[4611686018427387904,2],\"activation\":\"relu\"}"},"0.bias":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}`, make([]byte, 4)), 0o644); err != nil {
		t.Fatal(err)
	}
	huge := filepath.Join(dir, "huge")
	os.Mkdir(huge, 0o755)
	hugeCheckpoint := rawSafetensors(`{"__metadata__":{"fashionlab.config":"{\"net\":\"mlp\",\"dense_hiddens\":[99999999],\"activation\":\"relu\"}","fashionlab.state":"{\"version\":1,\"settings\":{\"optimizer\":\"adam\",\"lr\":0.001,\"batch_size\":1,\"epochs\":1,\"eval_train_size\":1},\"optimizer\":{\"kind\":\"adam\"}}"},"param/1.bias":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}`, make([]byte, 4))
	if err := os.WriteFile(filepath.Join(huge, checkpointFile), hugeCheckpoint, 0o644); err != nil {
		t.Fatal(err)
	}
	unfinished := filepath.Join(dir, "unfinished")
	os.Mkdir(unfinished, 0o755)
	if err := os.WriteFile(filepath.Join(unfinished, checkpointFile), []byte("an earlier run's checkpoint"), 0o644); err != nil {
		t.Fatal(err)
	}
	aFile := filepath.Join(dir, "a-file")
	os.WriteFile(aFile, nil, 0o644)
	noData := []string{"-data", filepath.Join(dir, "no-such-data")}
	tests := []struct {
		name string
		args []string
		code int
		want []string
	}{
		{"row 1: -init of an overflowing configuration", []string{"-init", overflow, "-epochs", "0"}, 1, []string{"-init", overflow, "too many parameters to count"}},
		{"row 2: -resume of a checkpoint of dense_hiddens [99999999]", []string{"-resume", huge}, 1, []string{"-resume", "99999999"}},
		{"row 2: -hidden 99999999", []string{"-net", "mlp", "-hidden", "99999999", "-ignore-limits=false"}, 1, []string{"Dense hidden sizes", "-ignore-limits"}},
		{"row 2: -hidden 99999999 -params", []string{"-params", "-net", "mlp", "-hidden", "99999999"}, 2, []string{"Dense hidden sizes"}},
		{"row 2: -hidden 99999999 beyond the limits", []string{"-net", "mlp", "-hidden", "4096*64", "-batch", "4096"}, 1, []string{"this network needs about", "this machine has", "-ignore-limits"}},
		{"row 2: -paddings 100000,0,0", []string{"-paddings", "100000,0,0", "-limit", "2", "-batch", "1"}, 1, []string{"Paddings"}},
		{"row 2: -channels 99999 -params", []string{"-params", "-channels", "99999,32,48"}, 2, []string{"Channels"}},
		{"row 5: -momentum nan", []string{"-optim", "sgd", "-momentum", "nan"}, 2, []string{"momentum"}},
		{"row 5: -momentum inf", []string{"-optim", "sgd", "-momentum", "inf"}, 2, []string{"momentum"}},
		{"row 5: -out that cannot be written", []string{"-out", filepath.Join(aFile, "run")}, 1, []string{"output directory"}},
		{"row 6: a fresh run into a directory with a checkpoint", []string{"-out", unfinished}, 1, []string{"-resume " + unfinished, "new -out"}},
		{"row 12: -limit 99999999", []string{"-limit", "99999999"}, 1, []string{"Training images", "60,000"}},
		{"row 12: an unknown flag", []string{"-bogus"}, 2, []string{"-bogus"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out, errOut bytes.Buffer
			code := run(context.Background(), append(tt.args, noData...), &out, &errOut)
			msg := errOut.String()
			if code != tt.code {
				t.Errorf("exit %d, want %d: %s", code, tt.code, msg)
			}
			for _, w := range tt.want {
				if !strings.Contains(msg, w) {
					t.Errorf("stderr %q lacks %q", msg, w)
				}
			}
			if strings.Contains(msg, "no-such-data") {
				t.Errorf("the data was loaded before the refusal: %q", msg)
			}
			if strings.Contains(msg, "train: train:") {
				t.Errorf("doubled prefix: %q", msg)
			}
			if lines := strings.Count(strings.TrimSpace(msg), "\n") + 1; lines != 1 {
				t.Errorf("%d lines on stderr, want one: %q", lines, msg)
			}
		})
	}
	if b, _ := os.ReadFile(filepath.Join(unfinished, checkpointFile)); string(b) != "an earlier run's checkpoint" {
		t.Error("the refused run touched the earlier checkpoint")
	}
}
