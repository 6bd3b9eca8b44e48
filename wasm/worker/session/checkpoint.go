package session

import (
	"bytes"
	"time"

	"fashionlab/model/weights"
	"fashionlab/wasm/protocol"
)

// position is where a run stood when its last checkpoint was sent.
type position struct{ run, epoch, step int }

// checkpoint sends the run's checkpoint file unless one at the same
// position was sent already. A file that cannot be written becomes an
// error event; the run trains on.
func (w *Session) checkpoint() {
	if w.trainer == nil {
		return
	}
	epoch, step := w.trainer.Position()
	at := position{w.run, epoch, step}
	if w.saved == at {
		return
	}
	var b bytes.Buffer
	if err := weights.NewCheckpoint(w.trainer).Save(&b); err != nil {
		w.post(protocol.Error{Event: protocol.KindCheckpoint, Run: w.run, Message: "The run's checkpoint could not be written, so it cannot be continued after a reload: " + plain(err)})
		return
	}
	w.saved, w.savedAt = at, time.Now()
	w.post(protocol.Checkpoint{Run: w.run, Epoch: epoch, Step: step, Done: w.trainer.Done(), Data: b.Bytes()})
}

// loadCheckpoint restores a run from a checkpoint file: it continues
// training when m.Train says so and the run is not finished, and otherwise
// holds its network. A file that cannot be used gets an error event, and
// what the worker held before stays.
func (w *Session) loadCheckpoint(m protocol.LoadCheckpoint) {
	fail := func(why string) {
		w.post(protocol.Error{Command: protocol.KindLoadCheckpoint, Run: m.Run, Message: "The saved run could not be restored: " + why})
	}
	c, err := weights.LoadCheckpoint(bytes.NewReader(m.Data))
	if err != nil {
		fail(plain(err))
		return
	}
	split, err := w.prepare(c.Settings)
	if err != nil {
		fail(err.Error())
		return
	}
	t, err := c.Resume(split, w.pool)
	if err != nil {
		fail(plain(err))
		return
	}
	t.SetShards(w.shards)
	if w.running || w.paused {
		w.end(protocol.ReasonStopped, "replaced by a saved run")
	}
	epoch, step := t.Position()
	w.run, w.trainer, w.split, w.settings = m.Run, t, split, c.Settings
	w.steps, w.maxSteps = epoch*t.StepsPerEpoch()+step, m.MaxSteps
	w.epochZero = nil
	w.saved, w.savedAt = position{m.Run, epoch, step}, time.Now()
	w.resetBatch()
	training := m.Train && !w.finished()
	net := t.Network()
	w.post(protocol.Restored{Run: m.Run, Epoch: epoch, Step: step, Steps: w.steps, StepsPerEpoch: t.StepsPerEpoch(), Epochs: c.Settings.Epochs, Params: net.NumParams(), Layers: layerLines(net), Training: training})
	if training {
		w.running = true
		w.lastFlush = time.Now()
		w.post(protocol.State{Run: m.Run, State: protocol.StateRunning})
	}
}
