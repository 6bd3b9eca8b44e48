package train

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/nlpodyssey/spago/ag"

	"fashionlab/assets"
	"fashionlab/model"
	"fashionlab/model/ops"
)

// Settings are the training choices of a run; DefaultSettings gives the
// homework's.
type Settings struct {
	Optimizer    string  `json:"optimizer"`
	LearningRate float64 `json:"lr"`
	Momentum     float64 `json:"momentum,omitempty"`
	BatchSize    int     `json:"batch_size"`
	Epochs       int     `json:"epochs"`
	Shuffle      bool    `json:"shuffle"`
	Seed         uint64  `json:"seed"`
	Normalize    bool    `json:"normalize"`
	// TrainLimit trains on the first TrainLimit images only (0: all).
	TrainLimit int `json:"train_limit,omitempty"`
	// EvalTrainSize is how many training images the per-epoch log
	// evaluates (the homework: the first 2,000).
	EvalTrainSize int `json:"eval_train_size"`
	// KeepBest ends the run with the weights of its epoch of highest
	// validation accuracy (History.KeptEpoch says which) instead of the
	// last epoch's. Only the epochs trained since the Trainer was made
	// (or resumed) compete.
	KeepBest bool `json:"keep_best,omitempty"`
}

// DefaultSettings returns the homework's training setup: Adam, learning
// rate 1e-4, batch 128, in-order batches, normalized inputs, seed 197331,
// 20 epochs.
func DefaultSettings() Settings {
	return Settings{Optimizer: Adam, LearningRate: 1e-4, Momentum: 0.9, BatchSize: 128, Epochs: 20, Seed: 197331, Normalize: true, EvalTrainSize: 2000}
}

// Validate reports the first setting that cannot work.
func (s Settings) Validate() error {
	if _, err := LookupMethod(s.Optimizer); err != nil {
		return err
	}
	switch {
	case !(s.LearningRate > 0) || math.IsInf(s.LearningRate, 0):
		return fmt.Errorf("train: learning rate must be a positive number, got %g", s.LearningRate)
	case s.BatchSize < 1:
		return fmt.Errorf("train: batch size must be at least 1, got %d", s.BatchSize)
	case s.Epochs < 0:
		return fmt.Errorf("train: epochs must not be negative, got %d", s.Epochs)
	case s.TrainLimit < 0:
		return fmt.Errorf("train: train limit must not be negative, got %d", s.TrainLimit)
	case s.EvalTrainSize < 1:
		return fmt.Errorf("train: the log needs at least one training image to evaluate, got %d", s.EvalTrainSize)
	}
	return nil
}

// ErrInterrupted is returned by Run when its context is cancelled: the
// step in flight was finished and the Trainer can be checkpointed.
var ErrInterrupted = errors.New("train: interrupted")

// StepStats describes one training step.
type StepStats struct {
	Epoch    int     // 1-based
	Step     int     // 1-based within the epoch
	Steps    int     // steps per epoch
	Images   int     // images in the batch
	Loss     float64 // batch mean loss
	Accuracy float64 // batch accuracy
	GradNorm float64 // global L2 norm of the parameter gradients
	Clamped  int     // rows whose true-class probability hit the clamp
}

// Trainer trains one network on one data split, a step at a time. It keeps
// the homework's log in History. A Trainer is not safe for concurrent use.
type Trainer struct {
	net      *model.Network
	data     *assets.Split
	settings Settings
	opt      *Optimizer
	history  History

	epoch    int // epochs finished
	step     int // steps finished in the current epoch
	perm     []int
	lastNorm float64
	zeroGrad int
	seconds  float64
	ws       ops.Workspace
	batchX   []float32
	batchY   []uint8
	// normParts holds gradNorm's block sums.
	normParts []float64
	// best holds the parameters of the epoch of highest validation
	// accuracy so far and bestEpoch that epoch (Settings.KeepBest).
	best      [][]float32
	bestEpoch int
	bestAcc   float64

	// Data-parallel steps (SetShards): the other shards' workers, the
	// flattened weights sent to them, one gradient buffer per shard.
	shards    Shards
	flatW     []float32
	shardGrad [][]float32
	sent      []bool
	shardErr  error // the last shard that failed, computed here instead
}

// New returns a Trainer for net on data. The settings are validated; the
// split must already be normalized (or not) as settings.Normalize says.
func New(net *model.Network, data *assets.Split, s Settings) (*Trainer, error) {
	if err := s.Validate(); err != nil {
		return nil, err
	}
	if data == nil || data.Train.N == 0 || data.Val.N == 0 {
		return nil, errors.New("train: the split needs training and validation images")
	}
	opt, err := NewOptimizer(s.Optimizer, s.LearningRate, s.Momentum, net.Params())
	if err != nil {
		return nil, err
	}
	t := &Trainer{net: net, data: data, settings: s, opt: opt}
	t.history = History{Config: net.Config(), Settings: s, Params: net.NumParams()}
	return t, nil
}

// Network returns the network being trained.
func (t *Trainer) Network() *model.Network { return t.net }

// Data returns the split the network trains and is evaluated on (shared,
// not a copy).
func (t *Trainer) Data() *assets.Split { return t.data }

// Settings returns the training settings.
func (t *Trainer) Settings() Settings { return t.settings }

// History returns the log so far (shared, not a copy).
func (t *Trainer) History() *History { return &t.history }

func (t *Trainer) trainSize() int {
	n := t.data.Train.N
	if t.settings.TrainLimit > 0 && t.settings.TrainLimit < n {
		n = t.settings.TrainLimit
	}
	return n
}

// StepsPerEpoch returns the number of batches in an epoch (the last one may
// be smaller).
func (t *Trainer) StepsPerEpoch() int {
	return (t.trainSize() + t.settings.BatchSize - 1) / t.settings.BatchSize
}

// Position returns the epochs finished and the steps finished in the
// current epoch.
func (t *Trainer) Position() (epoch, step int) { return t.epoch, t.step }

// Done reports whether every epoch has been trained, or training diverged.
func (t *Trainer) Done() bool {
	return t.history.Diverged != nil || t.epoch >= t.settings.Epochs
}

// Start logs the untrained network as epoch 0 if nothing was logged yet.
func (t *Trainer) Start() {
	if len(t.history.Epochs) > 0 {
		return
	}
	trainEval, valEval := t.evaluateLog()
	t.history.Epochs = append(t.history.Epochs, Epoch{
		Epoch: 0, TrainLoss: trainEval.Loss, TrainAcc: trainEval.Accuracy,
		ValLoss: valEval.Loss, ValAcc: valEval.Accuracy,
		GradNorm: Metric(math.NaN()), Seconds: 0,
	})
}

// Step trains on the next batch. At the end of an epoch it also logs the
// epoch (the returned bool is then true). After a NaN or infinite loss or
// gradient it records the divergence in History and stops; Done then
// reports true.
func (t *Trainer) Step() (StepStats, bool) {
	if t.Done() {
		return StepStats{}, false
	}
	t.Start()
	start := time.Now()
	n := t.trainSize()
	bs := t.settings.BatchSize
	if t.step == 0 {
		t.perm = t.permutation(t.epoch + 1)
		t.zeroGrad = 0
		t.seconds = 0
	}
	from := t.step * bs
	to := min(from+bs, n)
	rows := to - from
	t.batchX = t.ws.Floats("batch.x", rows*assets.ImagePixels)
	t.batchY = t.batchY[:0]
	for r := 0; r < rows; r++ {
		i := from + r
		if t.perm != nil {
			i = t.perm[i]
		}
		copy(t.batchX[r*assets.ImagePixels:(r+1)*assets.ImagePixels], t.data.Train.X[i*assets.ImagePixels:(i+1)*assets.ImagePixels])
		t.batchY = append(t.batchY, t.data.Train.Y[i])
	}
	stats := StepStats{Epoch: t.epoch + 1, Step: t.step + 1, Steps: t.StepsPerEpoch(), Images: rows}
	if n := t.shardCount(); n > 1 {
		r := t.shardedGradient(rows, n)
		stats.Loss = float64(float32(r.LossSum / float64(rows)))
		stats.Accuracy = float64(r.Correct) / float64(rows)
		stats.Clamped = r.Clamped
	} else {
		x := ops.Matrix(t.batchX, rows, assets.ImagePixels)
		logits := t.net.ForwardTraining(x, t.masks())
		loss, ce := ops.Loss(&t.ws, logits, t.batchY)
		stats.Loss = float64(loss.Value().Item().F32())
		stats.Accuracy = float64(ce.Correct) / float64(rows)
		stats.Clamped = ce.Clamped
		if err := ag.Backward(loss); err != nil {
			// Backward only fails on a graph without a scalar output: a bug.
			panic(fmt.Sprintf("train: backward: %v", err))
		}
	}
	lossValue := stats.Loss
	stats.GradNorm = t.gradNorm()
	t.step++
	switch {
	case math.IsNaN(lossValue) || math.IsInf(lossValue, 0):
		t.diverge(stats, fmt.Sprintf("loss is %g", lossValue))
	case math.IsNaN(stats.GradNorm) || math.IsInf(stats.GradNorm, 0):
		t.diverge(stats, fmt.Sprintf("gradient norm is %g", stats.GradNorm))
	}
	if t.history.Diverged != nil {
		t.net.ZeroGrads()
		return stats, false
	}
	if stats.GradNorm == 0 {
		t.zeroGrad++
		t.history.Saturated = true
	}
	t.lastNorm = stats.GradNorm
	t.opt.Step(t.net.Pool(), t.net.Params())
	t.seconds += time.Since(start).Seconds()
	if t.step < t.StepsPerEpoch() {
		return stats, false
	}
	t.finishEpoch()
	return stats, true
}

// masks selects the dropout masks of the current step from the run's seed
// and the step's number in the run, so that a resumed run draws the same.
func (t *Trainer) masks() model.Masks {
	return model.Masks{Seed: t.settings.Seed, Pass: uint64(t.epoch)*uint64(t.StepsPerEpoch()) + uint64(t.step)}
}

func (t *Trainer) diverge(s StepStats, reason string) {
	t.history.Diverged = &Divergence{Epoch: s.Epoch, Step: s.Step, Reason: reason}
}

func (t *Trainer) finishEpoch() {
	trainEval, valEval := t.evaluateLog()
	t.epoch++
	t.history.Epochs = append(t.history.Epochs, Epoch{
		Epoch: t.epoch, TrainLoss: trainEval.Loss, TrainAcc: trainEval.Accuracy,
		ValLoss: valEval.Loss, ValAcc: valEval.Accuracy, GradNorm: Metric(t.lastNorm),
		Seconds: Metric(t.seconds), ZeroGradSteps: t.zeroGrad, Steps: t.step, Images: t.trainSize(),
	})
	t.step = 0
	if t.settings.KeepBest {
		t.keepBest(valEval.Accuracy)
	}
}

// keepBest copies the parameters when the epoch just logged has the
// highest validation accuracy so far, and after the last epoch puts the
// best epoch's parameters back into the network.
func (t *Trainer) keepBest(acc Metric) {
	params := t.net.Params()
	if t.best == nil || float64(acc) > t.bestAcc {
		if t.best == nil {
			t.best = make([][]float32, len(params))
		}
		for i, p := range params {
			t.best[i] = append(t.best[i][:0], p.Values()...)
		}
		t.bestEpoch, t.bestAcc = t.epoch, float64(acc)
	}
	if t.epoch < t.settings.Epochs {
		return
	}
	for i, p := range params {
		copy(p.Values(), t.best[i])
	}
	t.history.KeptEpoch = t.bestEpoch
}

// permutation returns the order of the training images in the given
// epoch, or nil for in-order batches. It depends only on the seed and the
// epoch, so a resumed run sees the same batches.
func (t *Trainer) permutation(epoch int) []int {
	if !t.settings.Shuffle {
		return nil
	}
	rng := rand.New(rand.NewPCG(t.settings.Seed, uint64(epoch)))
	return rng.Perm(t.trainSize())
}

// normBlock is the number of gradient values gradNorm squares and adds up
// per block. Blocks are fixed by the parameter sizes alone, so the norm
// does not depend on how many goroutines compute it.
const normBlock = 1 << 14

// gradNorm returns the global L2 norm of the gradients: each parameter's
// blocks are summed in parallel, and the block sums are added in order.
func (t *Trainer) gradNorm() float64 {
	var sum float64
	for _, p := range t.net.Params() {
		g := p.Grads()
		blocks := (len(g) + normBlock - 1) / normBlock
		t.normParts = slices.Grow(t.normParts[:0], blocks)[:blocks]
		parts := t.normParts
		parallelFor(t.net.Pool(), blocks*normBlock, func(lo, hi int) {
			for b := lo / normBlock; b < hi/normBlock; b++ {
				parts[b] = sumSquares(g[b*normBlock : min(len(g), (b+1)*normBlock)])
			}
		})
		for _, v := range parts {
			sum += v
		}
	}
	return math.Sqrt(sum)
}

func sumSquares(g []float32) float64 {
	var s float64
	for _, v := range g {
		s += float64(v) * float64(v)
	}
	return s
}

func (t *Trainer) evaluateLog() (trainEval, valEval Evaluation) {
	n := min(t.settings.EvalTrainSize, t.trainSize())
	trainEval = Evaluate(t.net, t.data.Train, n)
	valEval = Evaluate(t.net, t.data.Val, t.data.Val.N)
	return trainEval, valEval
}

// Test evaluates the network on the test split and records it in History.
func (t *Trainer) Test() Evaluation {
	e := Evaluate(t.net, t.data.Test, t.data.Test.N)
	t.history.Test = &e
	return e
}

// Hooks receive progress from Run; nil hooks are skipped.
type Hooks struct {
	Step  func(StepStats)
	Epoch func(Epoch)
}

// Run trains until Done, then evaluates the test split. If ctx is
// cancelled it finishes the step in flight and returns ErrInterrupted; the
// Trainer can then be checkpointed and resumed later.
func (t *Trainer) Run(ctx context.Context, h Hooks) error {
	t.Start()
	for !t.Done() {
		if ctx.Err() != nil {
			return ErrInterrupted
		}
		s, endOfEpoch := t.Step()
		if h.Step != nil {
			h.Step(s)
		}
		if endOfEpoch && h.Epoch != nil {
			h.Epoch(t.history.Epochs[len(t.history.Epochs)-1])
		}
	}
	if t.history.Diverged == nil && t.data.Test.N > 0 {
		t.Test()
	}
	t.history.Finished = true
	return nil
}

// EvalBatch is the batch size of evaluation passes: big enough for
// efficient matrix products, small enough to keep memory low.
const EvalBatch = 256

// Evaluate returns the mean loss and the accuracy of net on the first n
// images of set, in batches of EvalBatch.
func Evaluate(net *model.Network, set assets.Set, n int) Evaluation {
	n = min(n, set.N)
	if n == 0 {
		return Evaluation{Loss: Metric(math.NaN()), Accuracy: Metric(math.NaN())}
	}
	var lossSum float64
	correct := 0
	forEachBatch(net, set, n, func(rows int, loss float64, ce *ops.SoftmaxCrossEntropy) {
		lossSum += loss * float64(rows)
		correct += ce.Correct
	})
	return Evaluation{Images: n, Loss: Metric(lossSum / float64(n)), Accuracy: Metric(float64(correct) / float64(n))}
}

// Predict returns the most probable class of each of the first n images
// of set and the probabilities (n × 10).
func Predict(net *model.Network, set assets.Set, n int) ([]uint8, []float32) {
	n = min(n, set.N)
	labels := make([]uint8, 0, n)
	probs := make([]float32, 0, n*model.Classes)
	forEachBatch(net, set, n, func(rows int, _ float64, ce *ops.SoftmaxCrossEntropy) {
		p := ce.Probabilities()
		probs = append(probs, p...)
		for r := 0; r < rows; r++ {
			best := 0
			for j := 1; j < model.Classes; j++ {
				if p[r*model.Classes+j] > p[r*model.Classes+best] {
					best = j
				}
			}
			labels = append(labels, uint8(best))
		}
	})
	return labels, probs
}

// forEachBatch runs net forward over the first n images of set in batches
// of EvalBatch and hands each batch's size, mean loss and loss op to fn.
func forEachBatch(net *model.Network, set assets.Set, n int, fn func(rows int, loss float64, ce *ops.SoftmaxCrossEntropy)) {
	var ws ops.Workspace
	for from := 0; from < n; from += EvalBatch {
		rows := min(EvalBatch, n-from)
		x := ops.Matrix(set.X[from*assets.ImagePixels:(from+rows)*assets.ImagePixels], rows, assets.ImagePixels)
		loss, ce := ops.Loss(&ws, net.Forward(x), set.Y[from:from+rows])
		fn(rows, float64(loss.Value().Item().F32()), ce)
	}
}
