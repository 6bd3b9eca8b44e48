//go:build js && wasm

package main

import (
	"fmt"
	"math"
	"time"

	"fashionlab/assets"
	"fashionlab/model"
	"fashionlab/model/gemm"
	"fashionlab/model/ops"
	"fashionlab/model/train"
	"fashionlab/wasm/protocol"
	"fashionlab/wasm/startup"
)

// Throttles: step statistics are sent at most every flushEvery, and the
// training loop returns to the event loop at least every yieldEvery so
// commands (pause, stop, requests) are delivered promptly.
const (
	flushEvery = 100 * time.Millisecond
	yieldEvery = 40 * time.Millisecond
	maxBatched = 1024
)

// splitKey identifies a prepared split: normalization and training limit.
type splitKey struct {
	normalize bool
	limit     int
}

// worker holds the state of the training worker. Only its loop goroutine
// touches it.
type worker struct {
	data   *data
	splits map[splitKey]*assets.Split
	eng    *gemm.Engine

	run      int
	trainer  *train.Trainer
	split    *assets.Split
	running  bool
	steps    int // steps trained in this run
	maxSteps int
	// epochZero is the run's epoch 0 while it is still being evaluated,
	// a batch between training steps after the first step.
	epochZero *startup.Pending

	// Step statistics not yet sent; reused from flush to flush.
	loss, acc, norm []float32
	firstStep       int
	images          int
	seconds         float64
	lastFlush       time.Time
}

func newWorker(d *data) *worker {
	return &worker{
		data:   d,
		splits: map[splitKey]*assets.Split{},
		eng:    gemm.New(1),
		loss:   make([]float32, 0, maxBatched),
		acc:    make([]float32, 0, maxBatched),
		norm:   make([]float32, 0, maxBatched),
	}
}

// fetchAfter is how long the worker waits, with no run started, before
// it fetches the rest of the data anyway; a run fetches it after its first
// step.
const fetchAfter = 1500 * time.Millisecond

// loop handles commands and trains between them.
func (w *worker) loop(commands <-chan protocol.Message) {
	lastYield := time.Now()
	idleFetch := time.After(fetchAfter)
	for {
		if !w.running {
			select {
			case m := <-commands:
				w.handle(m)
			case <-idleFetch:
				w.data.fetchRest()
			}
			lastYield = time.Now()
			continue
		}
		select {
		case m := <-commands:
			w.handle(m)
			continue
		default:
		}
		if !w.dataReady() {
			// The next batch has not arrived: wait for data or a command.
			select {
			case m := <-commands:
				w.handle(m)
			case <-w.data.arrived: // dataReady drains what came
			}
			lastYield = time.Now()
			continue
		}
		w.step()
		if time.Since(lastYield) > yieldEvery {
			// Sleeping lets the runtime return to the JavaScript event
			// loop, which delivers queued messages.
			time.Sleep(time.Millisecond)
			lastYield = time.Now()
		}
	}
}

// dataReady reports whether the images the next step reads have arrived.
// A failed download ends the run.
func (w *worker) dataReady() bool {
	w.data.drain()
	epoch, step := w.trainer.Position()
	needTrain, needVal := startup.Need(w.trainer.Settings(), epoch, step, w.split.Train.N, w.split.Val.N)
	haveTrain, haveVal := w.data.converted(w.split)
	if haveTrain >= needTrain && haveVal >= needVal {
		return true
	}
	if w.data.err != nil {
		w.fail(protocol.KindStart, w.data.err)
		w.epochZero = nil
		w.end(protocol.ReasonStopped, w.data.err.Error())
		return false
	}
	w.data.fetchRest()
	return false
}

func (w *worker) handle(m protocol.Message) {
	switch m := m.(type) {
	case protocol.Start:
		w.start(m)
	case protocol.Pause:
		if w.running {
			w.flush()
			w.running = false
			post(protocol.State{Run: w.run, State: protocol.StatePaused})
		}
	case protocol.Resume:
		if w.trainer != nil && !w.running && !w.finished() {
			w.running = true
			post(protocol.State{Run: w.run, State: protocol.StateRunning})
		}
	case protocol.Stop:
		if w.running {
			w.end(protocol.ReasonStopped, "")
		}
	case protocol.Reset:
		if w.running {
			w.end(protocol.ReasonStopped, "")
		}
		w.trainer, w.split, w.epochZero = nil, nil, nil
		post(protocol.State{Run: w.run, State: protocol.StateIdle})
	case protocol.Count:
		net, err := model.New(m.Config, 0, w.eng)
		if err != nil {
			post(protocol.Error{Command: m.Kind(), Message: err.Error()})
			return
		}
		post(protocol.ParamCount{ID: m.ID, Params: net.NumParams()})
	case protocol.GetActivations:
		w.activations(m)
	case protocol.GetPredictions:
		w.predictions(m)
	case protocol.GetWeights:
		w.weights()
	case protocol.GetImage:
		w.image(m)
	}
}

func (w *worker) fail(command string, err error) {
	post(protocol.Error{Command: command, Message: err.Error()})
}

// finished reports whether the run cannot train further.
func (w *worker) finished() bool {
	return w.trainer.Done() || (w.maxSteps > 0 && w.steps >= w.maxSteps)
}

func (w *worker) start(m protocol.Start) {
	if w.running {
		w.end(protocol.ReasonStopped, "replaced by a new run")
	}
	w.advanceEpochZero(true) // a paused run's epoch 0 still belongs to its log
	split, err := w.prepare(m.Settings)
	if err != nil {
		w.fail(m.Kind(), err)
		return
	}
	net, err := model.New(m.Config, m.Settings.Seed, w.eng)
	if err != nil {
		w.fail(m.Kind(), err)
		return
	}
	s := m.Settings
	s.TrainLimit = 0 // the split already holds only the chosen images
	t, err := train.New(net, split, s)
	if err != nil {
		w.fail(m.Kind(), err)
		return
	}
	w.run, w.trainer, w.split = m.Run, t, split
	w.steps, w.maxSteps = 0, m.MaxSteps
	w.resetBatch()
	layers := make([]string, 0, len(net.Layers()))
	for _, l := range net.Layers() {
		line := fmt.Sprintf("%d %s", l.Index, l.Kind)
		if l.Detail != "" {
			line += " " + l.Detail
		}
		line += " → " + l.Out
		if l.Params > 0 {
			line += fmt.Sprintf(" (%d)", l.Params)
		}
		layers = append(layers, line)
	}
	post(protocol.Started{Run: m.Run, Params: net.NumParams(), StepsPerEpoch: t.StepsPerEpoch(), Epochs: s.Epochs, Layers: layers})
	post(protocol.State{Run: m.Run, State: protocol.StateRunning})
	// Epoch 0 (the untrained network) is evaluated after the first step,
	// so training starts at once; its numbers are the same.
	w.epochZero = startup.Begin(t, m.Config, m.Settings.Seed, split)
	w.running = true
	w.lastFlush = time.Now()
	if w.finished() {
		w.end(protocol.ReasonFinished, "")
	}
}

// prepare returns the split for the settings. Runs on the whole training
// part train from a split that fills as the data arrives; a training limit
// waits for all the data (its normalization statistics come from the
// limited images) and converts the subset once per normalization and size.
func (w *worker) prepare(s train.Settings) (*assets.Split, error) {
	n := w.data.header.Train
	if s.TrainLimit > n {
		return nil, fmt.Errorf("worker: the subset holds %d training images; asked for %d", n, s.TrainLimit)
	}
	if s.TrainLimit == 0 || s.TrainLimit == n {
		return w.data.stream(s.Normalize)
	}
	key := splitKey{s.Normalize, s.TrainLimit}
	if sp, ok := w.splits[key]; ok {
		return sp, nil
	}
	if err := w.data.waitAll(); err != nil {
		return nil, err
	}
	sp, err := w.data.subset.Split(assets.SplitOptions{Normalize: s.Normalize, TrainLimit: s.TrainLimit})
	if err != nil {
		return nil, fmt.Errorf("worker: %w", err)
	}
	if len(w.splits) >= 2 {
		clear(w.splits) // bound memory: each split is ~50 MB of float32
	}
	w.splits[key] = sp
	return sp, nil
}

func (w *worker) step() {
	begin := time.Now()
	st, endOfEpoch := w.trainer.Step()
	elapsed := time.Since(begin).Seconds()
	w.steps++
	if len(w.loss) == 0 {
		w.firstStep = w.steps
	}
	w.loss = append(w.loss, float32(st.Loss))
	w.acc = append(w.acc, float32(st.Accuracy))
	w.norm = append(w.norm, float32(st.GradNorm))
	if !endOfEpoch {
		// Steps that end an epoch also evaluate; leave them out of the
		// throughput.
		w.images += st.Images
		w.seconds += elapsed
	}
	h := w.trainer.History()
	switch {
	case h.Diverged != nil:
		w.end(protocol.ReasonDiverged, fmt.Sprintf("epoch %d step %d: %s", h.Diverged.Epoch, h.Diverged.Step, h.Diverged.Reason))
		return
	case endOfEpoch:
		w.flush()
		w.advanceEpochZero(true)
		w.postEpoch()
	case w.steps == 1 || len(w.loss) == cap(w.loss) || time.Since(w.lastFlush) >= flushEvery:
		// The first step goes out at once: the page shows that training runs.
		w.flush()
	}
	// Training has begun: the rest of the data may come now.
	w.data.fetchRest()
	if w.epochZero != nil && !endOfEpoch && w.epochZeroReady() {
		w.advanceEpochZero(false)
	}
	switch {
	case w.trainer.Done():
		w.end(protocol.ReasonFinished, "")
	case w.maxSteps > 0 && w.steps >= w.maxSteps:
		w.end(protocol.ReasonLimit, fmt.Sprintf("%d steps", w.steps))
	}
}

// epochZeroReady reports whether the images epoch 0 evaluates have
// arrived.
func (w *worker) epochZeroReady() bool {
	tr, val := w.data.converted(w.split)
	return tr >= min(w.trainer.Settings().EvalTrainSize, w.split.Train.N) && val >= w.split.Val.N
}

// advanceEpochZero evaluates the next batch of the pending epoch 0, or
// all of it, and posts it once complete.
func (w *worker) advanceEpochZero(all bool) {
	if w.epochZero == nil {
		return
	}
	var (
		e    train.Epoch
		done = true
		err  error
	)
	if all {
		if err = w.data.wait(w.epochZeroReady); err == nil {
			e, err = w.epochZero.Finish(w.eng)
		}
	} else {
		e, done, err = w.epochZero.Advance(w.eng)
	}
	if err != nil {
		w.epochZero = nil
		w.fail(protocol.KindStart, err)
		return
	}
	if done {
		w.epochZero = nil
		post(protocol.Epoch{Run: w.run, Epoch: e})
	}
}

func (w *worker) postEpoch() {
	h := w.trainer.History()
	if len(h.Epochs) > 0 {
		post(protocol.Epoch{Run: w.run, Epoch: h.Epochs[len(h.Epochs)-1]})
	}
}

// flush sends the batched step statistics.
func (w *worker) flush() {
	w.lastFlush = time.Now()
	if len(w.loss) == 0 {
		return
	}
	epoch, _ := w.trainer.Position()
	post(protocol.Steps{Run: w.run, Epoch: epoch + 1, FirstStep: w.firstStep, Loss: w.loss, Accuracy: w.acc, GradNorm: w.norm, Images: w.images, Seconds: w.seconds})
	w.resetBatch()
}

func (w *worker) resetBatch() {
	w.loss, w.acc, w.norm = w.loss[:0], w.acc[:0], w.norm[:0]
	w.images, w.seconds = 0, 0
}

// end finishes the run: the page gets the remaining statistics and why it
// ended. The trainer stays for requests until reset or the next start.
func (w *worker) end(reason, detail string) {
	w.flush()
	w.advanceEpochZero(true)
	w.running = false
	post(protocol.Done{Run: w.run, Reason: reason, Detail: detail, Steps: w.steps})
	post(protocol.State{Run: w.run, State: protocol.StateIdle})
}

func (w *worker) needNetwork(command string) bool {
	if w.trainer == nil {
		w.fail(command, fmt.Errorf("worker: no network yet; start a run first"))
		return false
	}
	return true
}

func (w *worker) image(m protocol.GetImage) {
	part, n := 0, w.data.header.Train
	if m.Set == protocol.SetVal {
		part, n = 1, w.data.header.Val
	}
	if m.Index >= n {
		w.fail(m.Kind(), fmt.Errorf("worker: %s image %d does not exist (there are %d)", m.Set, m.Index, n))
		return
	}
	pixels, label, err := w.data.rawImage(part, m.Index, nil)
	if err != nil {
		w.fail(m.Kind(), err)
		return
	}
	post(protocol.Image{Set: m.Set, Index: m.Index, Label: label, Pixels: pixels})
}

// rawImage appends validation image i scaled to [0, 1] to dst; the
// validation images have arrived (waitVal).
func (w *worker) rawImage(i int, dst []float32) []float32 {
	dst, _, _ = w.data.rawImage(1, i, dst)
	return dst
}

// waitVal waits for the validation images of the run's split.
func (w *worker) waitVal(command string) bool {
	err := w.data.wait(func() bool {
		_, val := w.data.converted(w.split)
		return val >= w.split.Val.N
	})
	if err != nil {
		w.fail(command, err)
		return false
	}
	return true
}

func (w *worker) activations(m protocol.GetActivations) {
	if !w.needNetwork(m.Kind()) || !w.waitVal(m.Kind()) {
		return
	}
	if m.Index >= w.split.Val.N {
		w.fail(m.Kind(), fmt.Errorf("worker: validation image %d does not exist (there are %d)", m.Index, w.split.Val.N))
		return
	}
	x := ops.Matrix(w.split.Val.Row(m.Index), 1, assets.ImageSize)
	logits, maps := w.trainer.Network().ForwardMaps(x)
	out := protocol.Activations{Index: m.Index, Label: int(w.split.Val.Y[m.Index]), Pred: argmax(logits.Value().Data().F32()), Image: w.rawImage(m.Index, nil)}
	for _, fm := range maps {
		out.Maps = append(out.Maps, protocol.FeatureMaps{H: fm.H, W: fm.W, C: fm.C, Data: fm.Data})
	}
	post(out)
}

func (w *worker) predictions(m protocol.GetPredictions) {
	if !w.needNetwork(m.Kind()) || !w.waitVal(m.Kind()) {
		return
	}
	val := w.split.Val
	preds, _ := train.Predict(w.trainer.Network(), val, val.N)
	n := min(m.N, val.N)
	out := protocol.Predictions{N: n, Labels: make([]int, n), Preds: make([]int, n), Confusion: make([]int, model.Classes*model.Classes)}
	for i, p := range preds {
		out.Confusion[int(val.Y[i])*model.Classes+int(p)]++
		if i < n {
			out.Labels[i], out.Preds[i] = int(val.Y[i]), int(p)
			out.Images = w.rawImage(i, out.Images)
		}
	}
	if out.Images == nil {
		out.Images = []float32{}
	}
	post(out)
}

func (w *worker) weights() {
	if !w.needNetwork(protocol.KindGetWeights) {
		return
	}
	var out protocol.Weights
	for _, p := range w.trainer.Network().Params() {
		out.Tensors = append(out.Tensors, protocol.Tensor{Name: p.Name, Shape: p.Shape, Data: p.Values()})
	}
	post(out)
}

func argmax(v []float32) int {
	best := 0
	for i, x := range v {
		if x > v[best] || math.IsNaN(float64(v[best])) {
			best = i
		}
	}
	return best
}
