// Package startup gets the browser's training worker to its first step
// quickly without changing what a run records. The homework's log starts
// with epoch 0, the untrained network evaluated on 2,000 training and
// 2,000 validation images; in the browser that evaluation would sit
// between the page opening and the first training step. Begin starts a
// run with epoch 0 still to be measured, and the returned Pending
// measures it later, a batch at a time between training steps, on a twin
// of the untrained network built from the same configuration and seed, so
// the numbers are bit for bit those Trainer.Start would have logged.
package startup

import (
	"fmt"
	"math"

	"fashionlab/assets"
	"fashionlab/model"
	"fashionlab/model/ops"
	"fashionlab/model/parallel"
	"fashionlab/model/train"
)

// Pending is epoch 0 of a run that began without evaluating it. Its
// evaluation advances one batch at a time (Advance), so the worker can
// interleave it with training steps and stay responsive.
type Pending struct {
	trainer *train.Trainer
	config  model.Config
	seed    uint64
	data    *assets.Split

	net   *model.Network // the untrained twin, built on the first Advance
	ws    ops.Workspace
	parts [2]evalPart // the training images of the log, then validation
	part  int         // the part being evaluated
	done  bool
}

// evalPart is the running sums of one evaluation, batch after batch, in
// the order train.Evaluate adds them.
type evalPart struct {
	set     assets.Set
	n, from int
	lossSum float64
	correct int
}

// Begin starts t, whose network was built from config and seed and which
// trains on data, without evaluating the untrained network: its history
// gets a placeholder epoch 0 (metrics NaN) that the Pending's evaluation
// fills in. It returns nil when the history already holds epochs.
func Begin(t *train.Trainer, config model.Config, seed uint64, data *assets.Split) *Pending {
	h := t.History()
	if len(h.Epochs) > 0 {
		return nil
	}
	nan := train.Metric(math.NaN())
	h.Epochs = append(h.Epochs, train.Epoch{Epoch: 0, TrainLoss: nan, TrainAcc: nan, ValLoss: nan, ValAcc: nan, GradNorm: nan})
	s := t.Settings()
	n := data.Train.N
	if s.TrainLimit > 0 && s.TrainLimit < n {
		n = s.TrainLimit
	}
	p := &Pending{trainer: t, config: config.Clone(), seed: seed, data: data}
	p.parts[0] = evalPart{set: data.Train, n: min(s.EvalTrainSize, n, data.Train.N)}
	p.parts[1] = evalPart{set: data.Val, n: data.Val.N}
	return p
}

// Done reports whether epoch 0 has been evaluated.
func (p *Pending) Done() bool { return p.done }

// Advance evaluates the next batch of train.EvalBatch images with the
// untrained network, rebuilt from the run's configuration and seed with
// pool. After the last batch it writes epoch 0 into the trainer's history
// and returns it with done true.
func (p *Pending) Advance(pool *parallel.Pool) (e train.Epoch, done bool, err error) {
	if p.done {
		return p.trainer.History().Epochs[0], true, nil
	}
	if p.net == nil {
		if p.net, err = model.New(p.config, p.seed, pool); err != nil {
			return train.Epoch{}, false, fmt.Errorf("startup: rebuild the untrained network: %w", err)
		}
	}
	for p.part < len(p.parts) && p.parts[p.part].from >= p.parts[p.part].n {
		p.part++
	}
	if p.part < len(p.parts) {
		e := &p.parts[p.part]
		rows := min(train.EvalBatch, e.n-e.from)
		x := ops.Matrix(e.set.X[e.from*assets.ImagePixels:(e.from+rows)*assets.ImagePixels], rows, assets.ImagePixels)
		loss, ce := ops.Loss(&p.ws, p.net.Forward(x), e.set.Y[e.from:e.from+rows])
		e.lossSum += float64(loss.Value().Item().F32()) * float64(rows)
		e.correct += ce.Correct
		e.from += rows
		if e.from < e.n || p.part+1 < len(p.parts) {
			return train.Epoch{}, false, nil
		}
	}
	tr, val := p.parts[0].evaluation(), p.parts[1].evaluation()
	epoch := train.Epoch{
		Epoch: 0, TrainLoss: tr.Loss, TrainAcc: tr.Accuracy,
		ValLoss: val.Loss, ValAcc: val.Accuracy,
		GradNorm: train.Metric(math.NaN()),
	}
	p.trainer.History().Epochs[0] = epoch
	p.done, p.net = true, nil
	return epoch, true, nil
}

// Finish evaluates what is left of epoch 0 and returns it.
func (p *Pending) Finish(pool *parallel.Pool) (train.Epoch, error) {
	for {
		e, done, err := p.Advance(pool)
		if err != nil || done {
			return e, err
		}
	}
}

// evaluation returns the part's loss and accuracy as train.Evaluate does.
func (e *evalPart) evaluation() train.Evaluation {
	if e.n == 0 {
		return train.Evaluation{Loss: train.Metric(math.NaN()), Accuracy: train.Metric(math.NaN())}
	}
	return train.Evaluation{Images: e.n, Loss: train.Metric(e.lossSum / float64(e.n)), Accuracy: train.Metric(float64(e.correct) / float64(e.n))}
}
