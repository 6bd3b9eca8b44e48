package train

import (
	"math/rand/v2"
	"runtime"
	"strings"
	"testing"
	"time"

	"fashionlab/assets"
	"fashionlab/model"
	"fashionlab/model/parallel"
)

// randomSet returns n images of noise with random labels.
func randomSet(rng *rand.Rand, n int) assets.Set {
	s := assets.Set{X: make([]float32, n*assets.ImagePixels), Y: make([]uint8, n), N: n}
	for i := range s.X {
		s.X[i] = float32(rng.NormFloat64())
	}
	for i := range s.Y {
		s.Y[i] = uint8(rng.IntN(model.Classes))
	}
	return s
}

// TestOneThreadPoolStartsNoWorkers trains the CNN and the MLP on a
// one-thread pool with GOMAXPROCS at 2 and checks that no goroutine of
// FashionLab's is left behind: every pass (convolution chunks, element-wise
// passes, products, Adam, the gradient norm) ran on the caller, as
// -threads 1 promises, and no other pool started workers of its own. A
// two-thread pool, which does keep a worker, shows that the count can tell.
func TestOneThreadPoolStartsNoWorkers(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(2))
	rng := rand.New(rand.NewPCG(1, 2))
	split := &assets.Split{Train: randomSet(rng, 256), Val: randomSet(rng, 64), Test: randomSet(rng, 64)}
	s := DefaultSettings()
	s.Epochs, s.EvalTrainSize = 1, 64
	tests := []struct {
		name        string
		cfg         model.Config
		threads     int
		wantWorkers int
	}{
		{"cnn, 1 thread", model.DefaultCNN(), 1, 0},
		{"mlp, 1 thread", model.DefaultMLP(), 1, 0},
		{"cnn, 2 threads", model.DefaultCNN(), 2, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pool := parallel.New(tt.threads)
			trainToEnd(t, tt.cfg, pool, split, s)
			if got := settledWorkers(tt.wantWorkers); got != tt.wantWorkers {
				t.Errorf("%d goroutines of fashionlab/model left after training, want %d", got, tt.wantWorkers)
			}
			runtime.KeepAlive(pool)
		})
	}
}

// settledWorkers waits up to a second for the number of goroutines
// running FashionLab's model code, other than the tests', to reach want
// (goroutines that finished may take a moment to exit), and returns it.
// Each look starts with a garbage collection: an earlier test's pool that
// is no longer reachable stops its workers only once it is collected.
func settledWorkers(want int) int {
	deadline := time.Now().Add(time.Second)
	buf := make([]byte, 1<<22)
	for {
		runtime.GC()
		stacks := string(buf[:runtime.Stack(buf, true)])
		n := 0
		for _, g := range strings.Split(stacks, "\n\n") {
			if strings.Contains(g, "fashionlab/model/") && !strings.Contains(g, "testing.tRunner") {
				n++
			}
		}
		if n == want || time.Now().After(deadline) {
			return n
		}
		time.Sleep(5 * time.Millisecond)
	}
}
