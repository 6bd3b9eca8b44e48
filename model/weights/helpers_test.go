package weights

import (
	"bytes"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/nlpodyssey/safetensors"

	"fashionlab/model"
	"fashionlab/model/ops"
	"fashionlab/model/parallel"
)

// newNet builds cfg with seed on a single-threaded engine.
func newNet(t testing.TB, cfg model.Config, seed uint64) *model.Network {
	t.Helper()
	net, err := model.New(cfg, seed, parallel.New(1))
	if err != nil {
		t.Fatal(err)
	}
	return net
}

// randomBatch returns n images of standard normal pixels, one row of 784
// values each.
func randomBatch(n int, seed uint64) []float32 {
	rng := rand.New(rand.NewPCG(seed, 1))
	x := make([]float32, n*model.ImageSize*model.ImageSize)
	for i := range x {
		x[i] = float32(rng.NormFloat64())
	}
	return x
}

// outputs returns the logits and the softmax probabilities of net on the
// n images in x.
func outputs(net *model.Network, x []float32, n int) (logits, probs []float32) {
	var ws ops.Workspace
	out := net.Forward(ops.Matrix(slices.Clone(x), n, model.ImageSize*model.ImageSize))
	logits = slices.Clone(out.Value().Data().F32())
	_, ce := ops.Loss(&ws, out, make([]uint8, n))
	return logits, slices.Clone(ce.Probabilities())
}

// values returns a copy of every parameter of net, in order.
func values(net *model.Network) [][]float32 {
	var out [][]float32
	for _, p := range net.Params() {
		out = append(out, slices.Clone(p.Values()))
	}
	return out
}

// sameBits reports whether a and b hold the same float32 bit patterns.
func sameBits(a, b [][]float32) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if len(a[i]) != len(b[i]) {
			return false
		}
		for j := range a[i] {
			if math.Float32bits(a[i][j]) != math.Float32bits(b[i][j]) {
				return false
			}
		}
	}
	return true
}

// maxDiff returns the largest absolute difference between a and b.
func maxDiff(t *testing.T, a, b []float32) float64 {
	t.Helper()
	if len(a) != len(b) {
		t.Fatalf("comparing %d values with %d", len(a), len(b))
	}
	var m float64
	for i := range a {
		m = max(m, math.Abs(float64(a[i])-float64(b[i])))
	}
	return m
}

// saved returns net saved as a safetensors file.
func saved(t testing.TB, net *model.Network, meta map[string]string) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := Save(&buf, net, meta); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// rawTensor is a tensor of any dtype for building odd files.
type rawTensor struct {
	dtype safetensors.DType
	shape []uint64
	data  []byte
}

// handmade returns a safetensors file of the given tensors and metadata,
// built with the library so that any dtype can be written.
func handmade(t *testing.T, tensors map[string]rawTensor, meta map[string]string) []byte {
	t.Helper()
	views := map[string]safetensors.TensorView{}
	for name, r := range tensors {
		v, err := safetensors.NewTensorView(r.dtype, r.shape, r.data)
		if err != nil {
			t.Fatal(err)
		}
		views[name] = v
	}
	b, err := safetensors.Serialize(views, meta)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// tensorsOf returns the tensors of a file as raw tensors, to be altered.
func tensorsOf(t *testing.T, b []byte) (map[string]rawTensor, map[string]string) {
	t.Helper()
	f, err := decode(b)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]rawTensor{}
	for name, v := range f.tensors {
		out[name] = rawTensor{v.DType(), v.Shape(), v.Data()}
	}
	return out, f.meta
}

// writeTemp writes b to a file in a fresh directory and returns its path.
func writeTemp(t *testing.T, name string, b []byte) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}
