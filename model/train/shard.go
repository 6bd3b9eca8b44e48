package train

import (
	"fmt"
	"slices"

	"github.com/nlpodyssey/spago/ag"

	"fashionlab/assets"
	"fashionlab/model"
	"fashionlab/model/ops"
	"fashionlab/model/parallel"
)

// Data-parallel steps: a batch is cut into shards of consecutive rows
// (ShardRange), each shard's gradient is computed on its own copy of the
// network (ShardWorker), possibly in another process or Web Worker, and the
// Trainer adds the shards' gradients in shard order 0, 1, …, n−1 before its
// optimizer step. The loss is the batch mean, so each shard scales its
// gradient by 1/rows of the whole batch: the per-row gradients of the
// logits are those of the full batch, and the summed gradient differs from
// the full batch's only by the order in which float32 products are added.

// ShardRange returns the rows [lo, hi) of shard i of n of a batch of rows
// rows: consecutive, in order, sizes differing by at most one (the first
// rows%n shards have one more row). With n > rows the last shards are
// empty.
func ShardRange(rows, n, i int) (lo, hi int) {
	base, extra := rows/n, rows%n
	lo = i*base + min(i, extra)
	hi = lo + base
	if i < extra {
		hi++
	}
	return lo, hi
}

// ShardResult is what one shard's forward pass measured.
type ShardResult struct {
	Rows    int     // rows in the shard
	LossSum float64 // the shard's mean loss times its rows
	Correct int     // rows whose most probable class is the label
	Clamped int     // rows whose true-class probability hit the clamp
}

// add accumulates r into s.
func (s *ShardResult) add(r ShardResult) {
	s.Rows += r.Rows
	s.LossSum += r.LossSum
	s.Correct += r.Correct
	s.Clamped += r.Clamped
}

// ShardGradient runs net forward and backward on one shard (x: rows ×
// assets.ImagePixels, y: rows labels) of a batch of total rows and writes
// the shard's share of the batch-mean gradient into grad (the parameters'
// gradients one after another, in net.Params() order; NumParams values).
// net's gradients must be zero before and are zero after. ws holds the
// pass's buffers between calls.
func ShardGradient(net *model.Network, ws *ops.Workspace, x []float32, y []uint8, total int, grad []float32) ShardResult {
	rows := len(y)
	if len(grad) != net.NumParams() {
		panic(fmt.Sprintf("train: a gradient of %d values for %d parameters", len(grad), net.NumParams()))
	}
	if len(x) != rows*assets.ImagePixels || rows > total {
		panic(fmt.Sprintf("train: a shard of %d inputs and %d labels in a batch of %d", len(x), rows, total))
	}
	if rows == 0 {
		clear(grad)
		return ShardResult{}
	}
	logits := net.Forward(ops.Matrix(x, rows, assets.ImagePixels))
	loss, ce := ops.Loss(ws, logits, y)
	mean := float64(loss.Value().Item().F32())
	// The loss op divides by the shard's rows; seeding its gradient with
	// rows/total makes that 1/total, the full batch's factor.
	if rows != total {
		loss.AccGrad(ops.Matrix([]float32{float32(rows) / float32(total)}, 1, 1))
	}
	if err := ag.Backward(loss); err != nil {
		// Backward only fails on a graph without a scalar output: a bug.
		panic(fmt.Sprintf("train: backward: %v", err))
	}
	off := 0
	for _, p := range net.Params() {
		g := p.Grads()
		copy(grad[off:off+len(g)], g)
		clear(g)
		off += len(g)
	}
	return ShardResult{Rows: rows, LossSum: mean * float64(rows), Correct: ce.Correct, Clamped: ce.Clamped}
}

// FlattenValues copies the parameters' values one after another into dst
// (NumParams values) and returns it.
func FlattenValues(params []*model.Param, dst []float32) []float32 {
	dst = dst[:0]
	for _, p := range params {
		dst = append(dst, p.Values()...)
	}
	return dst
}

// SetValues copies src (the parameters' values one after another) into the
// parameters. It fails when the lengths differ.
func SetValues(params []*model.Param, src []float32) error {
	n := 0
	for _, p := range params {
		n += len(p.Values())
	}
	if n != len(src) {
		return fmt.Errorf("train: %d values for %d parameters", len(src), n)
	}
	off := 0
	for _, p := range params {
		off += copy(p.Values(), src[off:])
	}
	return nil
}

// ShardWorker computes shard gradients on its own network: what a helper
// Web Worker runs, and what LocalShards runs in this process.
type ShardWorker struct {
	net *model.Network
	key string
	ws  ops.Workspace
}

// Compute sets the worker's network to cfg with the given weights (built
// anew only when cfg changes), and computes the gradient of one shard (x,
// y) of a batch of total rows into grad, as ShardGradient does.
func (s *ShardWorker) Compute(cfg model.Config, weights, x []float32, y []uint8, total int, grad []float32) (ShardResult, error) {
	if key := cfg.String(); s.net == nil || key != s.key {
		net, err := model.New(cfg, 1, parallel.New(1))
		if err != nil {
			return ShardResult{}, fmt.Errorf("train: shard network: %w", err)
		}
		s.net, s.key, s.ws = net, key, ops.Workspace{}
	}
	if err := SetValues(s.net.Params(), weights); err != nil {
		return ShardResult{}, fmt.Errorf("train: shard weights: %w", err)
	}
	if len(grad) != s.net.NumParams() || len(x) != len(y)*assets.ImagePixels || len(y) > total {
		return ShardResult{}, fmt.Errorf("train: a shard of %d inputs, %d labels, batch %d, gradient %d for %d parameters", len(x), len(y), total, len(grad), s.net.NumParams())
	}
	return ShardGradient(s.net, &s.ws, x, y, total, grad), nil
}

// Shards computes the gradients of a batch's shards 1 … Count()−1 outside
// the Trainer (other Web Workers, or LocalShards); the Trainer computes
// shard 0 itself, between Send and Receive.
type Shards interface {
	// Count returns how many shards the next batch is cut into (1: none
	// is sent). The Trainer calls it once per step, before any Send.
	Count() int
	// Send hands shard i (1 ≤ i < Count()) to its worker: the network's
	// configuration and flattened weights, the shard's inputs and labels,
	// and the batch's rows. The slices are only valid during the call.
	Send(i int, cfg model.Config, weights, x []float32, y []uint8, total int) error
	// Receive waits for shard i's result and writes its gradient into
	// grad. After an error (from Send or Receive) the Trainer computes
	// the shard itself.
	Receive(i int, grad []float32) (ShardResult, error)
}

// LocalShards computes shards on twin networks in this process, one after
// another when they are received: the reference for shards computed
// elsewhere, and a way to check that sharding leaves training unchanged.
type LocalShards struct {
	n       int
	workers []ShardWorker
	pending []localShard
}

type localShard struct {
	cfg     model.Config
	weights []float32
	x       []float32
	y       []uint8
	total   int
}

// NewLocalShards returns Shards that cut every batch into n shards.
func NewLocalShards(n int) *LocalShards {
	n = max(n, 1)
	return &LocalShards{n: n, workers: make([]ShardWorker, n), pending: make([]localShard, n)}
}

// Count returns the number of shards.
func (l *LocalShards) Count() int { return l.n }

// Send keeps a copy of shard i's inputs and weights.
func (l *LocalShards) Send(i int, cfg model.Config, weights, x []float32, y []uint8, total int) error {
	p := &l.pending[i]
	p.cfg, p.total = cfg, total
	p.weights = append(p.weights[:0], weights...)
	p.x = append(p.x[:0], x...)
	p.y = append(p.y[:0], y...)
	return nil
}

// Receive computes shard i.
func (l *LocalShards) Receive(i int, grad []float32) (ShardResult, error) {
	p := &l.pending[i]
	return l.workers[i].Compute(p.cfg, p.weights, p.x, p.y, p.total, grad)
}

// SetShards makes every later step cut its batch into s.Count() shards and
// compute shards 1 … n−1 through s (nil: the whole batch here, as without
// shards). The gradients are added in shard order, so a run's results
// depend on the shard count only through float32 summation order. A
// network with dropout computes its whole batch here: its masks are drawn
// for the whole batch.
func (t *Trainer) SetShards(s Shards) { t.shards = s }

// shardCount returns the shards of the next batch (1 without Shards).
func (t *Trainer) shardCount() int {
	if t.shards == nil || t.net.Config().Dropout > 0 {
		return 1
	}
	return max(t.shards.Count(), 1)
}

// shardedGradient computes the gradient of the current batch (t.batchX,
// t.batchY, rows rows) as shards: sends shards 1 … n−1, computes shard 0,
// receives the others (computing any that failed), and adds the shards'
// gradients into the parameters' in shard order.
func (t *Trainer) shardedGradient(rows, n int) ShardResult {
	params := t.net.Params()
	size := t.net.NumParams()
	t.flatW = FlattenValues(params, t.flatW)
	cfg := t.net.Config()
	for len(t.shardGrad) < n {
		t.shardGrad = append(t.shardGrad, nil)
	}
	t.sent = slices.Grow(t.sent[:0], n)[:n]
	sent := t.sent
	clear(sent)
	for i := 1; i < n; i++ {
		lo, hi := ShardRange(rows, n, i)
		if err := t.shards.Send(i, cfg, t.flatW, t.batchX[lo*assets.ImagePixels:hi*assets.ImagePixels], t.batchY[lo:hi], rows); err != nil {
			t.shardErr = fmt.Errorf("train: shard %d of %d: %w", i, n, err)
			continue
		}
		sent[i] = true
	}
	var total ShardResult
	for i := 0; i < n; i++ {
		if len(t.shardGrad[i]) != size {
			t.shardGrad[i] = make([]float32, size)
		}
		if sent[i] {
			r, err := t.shards.Receive(i, t.shardGrad[i])
			if err == nil {
				total.add(r)
				continue
			}
			t.shardErr = fmt.Errorf("train: shard %d of %d: %w", i, n, err)
		}
		// Shard 0, or one that its worker did not compute.
		lo, hi := ShardRange(rows, n, i)
		total.add(ShardGradient(t.net, &t.ws, t.batchX[lo*assets.ImagePixels:hi*assets.ImagePixels], t.batchY[lo:hi], rows, t.shardGrad[i]))
	}
	off := 0
	for _, p := range params {
		g := p.Grads()
		copy(g, t.shardGrad[0][off:off+len(g)])
		for i := 1; i < n; i++ {
			for j, v := range t.shardGrad[i][off : off+len(g)] {
				g[j] += v
			}
		}
		off += len(g)
	}
	return total
}
