package weights

import (
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"os"

	"fashionlab/model"
	"fashionlab/model/parallel"
)

// Metadata keys that this package writes.
const (
	// ConfigKey holds the network's model.Config as JSON.
	ConfigKey = "fashionlab.config"
	// SettingsKey holds the train.Settings the weights were trained with,
	// as JSON, when the writer knows them (the native trainer and the page
	// write it): its normalization and training limit say how inputs must
	// be prepared for the weights.
	SettingsKey = "fashionlab.settings"
	// FormatKey is "pt", as PyTorch's safetensors helpers write it.
	FormatKey = "format"
)

// Save writes net's parameters to w as a safetensors file: one F32 tensor
// per parameter, with its nn.Sequential name and PyTorch shape, and meta
// plus the network's configuration under ConfigKey as metadata. meta may
// be nil; it must not use ConfigKey.
func Save(w io.Writer, net *model.Network, meta map[string]string) error {
	if err := save(w, net, meta); err != nil {
		return fmt.Errorf("weights: %w", err)
	}
	return nil
}

func save(w io.Writer, net *model.Network, meta map[string]string) error {
	md, err := networkMetadata(net, meta)
	if err != nil {
		return err
	}
	return encode(w, paramTensors(net, ""), md)
}

// networkMetadata returns meta with the network's configuration added.
func networkMetadata(net *model.Network, meta map[string]string) (map[string]string, error) {
	if _, ok := meta[ConfigKey]; ok {
		return nil, fmt.Errorf("metadata key %s is reserved for the network configuration", ConfigKey)
	}
	cfg, err := json.Marshal(net.Config())
	if err != nil {
		return nil, fmt.Errorf("network configuration: %w", err)
	}
	md := maps.Clone(meta)
	if md == nil {
		md = map[string]string{}
	}
	md[ConfigKey] = string(cfg)
	if _, ok := md[FormatKey]; !ok {
		md[FormatKey] = "pt"
	}
	return md, nil
}

// paramTensors returns the network's parameters (sharing their memory)
// named prefix+name.
func paramTensors(net *model.Network, prefix string) []tensor {
	var out []tensor
	for _, p := range net.Params() {
		out = append(out, tensor{name: prefix + p.Name, shape: p.Shape, data: p.Values()})
	}
	return out
}

// WriteFile saves net to path as Save does, atomically: the file is
// written under a temporary name in the same directory, synced and then
// renamed, so path holds either its old content or the complete new file.
func WriteFile(path string, net *model.Network, meta map[string]string) error {
	err := writeAtomic(path, func(w io.Writer) error { return save(w, net, meta) })
	if err != nil {
		return fmt.Errorf("weights: %s: %w", path, err)
	}
	return nil
}

// Load reads a safetensors file from r into net's parameters. The file
// must hold exactly one F32 tensor per parameter, named and shaped as in
// PyTorch; if its metadata carries a configuration (ConfigKey), it must be
// net's. Everything is checked before any parameter is changed, so on
// error net is left as it was. Errors match ErrCorrupt or ErrMismatch.
func Load(r io.Reader, net *model.Network) error {
	b, err := io.ReadAll(r)
	if err != nil {
		return fmt.Errorf("weights: %w", err)
	}
	if err := load(b, net); err != nil {
		return fmt.Errorf("weights: %w", err)
	}
	return nil
}

// ReadFile loads the safetensors file at path into net as Load does.
func ReadFile(path string, net *model.Network) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("weights: %w", err)
	}
	if err := load(b, net); err != nil {
		return fmt.Errorf("weights: %s: %w", path, err)
	}
	return nil
}

func load(b []byte, net *model.Network) error {
	f, err := decode(b)
	if err != nil {
		return err
	}
	return f.load(net)
}

// load copies the file's tensors into net once they all check out.
func (f *file) load(net *model.Network) error {
	if _, ok := f.meta[StateKey]; ok {
		return mismatch("this is a training checkpoint, not a weights file; read it with ReadCheckpoint")
	}
	cfg, hasConfig, err := f.config()
	if err != nil {
		return err
	}
	other := hasConfig && !cfg.Equal(net.Config())
	values, err := f.params(net, "")
	if err == nil {
		err = f.extra(names(net, ""), "the network")
	}
	if err != nil {
		if other {
			return mismatch("%v (the file holds a %q network, this one is %q)", err, cfg, net.Config())
		}
		return err
	}
	if other {
		return mismatch("the file holds a %q network, this one is %q", cfg, net.Config())
	}
	for i, p := range net.Params() {
		copy(p.Values(), values[i])
	}
	return nil
}

// params returns the values of net's parameters found under prefix, in
// net.Params order.
func (f *file) params(net *model.Network, prefix string) ([][]float32, error) {
	var out [][]float32
	for _, p := range net.Params() {
		v, err := f.floats(prefix+p.Name, p.Shape, "the network")
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, nil
}

// names returns the set of net's parameter names under prefix.
func names(net *model.Network, prefix string) map[string]bool {
	m := map[string]bool{}
	for _, p := range net.Params() {
		m[prefix+p.Name] = true
	}
	return m
}

// config returns the configuration in the metadata, and whether there is
// one.
func (f *file) config() (model.Config, bool, error) {
	s, ok := f.meta[ConfigKey]
	if !ok {
		return model.Config{}, false, nil
	}
	var cfg model.Config
	if err := json.Unmarshal([]byte(s), &cfg); err != nil {
		return model.Config{}, true, corrupt("metadata %s is not a network configuration: %v", ConfigKey, err)
	}
	if err := cfg.Validate(); err != nil {
		return model.Config{}, true, corrupt("metadata %s: %v", ConfigKey, err)
	}
	return cfg, true, nil
}

// requireConfig is config for files that must carry one.
func (f *file) requireConfig() (model.Config, error) {
	cfg, ok, err := f.config()
	if err != nil {
		return model.Config{}, err
	}
	if !ok {
		return model.Config{}, mismatch("the metadata has no %s, so the network is unknown", ConfigKey)
	}
	return cfg, nil
}

// ReadConfig returns the network configuration stored in the metadata of
// the safetensors file at path, from which model.New rebuilds the network
// that ReadFile then fills.
func ReadConfig(path string) (model.Config, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return model.Config{}, fmt.Errorf("weights: %w", err)
	}
	cfg, _, err := header(b)
	if err != nil {
		return model.Config{}, fmt.Errorf("weights: %s: %w", path, err)
	}
	return cfg, nil
}

// DecodeHeader reads a safetensors file from r and returns the network
// configuration and all the metadata (ConfigKey included).
func DecodeHeader(r io.Reader) (model.Config, map[string]string, error) {
	b, err := io.ReadAll(r)
	if err != nil {
		return model.Config{}, nil, fmt.Errorf("weights: %w", err)
	}
	cfg, meta, err := header(b)
	if err != nil {
		return model.Config{}, nil, fmt.Errorf("weights: %w", err)
	}
	return cfg, meta, nil
}

func header(b []byte) (model.Config, map[string]string, error) {
	f, err := decode(b)
	if err != nil {
		return model.Config{}, nil, err
	}
	cfg, err := f.requireConfig()
	if err != nil {
		return model.Config{}, nil, err
	}
	return cfg, maps.Clone(f.meta), nil
}

// NewNetwork reads a safetensors file from r and returns the network it
// describes, with its weights, and the file's metadata. pool runs the
// network's parallel passes.
func NewNetwork(r io.Reader, pool *parallel.Pool) (*model.Network, map[string]string, error) {
	b, err := io.ReadAll(r)
	if err != nil {
		return nil, nil, fmt.Errorf("weights: %w", err)
	}
	net, meta, err := newNetwork(b, pool)
	if err != nil {
		return nil, nil, fmt.Errorf("weights: %w", err)
	}
	return net, meta, nil
}

// ReadNetwork is NewNetwork for the file at path.
func ReadNetwork(path string, pool *parallel.Pool) (*model.Network, map[string]string, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, nil, fmt.Errorf("weights: %w", err)
	}
	net, meta, err := newNetwork(b, pool)
	if err != nil {
		return nil, nil, fmt.Errorf("weights: %s: %w", path, err)
	}
	return net, meta, nil
}

func newNetwork(b []byte, pool *parallel.Pool) (*model.Network, map[string]string, error) {
	f, err := decode(b)
	if err != nil {
		return nil, nil, err
	}
	cfg, err := f.requireConfig()
	if err != nil {
		return nil, nil, err
	}
	// Count before building: a configuration far larger than the file's
	// tensors must not allocate its network.
	want, err := cfg.ParamCount()
	if err != nil {
		return nil, nil, corrupt("metadata %s: %v", ConfigKey, err)
	}
	if have := f.values(); want > have {
		return nil, nil, mismatch("the file's %q network has %d parameters, but its tensors hold %d values", cfg, want, have)
	}
	net, err := model.New(cfg, 0, pool)
	if err != nil {
		return nil, nil, err
	}
	if err := f.load(net); err != nil {
		return nil, nil, err
	}
	return net, maps.Clone(f.meta), nil
}
