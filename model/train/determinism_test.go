package train

import (
	"math"
	"math/rand/v2"
	"runtime"
	"testing"

	"github.com/nlpodyssey/spago/ag"

	"fashionlab/model"
	"fashionlab/model/ops"
	"fashionlab/model/parallel"
)

// TestTrainingIsDeterministic trains the default CNN for a few Adam steps
// twice with two threads and checks that every parameter ends bit-identical:
// parallel passes and chunked convolutions must not make results depend on
// scheduling.
func TestTrainingIsDeterministic(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(2))
	const batch, steps = 40, 3
	x, y := randomRows(rand.New(rand.NewPCG(3, 4)), batch)
	train := func() [][]float32 {
		net, err := model.New(model.DefaultCNN(), 1, parallel.New(2))
		if err != nil {
			t.Fatal(err)
		}
		opt, err := NewOptimizer(Adam, 1e-3, 0, net.Params())
		if err != nil {
			t.Fatal(err)
		}
		var ws ops.Workspace
		for range steps {
			loss, _ := ops.Loss(&ws, net.Forward(ops.Matrix(x, batch, len(x)/batch)), y)
			if err := ag.Backward(loss); err != nil {
				t.Fatal(err)
			}
			opt.Step(net.Pool(), net.Params())
		}
		var out [][]float32
		for _, p := range net.Params() {
			out = append(out, append([]float32(nil), p.Values()...))
		}
		return out
	}
	first := train()
	for run := range 3 {
		again := train()
		for i := range first {
			for j := range first[i] {
				if math.Float32bits(first[i][j]) != math.Float32bits(again[i][j]) {
					t.Fatalf("run %d: parameter %d value %d is %g, first run %g", run+2, i, j, again[i][j], first[i][j])
				}
			}
		}
	}
}
