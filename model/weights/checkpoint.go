package weights

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"slices"

	"fashionlab/assets"
	"fashionlab/model"
	"fashionlab/model/parallel"
	"fashionlab/model/train"
)

// Tensor prefixes and metadata key of a checkpoint file.
const (
	ParamPrefix = "param/" // the network's parameters
	// StateKey holds the training state (train.State without the
	// optimizer's moments) as JSON.
	StateKey = "fashionlab.state"
)

// checkpointVersion is the layout of the state JSON; it changes when old
// checkpoints can no longer be resumed.
const checkpointVersion = 1

// Checkpoint is a training run stopped between two steps: the network's
// configuration and weights, and the trainer's state (settings, position,
// history, optimizer with its moments, and the accumulators of the epoch
// in progress). Resume continues it bit for bit.
type Checkpoint struct {
	Config model.Config
	train.State
	// Weights are the network's parameters in nn.Sequential order.
	Weights []Tensor
}

// Tensor is a named float32 tensor in PyTorch's row-major layout.
type Tensor struct {
	Name  string
	Shape []int
	Data  []float32
}

// NewCheckpoint captures t between two steps. The checkpoint shares no
// memory with t.
func NewCheckpoint(t *train.Trainer) *Checkpoint {
	net := t.Network()
	c := &Checkpoint{Config: net.Config(), State: t.Snapshot()}
	for _, p := range net.Params() {
		c.Weights = append(c.Weights, Tensor{Name: p.Name, Shape: slices.Clone(p.Shape), Data: slices.Clone(p.Values())})
	}
	return c
}

// stateJSON is the metadata under StateKey.
type stateJSON struct {
	Version int `json:"version"`
	train.State
}

// Save writes c to w as one safetensors file: the weights under
// ParamPrefix, each state slot of the optimizer under its slot's name and
// a slash ("adam_m/", "adam_v/" for Adam, "momentum/" for SGD: see
// train.Method), the configuration under ConfigKey and the rest of the
// state under StateKey.
func (c *Checkpoint) Save(w io.Writer) error {
	if err := c.save(w); err != nil {
		return fmt.Errorf("weights: checkpoint: %w", err)
	}
	return nil
}

func (c *Checkpoint) save(w io.Writer) error {
	cfg, err := json.Marshal(c.Config)
	if err != nil {
		return err
	}
	state, err := json.Marshal(stateJSON{Version: checkpointVersion, State: c.State})
	if err != nil {
		return err
	}
	prefixes, err := slotPrefixes(c.Optimizer.Kind)
	if err != nil {
		return err
	}
	if len(c.Optimizer.State) != len(prefixes) {
		return fmt.Errorf("the %s optimizer has %d state slots, want %d", c.Optimizer.Kind, len(c.Optimizer.State), len(prefixes))
	}
	var ts []tensor
	for _, t := range c.Weights {
		ts = append(ts, tensor{name: ParamPrefix + t.Name, shape: t.Shape, data: t.Data})
	}
	for i, prefix := range prefixes {
		moments := c.Optimizer.State[i]
		if len(moments) != len(c.Weights) {
			return fmt.Errorf("the optimizer has %d %s tensors for %d weights", len(moments), prefix, len(c.Weights))
		}
		for j, t := range c.Weights {
			ts = append(ts, tensor{name: prefix + t.Name, shape: t.Shape, data: moments[j]})
		}
	}
	return encode(w, ts, map[string]string{ConfigKey: string(cfg), StateKey: string(state)})
}

// slotPrefixes returns the tensor prefixes of the state slots of the
// optimizer kind, in the order of Optimizer.State.
func slotPrefixes(kind string) ([]string, error) {
	m, err := train.LookupMethod(kind)
	if err != nil {
		return nil, err
	}
	var prefixes []string
	for _, slot := range m.Slots() {
		prefixes = append(prefixes, slot+"/")
	}
	return prefixes, nil
}

// WriteFile saves c to path atomically, as the package's WriteFile does.
func (c *Checkpoint) WriteFile(path string) error {
	if err := writeAtomic(path, c.save); err != nil {
		return fmt.Errorf("weights: %s: %w", path, err)
	}
	return nil
}

// LoadCheckpoint reads a checkpoint from r. Its tensors are checked
// against the network its configuration describes. Errors match
// ErrCorrupt or ErrMismatch.
func LoadCheckpoint(r io.Reader) (*Checkpoint, error) {
	b, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("weights: checkpoint: %w", err)
	}
	c, err := decodeCheckpoint(b)
	if err != nil {
		return nil, fmt.Errorf("weights: checkpoint: %w", err)
	}
	return c, nil
}

// ReadCheckpoint reads the checkpoint file at path as LoadCheckpoint does.
func ReadCheckpoint(path string) (*Checkpoint, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("weights: %w", err)
	}
	c, err := decodeCheckpoint(b)
	if err != nil {
		return nil, fmt.Errorf("weights: %s: %w", path, err)
	}
	return c, nil
}

func decodeCheckpoint(b []byte) (*Checkpoint, error) {
	f, err := decode(b)
	if err != nil {
		return nil, err
	}
	cfg, err := f.requireConfig()
	if err != nil {
		return nil, err
	}
	raw, ok := f.meta[StateKey]
	if !ok {
		return nil, mismatch("the metadata has no %s: a weights file, not a checkpoint", StateKey)
	}
	var s stateJSON
	if err := json.Unmarshal([]byte(raw), &s); err != nil {
		return nil, corrupt("metadata %s is not a training state: %v", StateKey, err)
	}
	if s.Version != checkpointVersion {
		return nil, mismatch("checkpoint version %d, this program reads version %d", s.Version, checkpointVersion)
	}
	prefixes, err := slotPrefixes(s.Optimizer.Kind)
	if err != nil {
		return nil, corrupt("metadata %s: %v", StateKey, err)
	}
	// The network the configuration describes gives the expected names
	// and shapes; its initial values are not used.
	net, err := model.New(cfg, 0, nil)
	if err != nil {
		return nil, corrupt("metadata %s: %v", ConfigKey, err)
	}
	c := &Checkpoint{Config: cfg, State: s.State}
	values, err := f.params(net, ParamPrefix)
	if err != nil {
		return nil, err
	}
	for i, p := range net.Params() {
		c.Weights = append(c.Weights, Tensor{Name: p.Name, Shape: slices.Clone(p.Shape), Data: values[i]})
	}
	want := names(net, ParamPrefix)
	c.Optimizer.State = nil
	for _, prefix := range prefixes {
		moments, err := f.params(net, prefix)
		if err != nil {
			return nil, err
		}
		c.Optimizer.State = append(c.Optimizer.State, moments)
		for name := range names(net, prefix) {
			want[name] = true
		}
	}
	if err := f.extra(want, "the checkpoint's network"); err != nil {
		return nil, err
	}
	return c, nil
}

// Restore copies the checkpoint's weights into net, which must have the
// checkpoint's configuration. net is unchanged on error.
func (c *Checkpoint) Restore(net *model.Network) error {
	if !c.Config.Equal(net.Config()) {
		return fmt.Errorf("weights: the checkpoint holds a %q network, this one is %q", c.Config, net.Config())
	}
	params := net.Params()
	if len(c.Weights) != len(params) {
		return fmt.Errorf("weights: the checkpoint has %d weight tensors, the network %d parameters", len(c.Weights), len(params))
	}
	for i, p := range params {
		t := c.Weights[i]
		if t.Name != p.Name || !slices.Equal(t.Shape, p.Shape) || len(t.Data) != len(p.Values()) {
			return fmt.Errorf("weights: checkpoint tensor %s %v does not fit parameter %s %v", t.Name, t.Shape, p.Name, p.Shape)
		}
	}
	for i, p := range params {
		copy(p.Values(), c.Weights[i].Data)
	}
	return nil
}

// Network builds the checkpoint's network with its weights; pool runs its
// parallel passes.
func (c *Checkpoint) Network(pool *parallel.Pool) (*model.Network, error) {
	net, err := model.New(c.Config, 0, pool)
	if err != nil {
		return nil, fmt.Errorf("weights: checkpoint: %w", err)
	}
	if err := c.Restore(net); err != nil {
		return nil, err
	}
	return net, nil
}

// Resume rebuilds the network and returns a Trainer that continues the run
// on data, which must be the split the run was started on.
func (c *Checkpoint) Resume(data *assets.Split, pool *parallel.Pool) (*train.Trainer, error) {
	net, err := c.Network(pool)
	if err != nil {
		return nil, err
	}
	t, err := train.Resume(net, data, c.State)
	if err != nil {
		return nil, fmt.Errorf("weights: checkpoint: %w", err)
	}
	return t, nil
}
