package weights

import (
	"encoding/binary"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"fashionlab/model/parallel"
)

// python is Debian's interpreter, which has python3-torch; the one first
// on PATH may not.
const python = "/usr/bin/python3"

func requireTorch(t *testing.T) {
	t.Helper()
	if testing.Short() {
		t.Skip("starts PyTorch; skipped in -short mode")
	}
	if out, err := exec.Command(python, "-c", "import numpy, torch").CombinedOutput(); err != nil {
		if os.Getenv("FASHIONLAB_REQUIRE_TORCH") == "1" {
			t.Fatalf("PyTorch is required (FASHIONLAB_REQUIRE_TORCH=1) but %s cannot import it: %v %s", python, err, out)
		}
		t.Skipf("PyTorch is not installed for %s (apt-get install python3-torch): %v %s", python, err, out)
	}
}

func writeFloats(t *testing.T, path string, v []float32) {
	t.Helper()
	b := make([]byte, 4*len(v))
	for i, x := range v {
		binary.LittleEndian.PutUint32(b[4*i:], math.Float32bits(x))
	}
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

func readFloats(t *testing.T, path string) []float32 {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	v := make([]float32, len(b)/4)
	for i := range v {
		v[i] = math.Float32frombits(binary.LittleEndian.Uint32(b[4*i:]))
	}
	return v
}

func TestPyTorchComputesWhatGoComputesWithTheSameWeights(t *testing.T) {
	requireTorch(t)
	const batch = 32
	const tolerance = 1e-4
	for _, tt := range roundTripConfigs {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			goNet := newNet(t, tt.cfg, 5)
			if err := WriteFile(filepath.Join(dir, "go.safetensors"), goNet, nil); err != nil {
				t.Fatal(err)
			}
			x := randomBatch(batch, 11)
			writeFloats(t, filepath.Join(dir, "inputs.f32"), x)
			cmd := exec.Command(python, filepath.Join("testdata", "torch_roundtrip.py"),
				filepath.Join(dir, "go.safetensors"), filepath.Join(dir, "inputs.f32"), dir)
			if out, err := cmd.CombinedOutput(); err != nil {
				t.Fatalf("torch_roundtrip.py: %v\n%s", err, out)
			}

			// Go's weights in PyTorch.
			logits, probs := outputs(goNet, x, batch)
			dLogits := maxDiff(t, logits, readFloats(t, filepath.Join(dir, "go_logits.f32")))
			dProbs := maxDiff(t, probs, readFloats(t, filepath.Join(dir, "go_probs.f32")))
			t.Logf("Go weights: PyTorch's logits differ by up to %.3g, its probabilities by up to %.3g", dLogits, dProbs)
			if dLogits > tolerance || dProbs > tolerance {
				t.Errorf("PyTorch disagrees with Go on Go's weights: logits by %g, probabilities by %g", dLogits, dProbs)
			}

			// PyTorch's weights in Go.
			torchNet, meta, err := ReadNetwork(filepath.Join(dir, "torch.safetensors"), parallel.New(1))
			if err != nil {
				t.Fatal(err)
			}
			if !torchNet.Config().Equal(tt.cfg) || meta[FormatKey] != "pt" {
				t.Errorf("PyTorch's file describes %v with metadata %v", torchNet.Config(), meta)
			}
			if sameBits(values(torchNet), values(goNet)) {
				t.Fatal("PyTorch saved Go's weights back instead of its own")
			}
			logits, probs = outputs(torchNet, x, batch)
			dLogits = maxDiff(t, logits, readFloats(t, filepath.Join(dir, "torch_logits.f32")))
			dProbs = maxDiff(t, probs, readFloats(t, filepath.Join(dir, "torch_probs.f32")))
			t.Logf("PyTorch weights: Go's logits differ by up to %.3g, its probabilities by up to %.3g", dLogits, dProbs)
			if dLogits > tolerance || dProbs > tolerance {
				t.Errorf("Go disagrees with PyTorch on PyTorch's weights: logits by %g, probabilities by %g", dLogits, dProbs)
			}
		})
	}
}
