package train

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/nlpodyssey/spago/ag"

	"fashionlab/model"
	"fashionlab/model/ops"
	"fashionlab/model/parallel"
)

// defaultNets are the networks the benchmarks time: the default MLP and CNN.
var defaultNets = []struct {
	name string
	cfg  model.Config
}{
	{"mlp", model.DefaultMLP()},
	{"cnn", model.DefaultCNN()},
}

// BenchmarkTrainStep times one Adam training step (forward, loss, backward,
// update) of the default networks at the homework's batch size on random
// data, with 1 and 2 matrix-product threads.
func BenchmarkTrainStep(b *testing.B) {
	const batch = 128
	for _, bc := range defaultNets {
		for _, threads := range []int{1, 2} {
			b.Run(bc.name+"/threads="+string(rune('0'+threads)), func(b *testing.B) {
				net, err := model.New(bc.cfg, 1, parallel.New(threads))
				if err != nil {
					b.Fatal(err)
				}
				opt, err := NewOptimizer(Adam, 1e-4, 0, net.Params())
				if err != nil {
					b.Fatal(err)
				}
				x, y := randomRows(rand.New(rand.NewPCG(1, 2)), batch)
				var ws ops.Workspace
				b.ReportAllocs()
				b.ResetTimer()
				for b.Loop() {
					logits := net.Forward(ops.Matrix(x, batch, len(x)/batch))
					loss, _ := ops.Loss(&ws, logits, y)
					if err := ag.Backward(loss); err != nil {
						b.Fatal(err)
					}
					opt.Step(net.Pool(), net.Params())
				}
				b.ReportMetric(float64(b.N*batch)/b.Elapsed().Seconds(), "images/s")
			})
		}
	}
}

// BenchmarkShardGradient times the gradient of one shard of a batch of 128
// (ShardGradient, one thread): the whole batch, and the half that each of
// two workers computes. Their ratio bounds what a second worker can gain.
func BenchmarkShardGradient(b *testing.B) {
	const batch = 128
	for _, bc := range defaultNets {
		for _, rows := range []int{batch, batch / 2} {
			b.Run(fmt.Sprintf("%s/rows=%d", bc.name, rows), func(b *testing.B) {
				net, err := model.New(bc.cfg, 1, parallel.New(1))
				if err != nil {
					b.Fatal(err)
				}
				x, y := randomBatch(1, rows)
				grad := make([]float32, net.NumParams())
				var ws ops.Workspace
				for b.Loop() {
					ShardGradient(net, &ws, x, y, batch, grad)
				}
				b.ReportMetric(float64(b.N*rows)/b.Elapsed().Seconds(), "images/s")
			})
		}
	}
}
