package train

import (
	"errors"
	"fmt"
	"math"
	"slices"

	"fashionlab/assets"
	"fashionlab/model"
)

// State is everything a Trainer needs to continue exactly where it
// stopped, apart from the network's weights and the data: the settings,
// the position, the optimizer with its moments, the log so far and the
// accumulators of the epoch in progress. A Trainer resumed from a State on
// the same weights and data trains bit for bit like one that never
// stopped; only the measured seconds differ.
//
// Optimizer.State is not part of the JSON form; a checkpoint stores it as
// tensors.
type State struct {
	Settings Settings `json:"settings"`
	// Epoch is the number of epochs finished; Step the number of steps
	// finished in the current epoch.
	Epoch int `json:"epoch"`
	Step  int `json:"step"`
	// LastGradNorm is the gradient norm of the last step, which the log
	// reports at the end of the epoch.
	LastGradNorm Metric `json:"last_grad_norm"`
	// EpochZeroGradSteps and EpochSeconds accumulate over the steps of the
	// current epoch for its log line.
	EpochZeroGradSteps int       `json:"epoch_zero_grad_steps"`
	EpochSeconds       Metric    `json:"epoch_seconds"`
	Optimizer          Optimizer `json:"optimizer"`
	History            History   `json:"history"`
}

// Snapshot returns the Trainer's state between two steps. It shares no
// memory with the Trainer, so training can go on while it is saved.
func (t *Trainer) Snapshot() State {
	return State{
		Settings:           t.settings,
		Epoch:              t.epoch,
		Step:               t.step,
		LastGradNorm:       Metric(t.lastNorm),
		EpochZeroGradSteps: t.zeroGrad,
		EpochSeconds:       Metric(t.seconds),
		Optimizer:          t.opt.clone(),
		History:            t.history.clone(),
	}
}

// Resume returns a Trainer that continues from s on net and data. net must
// already hold the weights saved with s, and data must be the split the
// run was started on (same images, same normalization). The state is
// checked against the network and the data first, and copied, so s can be
// reused.
func Resume(net *model.Network, data *assets.Split, s State) (*Trainer, error) {
	if err := s.Settings.Validate(); err != nil {
		return nil, err
	}
	if data == nil || data.Train.N == 0 || data.Val.N == 0 {
		return nil, errors.New("train: the split needs training and validation images")
	}
	if !s.History.Config.Equal(net.Config()) {
		return nil, fmt.Errorf("train: the state is for the network %q, not %q", s.History.Config, net.Config())
	}
	if err := s.Optimizer.check(s.Settings, net.Params()); err != nil {
		return nil, err
	}
	t := &Trainer{net: net, data: data, settings: s.Settings}
	steps := t.StepsPerEpoch()
	maxStep := steps - 1
	if s.History.Diverged != nil {
		maxStep = steps // a divergence on an epoch's last step leaves it unlogged
	}
	switch {
	case s.Epoch < 0 || s.Epoch > s.Settings.Epochs:
		return nil, fmt.Errorf("train: the state has %d epochs finished, outside 0..%d", s.Epoch, s.Settings.Epochs)
	case s.Step < 0 || s.Step > maxStep:
		return nil, fmt.Errorf("train: the state is at step %d of an epoch of %d steps; is this the split it was trained on?", s.Step, steps)
	case s.Epoch == 0 && s.Step == 0 && len(s.History.Epochs) == 0:
		// not started: Start logs epoch 0
	case len(s.History.Epochs) != s.Epoch+1:
		return nil, fmt.Errorf("train: the state has %d epochs finished but %d log lines, want %d", s.Epoch, len(s.History.Epochs), s.Epoch+1)
	}
	if s.EpochZeroGradSteps < 0 || s.EpochZeroGradSteps > s.Step {
		return nil, fmt.Errorf("train: the state counts %d zero-gradient steps in an epoch of %d steps so far", s.EpochZeroGradSteps, s.Step)
	}
	opt := s.Optimizer.clone()
	t.opt = &opt
	t.history = s.History.clone()
	t.epoch, t.step = s.Epoch, s.Step
	t.lastNorm = float64(s.LastGradNorm)
	t.zeroGrad = s.EpochZeroGradSteps
	t.seconds = float64(s.EpochSeconds)
	if math.IsNaN(t.seconds) {
		t.seconds = 0
	}
	if t.step > 0 {
		t.perm = t.permutation(t.epoch + 1)
	}
	return t, nil
}

// check reports whether o can continue training params under settings s.
func (o *Optimizer) check(s Settings, params []*model.Param) error {
	if o.Kind != s.Optimizer {
		return fmt.Errorf("train: the state has a %q optimizer but its settings say %q", o.Kind, s.Optimizer)
	}
	m, err := LookupMethod(o.Kind)
	if err != nil {
		return err
	}
	if o.Steps < 0 {
		return fmt.Errorf("train: the optimizer has taken %d steps", o.Steps)
	}
	slots := m.Slots()
	if len(o.State) != len(slots) {
		return fmt.Errorf("train: the %s optimizer keeps %d state slots, the state has %d", o.Kind, len(slots), len(o.State))
	}
	for s, slot := range o.State {
		if len(slot) != len(params) {
			return fmt.Errorf("train: the optimizer has %s for %d parameters, the network has %d", slots[s], len(slot), len(params))
		}
		for i, p := range params {
			if len(slot[i]) != len(p.Values()) {
				return fmt.Errorf("train: the optimizer has %d %s values for %s, which has %d values", len(slot[i]), slots[s], p.Name, len(p.Values()))
			}
		}
	}
	return nil
}

func (o *Optimizer) clone() Optimizer {
	c := *o
	if o.State != nil {
		c.State = make([][][]float32, len(o.State))
		for s, slot := range o.State {
			c.State[s] = cloneRows(slot)
		}
	}
	return c
}

func cloneRows(rows [][]float32) [][]float32 {
	if rows == nil {
		return nil
	}
	out := make([][]float32, len(rows))
	for i, r := range rows {
		out[i] = slices.Clone(r)
	}
	return out
}

func (h *History) clone() History {
	c := *h
	c.Config = h.Config.Clone()
	c.Epochs = slices.Clone(h.Epochs)
	if h.Test != nil {
		e := *h.Test
		c.Test = &e
	}
	if h.Diverged != nil {
		d := *h.Diverged
		c.Diverged = &d
	}
	return c
}
