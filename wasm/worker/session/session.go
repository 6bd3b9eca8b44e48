// Package session is the training worker's command handling, free of
// syscall/js so that it is tested natively: a Session holds the data
// subset (as it streams in), the current run and its trainer, handles the
// page's commands in map form and trains between them, and sends events
// through a function it is given. A run starts training from the first
// images while the rest arrive, and logs epoch 0 after its first step
// (package startup); a step waits only for the images it reads. Every command and every training step runs under recover:
// a panic becomes an error event and the session stays usable.
package session

import (
	"fmt"
	"math"
	"runtime/debug"
	"time"

	"fashionlab/assets"
	"fashionlab/model"
	"fashionlab/model/experiments"
	"fashionlab/model/ops"
	"fashionlab/model/parallel"
	"fashionlab/model/train"
	"fashionlab/wasm/protocol"
	"fashionlab/wasm/startup"
)

// Throttles: step statistics are sent at most every flushEvery, and the
// training loop returns to the event loop at least every yieldEvery so
// commands (pause, stop, requests) are delivered promptly.
const (
	flushEvery = 100 * time.Millisecond
	// CheckpointEvery is how often a training run sends its checkpoint
	// between the ends of its epochs: a reload or a crash loses at most
	// the steps of the last CheckpointEvery of training.
	CheckpointEvery = 10 * time.Second
	yieldEvery      = 40 * time.Millisecond
	maxBatched      = 1024
)

// Session is the state of the training worker. It is not safe for
// concurrent use: one goroutine calls Handle, Step and Loop.
type Session struct {
	post   func(protocol.Message)
	data   *startup.Data
	limits protocol.Limits
	pool   *parallel.Pool
	// shards computes parts of each batch elsewhere (helper workers), or
	// is nil.
	shards train.Shards

	run      int
	trainer  *train.Trainer
	split    *assets.Split
	settings train.Settings // how the network's inputs are prepared, as exported
	running  bool
	paused   bool // the run is paused: Resume continues it, Stop ends it
	steps    int  // steps trained in this run
	maxSteps int
	// epochZero is the run's epoch 0 while it is still being evaluated,
	// a batch between training steps after the first step.
	epochZero *startup.Pending
	// saved is where the last checkpoint sent stood, and savedAt when it
	// was sent (or the run started); checkpointEvery is the longest
	// training time between two checkpoints (CheckpointEvery).
	saved           position
	savedAt         time.Time
	checkpointEvery time.Duration

	// warmUp: warm up when next idle (WarmUpWhenIdle).
	warmUp bool

	// Step statistics not yet sent; reused from flush to flush.
	loss, acc, norm []float32
	firstStep       int
	images          int
	seconds         float64
	lastFlush       time.Time
}

// New returns a session over the data subset s that sends its events to
// post.
func New(s *assets.Subset, post func(protocol.Message)) *Session {
	d, err := startup.FromSubset(s)
	if err != nil {
		panic(fmt.Sprintf("session: %v", err)) // s is malformed: a bug of the caller
	}
	return NewStreaming(d, post)
}

// NewStreaming returns a session over a subset that arrives as d, sending
// its events to post.
func NewStreaming(d *startup.Data, post func(protocol.Message)) *Session {
	return &Session{
		post:   post,
		data:   d,
		limits: protocol.BrowserLimits(d.Header().Train),
		pool:   parallel.New(1),
		loss:   make([]float32, 0, maxBatched),
		acc:    make([]float32, 0, maxBatched),
		norm:   make([]float32, 0, maxBatched),

		checkpointEvery: CheckpointEvery,
	}
}

// SetShards makes the runs started from now on cut each batch into
// s.Count() shards and compute all but the first through s (nil: the whole
// batch here). A shard that s fails to compute is computed here.
func (w *Session) SetShards(s train.Shards) { w.shards = s }

// Limits returns the limits the session enforces.
func (w *Session) Limits() protocol.Limits { return w.limits }

// Ready sends the ready event: the subset's sizes and the limits.
func (w *Session) Ready() {
	h := w.data.Header()
	w.post(protocol.Ready{Train: h.Train, Val: h.Val, Test: h.Test, Limits: w.limits})
}

// Loop handles the commands from forms and trains between them, forever.
func (w *Session) Loop(forms <-chan map[string]any) {
	lastYield := time.Now()
	for {
		if !w.running {
			if w.warmUp {
				// An autostarted run's start comes soon after ready; a
				// person's click later: warm up only after a pause.
				select {
				case f := <-forms:
					w.Handle(f)
					lastYield = time.Now()
				case <-time.After(warmUpAfter):
					w.warm(func() bool { return len(forms) > 0 })
				}
				continue
			}
			// The rest of the data is fetched by the first step of a run,
			// or by a command that needs images not yet arrived.
			w.Handle(<-forms)
			lastYield = time.Now()
			continue
		}
		select {
		case f := <-forms:
			w.Handle(f)
			continue
		default:
		}
		if !w.DataReady() {
			// The next batch has not arrived: wait for data or a command.
			select {
			case f := <-forms:
				w.Handle(f)
			case <-w.data.Arrivals(): // DataReady drains what came
			}
			lastYield = time.Now()
			continue
		}
		w.Step()
		if time.Since(lastYield) > yieldEvery {
			// Sleeping lets the runtime return to the JavaScript event
			// loop, which delivers queued messages.
			time.Sleep(time.Millisecond)
			lastYield = time.Now()
		}
	}
}

// DataReady reports whether the images the running run's next step reads
// have arrived, asking for the rest of the data when not. A failed
// download ends the run with an error event.
func (w *Session) DataReady() bool {
	if !w.running {
		return true
	}
	w.data.Drain()
	epoch, step := w.trainer.Position()
	needTrain, needVal := startup.Need(w.trainer.Settings(), epoch, step, w.split.Train.N, w.split.Val.N)
	haveTrain, haveVal := w.data.Converted(w.split)
	if haveTrain >= needTrain && haveVal >= needVal {
		return true
	}
	if err := w.data.Err(); err != nil {
		w.epochZero = nil
		w.post(protocol.Error{Command: protocol.KindStart, Run: w.run, Message: "Training stopped: " + err.Error()})
		w.end(protocol.ReasonStopped, err.Error())
		return false
	}
	w.data.FetchRest()
	return false
}

// Handle handles one command in map form. It never panics: a failure
// becomes an error event.
func (w *Session) Handle(form map[string]any) {
	kind, _ := form["kind"].(string)
	defer w.recoverAs(kind, form)
	switch kind {
	case protocol.KindStart:
		if r := w.limits.ReviewForm(form); len(r.Problems) > 0 {
			w.post(protocol.Error{Command: kind, Run: intField(form, "run"), Message: "The run was not started: " + joinProblems(r.Problems), Problems: r.Problems})
			return
		}
	case protocol.KindCount:
		r := w.limits.ReviewForm(form)
		w.post(protocol.ParamCount{ID: intField(form, "id"), Params: r.Params, Bytes: r.Bytes, Problems: nonNil(r.Problems)})
		return
	}
	m, err := protocol.DecodeCommand(form)
	if err != nil {
		w.post(protocol.Error{Command: protocol.CommandKind(kind), Run: intField(form, "run"), Message: "The worker could not read a message from the page: " + err.Error()})
		return
	}
	w.handle(m)
}

// recoverAs turns a panic while handling a command of kind (its form), or
// while training (a nil form), into an error event, and leaves the session
// without a run: after a panic its state may be inconsistent.
func (w *Session) recoverAs(kind string, form map[string]any) {
	v := recover()
	if v == nil {
		return
	}
	run := w.run
	if kind == protocol.KindStart && form != nil {
		run = intField(form, "run") // the run that failed to start
	}
	what := fmt.Sprintf("The worker failed while handling %q", kind)
	if form == nil {
		what = fmt.Sprintf("Training run %d failed", run)
	}
	w.abandon()
	w.post(protocol.Error{Command: protocol.CommandKind(kind), Run: run, Message: fmt.Sprintf("%s (%v) and dropped the current run; it is ready for the next command.", what, v)})
	debug.FreeOSMemory()
}

// abandon forgets the current run without touching it: after a panic its
// state may be inconsistent.
func (w *Session) abandon() {
	w.paused = false
	if w.running {
		w.running = false
		w.post(protocol.State{Run: w.run, State: protocol.StateIdle})
	}
	w.trainer, w.split, w.epochZero = nil, nil, nil
	w.resetBatch()
}

func (w *Session) handle(m protocol.Message) {
	switch m := m.(type) {
	case protocol.Start:
		w.start(m)
	case protocol.Pause:
		if w.running {
			w.flush()
			w.running, w.paused = false, true
			w.post(protocol.State{Run: w.run, State: protocol.StatePaused})
		}
	case protocol.Resume:
		if w.paused && w.trainer != nil && !w.finished() {
			w.running, w.paused = true, false
			w.post(protocol.State{Run: w.run, State: protocol.StateRunning})
		}
	case protocol.Stop:
		if w.running || w.paused {
			w.end(protocol.ReasonStopped, "")
		}
	case protocol.Reset:
		if w.running || w.paused {
			w.end(protocol.ReasonStopped, "")
		}
		w.trainer, w.split, w.epochZero = nil, nil, nil
		w.post(protocol.State{Run: w.run, State: protocol.StateIdle})
	case protocol.MatchDepth:
		layers, params, capped := experiments.MatchingDepthCapped(m.Width, m.Target)
		w.post(protocol.DepthMatch{ID: m.ID, Layers: layers, Params: params, Capped: capped})
	case protocol.GetActivations:
		w.activations(m)
	case protocol.GetPredictions:
		w.predictions(m)
	case protocol.GetWeights:
		w.weights()
	case protocol.GetImage:
		w.image(m)
	case protocol.ExportWeights:
		w.exportWeights()
	case protocol.ExportMetrics:
		w.exportMetrics(m)
	case protocol.LoadWeights:
		w.loadWeights(m)
	case protocol.ExportReport:
		w.exportReport(m)
	case protocol.LoadCheckpoint:
		w.loadCheckpoint(m)
	}
}

func (w *Session) fail(command, message string) {
	w.post(protocol.Error{Command: command, Message: message})
}

// finished reports whether the run cannot train further.
func (w *Session) finished() bool {
	return w.trainer.Done() || (w.maxSteps > 0 && w.steps >= w.maxSteps)
}

func (w *Session) start(m protocol.Start) {
	w.warmUp = false // the run compiles what it needs
	if w.running || w.paused {
		w.end(protocol.ReasonStopped, "replaced by a new run")
	}
	w.advanceEpochZero(true)      // a paused run's epoch 0 still belongs to its log
	w.trainer, w.split = nil, nil // free the old run before building the new one
	split, err := w.prepare(m.Settings)
	if err != nil {
		w.post(protocol.Error{Command: protocol.KindStart, Run: m.Run, Message: "The run was not started: " + err.Error()})
		return
	}
	net, err := model.New(m.Config, m.Settings.Seed, w.pool)
	if err != nil {
		w.post(protocol.Error{Command: protocol.KindStart, Run: m.Run, Message: "The run was not started: " + err.Error()})
		return
	}
	s := m.Settings
	// The split holds only the chosen images, the first of the subset
	// and so of the full training set: recording their number lets the
	// native trainer prepare the same inputs from an exported file.
	s.TrainLimit = split.Train.N
	t, err := train.New(net, split, s)
	if err != nil {
		w.post(protocol.Error{Command: protocol.KindStart, Run: m.Run, Message: "The run was not started: " + err.Error()})
		return
	}
	t.SetShards(w.shards)
	w.run, w.trainer, w.split, w.settings = m.Run, t, split, s
	w.steps, w.maxSteps = 0, m.MaxSteps
	w.resetBatch()
	w.post(protocol.Started{Run: m.Run, Params: net.NumParams(), StepsPerEpoch: t.StepsPerEpoch(), Epochs: s.Epochs, Layers: layerLines(net)})
	w.post(protocol.State{Run: m.Run, State: protocol.StateRunning})
	// Epoch 0 (the untrained network) is evaluated after the first step,
	// so that training starts at once; its numbers are the same.
	w.epochZero = startup.Begin(t, m.Config, m.Settings.Seed, split)
	w.running = true
	w.lastFlush = time.Now()
	w.savedAt = w.lastFlush
	if w.finished() {
		w.end(protocol.ReasonFinished, "")
	}
}

// layerLines describes the modules of net, one line each.
func layerLines(net *model.Network) []string {
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
	return layers
}

// prepare returns the split for the settings: it fills as the data
// arrives. A normalized run on a limited training set first waits for its
// training images, whose statistics normalize it.
func (w *Session) prepare(s train.Settings) (*assets.Split, error) {
	n := w.data.Header().Train
	if s.TrainLimit > n {
		return nil, fmt.Errorf("the subset holds %d training images; asked for %d", n, s.TrainLimit)
	}
	sp, err := w.data.Stream(s.Normalize, s.TrainLimit)
	if err != nil {
		return nil, fmt.Errorf("preparing the images: %w", err)
	}
	return sp, nil
}

// Step trains one step of the current run, if it is running. It never
// panics: a failure ends the run with an error event.
func (w *Session) Step() {
	if !w.running {
		return
	}
	defer w.recoverAs(protocol.KindStart, nil)
	w.step()
}

func (w *Session) step() {
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
		w.checkpoint()
	case w.steps == 1 || len(w.loss) == cap(w.loss) || time.Since(w.lastFlush) >= flushEvery:
		// The first step goes out at once: the page shows that training runs.
		w.flush()
	}
	if !endOfEpoch && w.epochZero == nil && time.Since(w.savedAt) >= w.checkpointEvery && !w.trainer.Done() {
		// Within an epoch too, so that a reload costs at most
		// checkpointEvery of training. The steps go out first: the page
		// saves a checkpoint with the curves it has.
		w.flush()
		w.checkpoint()
	}
	// Training has begun: the rest of the data may come now.
	w.data.FetchRest()
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
func (w *Session) epochZeroReady() bool {
	w.data.Drain()
	tr, val := w.data.Converted(w.split)
	return tr >= min(w.trainer.Settings().EvalTrainSize, w.split.Train.N) && val >= w.split.Val.N
}

// advanceEpochZero evaluates the next batch of the pending epoch 0, or
// all of it (waiting for its images), and posts it once complete.
func (w *Session) advanceEpochZero(all bool) {
	if w.epochZero == nil {
		return
	}
	var (
		e    train.Epoch
		done = true
		err  error
	)
	if all {
		if err = w.data.Wait(w.epochZeroReady); err == nil {
			e, err = w.epochZero.Finish(w.pool)
		}
	} else {
		e, done, err = w.epochZero.Advance(w.pool)
	}
	if err != nil {
		w.epochZero = nil
		w.post(protocol.Error{Command: protocol.KindStart, Run: w.run, Message: "Epoch 0 could not be evaluated: " + err.Error()})
		return
	}
	if done {
		w.epochZero = nil
		w.post(protocol.Epoch{Run: w.run, Epoch: e})
	}
}

func (w *Session) postEpoch() {
	h := w.trainer.History()
	if len(h.Epochs) > 0 {
		w.post(protocol.Epoch{Run: w.run, Epoch: h.Epochs[len(h.Epochs)-1]})
	}
}

// flush sends the batched step statistics.
func (w *Session) flush() {
	w.lastFlush = time.Now()
	if len(w.loss) == 0 {
		return
	}
	epoch, _ := w.trainer.Position()
	w.post(protocol.Steps{Run: w.run, Epoch: epoch + 1, FirstStep: w.firstStep, Loss: w.loss, Accuracy: w.acc, GradNorm: w.norm, Images: w.images, Seconds: w.seconds})
	w.resetBatch()
}

func (w *Session) resetBatch() {
	w.loss, w.acc, w.norm = w.loss[:0], w.acc[:0], w.norm[:0]
	w.images, w.seconds = 0, 0
}

// end finishes the run: the page gets the remaining statistics and why it
// ended. The trainer stays for requests until reset or the next start.
func (w *Session) end(reason, detail string) {
	w.flush()
	w.advanceEpochZero(true)
	if reason == protocol.ReasonFinished {
		// As the native trainer's Run records it: metrics.json and the
		// checkpoint say the run trained all its epochs.
		w.trainer.History().Finished = true
	}
	w.checkpoint()
	w.running, w.paused = false, false
	w.post(protocol.Done{Run: w.run, Reason: reason, Detail: detail, Steps: w.steps})
	w.post(protocol.State{Run: w.run, State: protocol.StateIdle})
}

func (w *Session) needNetwork(command string) bool {
	if w.trainer == nil {
		w.fail(command, "There is no trained network yet: start a run first.")
		return false
	}
	return true
}

func (w *Session) image(m protocol.GetImage) {
	part, n := 0, w.data.Header().Train
	if m.Set == protocol.SetVal {
		part, n = 1, w.data.Header().Val
	}
	if m.Index >= n {
		w.fail(protocol.KindGetImage, fmt.Sprintf("There is no %s image %d: the subset has %d.", m.Set, m.Index, n))
		return
	}
	pixels, label, err := w.data.Image(part, m.Index, nil)
	if err != nil {
		w.fail(protocol.KindGetImage, "The image has not arrived: "+err.Error())
		return
	}
	w.post(protocol.Image{Set: m.Set, Index: m.Index, Label: label, Pixels: pixels})
}

// rawImage appends validation image i scaled to [0, 1] to dst; the
// validation images have arrived (waitVal).
func (w *Session) rawImage(i int, dst []float32) []float32 {
	dst, _, _ = w.data.Image(1, i, dst)
	return dst
}

// waitVal waits for the validation images of the run's split.
func (w *Session) waitVal(command string) bool {
	err := w.data.Wait(func() bool {
		_, val := w.data.Converted(w.split)
		return val >= w.split.Val.N
	})
	if err != nil {
		w.fail(command, "The validation images have not arrived: "+err.Error())
		return false
	}
	return true
}

func (w *Session) activations(m protocol.GetActivations) {
	if !w.needNetwork(protocol.KindGetActivations) || !w.waitVal(protocol.KindGetActivations) {
		return
	}
	if m.Index >= w.split.Val.N {
		w.fail(protocol.KindGetActivations, fmt.Sprintf("There is no validation image %d: the subset has %d.", m.Index, w.split.Val.N))
		return
	}
	x := ops.Matrix(w.split.Val.Row(m.Index), 1, assets.ImagePixels)
	logits, maps := w.trainer.Network().ForwardMaps(x)
	out := protocol.Activations{Index: m.Index, Label: int(w.split.Val.Y[m.Index]), Pred: argmax(logits.Value().Data().F32()), Image: w.rawImage(m.Index, nil), Maps: []protocol.FeatureMaps{}}
	for _, fm := range maps {
		out.Maps = append(out.Maps, protocol.FeatureMaps{H: fm.H, W: fm.W, C: fm.C, Data: fm.Data})
	}
	w.post(out)
}

func (w *Session) predictions(m protocol.GetPredictions) {
	if !w.needNetwork(protocol.KindGetPredictions) || !w.waitVal(protocol.KindGetPredictions) {
		return
	}
	val := w.split.Val
	preds, _ := train.Predict(w.trainer.Network(), val, val.N)
	n := min(m.N, val.N)
	out := protocol.Predictions{N: n, Labels: make([]int, n), Preds: make([]int, n), Confusion: make([]int, model.Classes*model.Classes), Images: []float32{}}
	for i, p := range preds {
		out.Confusion[int(val.Y[i])*model.Classes+int(p)]++
		if i < n {
			out.Labels[i], out.Preds[i] = int(val.Y[i]), int(p)
			out.Images = w.rawImage(i, out.Images)
		}
	}
	w.post(out)
}

func (w *Session) weights() {
	if !w.needNetwork(protocol.KindGetWeights) {
		return
	}
	out := protocol.Weights{Tensors: []protocol.Tensor{}}
	for _, p := range w.trainer.Network().Params() {
		out.Tensors = append(out.Tensors, protocol.Tensor{Name: p.Name, Shape: p.Shape, Data: p.Values()})
	}
	w.post(out)
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

// intField reads an integer field of a form leniently, for echoing ids in
// answers to forms that may be invalid: 0 when absent or not an integer.
func intField(form map[string]any, key string) int {
	x, ok := form[key].(float64)
	if !ok || x != math.Trunc(x) || math.Abs(x) > 1<<31 {
		if i, ok := form[key].(int); ok {
			return i
		}
		return 0
	}
	return int(x)
}

func joinProblems(ps []protocol.Problem) string {
	s := ""
	for i, p := range ps {
		if i > 0 {
			s += " "
		}
		s += p.Message
	}
	return s
}

func nonNil(ps []protocol.Problem) []protocol.Problem {
	if ps == nil {
		return []protocol.Problem{}
	}
	return ps
}
