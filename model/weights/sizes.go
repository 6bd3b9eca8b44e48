package weights

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"os"
	"slices"
	"strings"

	"fashionlab/model"
	"fashionlab/model/checked"
)

// fits checks, before anything is built from cfg, that the network it
// describes could be filled from the file's own tensors copies times over
// (the weights, and in a checkpoint the optimizer's moments as well): each
// layer's width against the values the file holds, then its parameter
// count, counted without overflow, against those values. A file cannot make its reader allocate
// more than it holds itself.
func (f *file) fits(cfg model.Config, copies int) error {
	have := f.values()
	for _, w := range slices.Concat(cfg.Channels, cfg.Hidden) {
		if w > have {
			return mismatch("the file's network has a layer of width %d, but its tensors hold only %d values", w, have)
		}
	}
	want, err := cfg.ParamCount()
	if err != nil {
		return corrupt("metadata %s: %v", ConfigKey, err)
	}
	if total, ok := checked.Mul(want, copies); !ok || total > have {
		return mismatch("the file's %q network has %d parameters, but its tensors hold %d values", cfg, want, have)
	}
	return nil
}

// configLayers bounds the layers of a configuration read from a file
// before anything walks them.
func configLayers(cfg model.Config) error {
	if n := len(cfg.Channels) + len(cfg.Kernels) + len(cfg.Strides) + len(cfg.Paddings) + len(cfg.Hidden); n > 5*MaxLayers {
		return corrupt("metadata %s lists %d layer sizes; a network of this program has at most %d layers", ConfigKey, n, MaxLayers)
	}
	if n := len(cfg.Channels) + len(cfg.Hidden); n > MaxLayers {
		return corrupt("metadata %s has %d layers; a network of this program has at most %d", ConfigKey, n, MaxLayers)
	}
	return nil
}

// Header is what a weights file or checkpoint says about itself, read
// without its tensor data: enough to check the network against a memory
// budget before reading or building anything large.
type Header struct {
	// Config is the network's configuration (ConfigKey), validated.
	Config model.Config
	// Params is the configuration's parameter count.
	Params int
	// Meta is the file's metadata, ConfigKey included.
	Meta map[string]string
	// Size is the file's size in bytes.
	Size int64
}

// ReadHeader reads the header of the safetensors file at path: its
// metadata and network configuration. Only the header is read; the
// configuration's parameters must fit in the file's data (4 bytes each),
// so a small file cannot claim a huge network. Errors match ErrCorrupt or
// ErrMismatch, or come from the file system.
func ReadHeader(path string) (Header, error) {
	fh, err := os.Open(path)
	if err != nil {
		return Header{}, fmt.Errorf("weights: %w", err)
	}
	defer fh.Close()
	h, err := readHeader(fh)
	if err != nil {
		return Header{}, fmt.Errorf("weights: %s: %w", path, err)
	}
	return h, nil
}

func readHeader(fh *os.File) (Header, error) {
	st, err := fh.Stat()
	if err != nil {
		return Header{}, err
	}
	if !st.Mode().IsRegular() {
		return Header{}, corrupt("not a regular file")
	}
	size := st.Size()
	var lenBytes [8]byte
	if _, err := io.ReadFull(fh, lenBytes[:]); err != nil {
		if size == 0 {
			return Header{}, corrupt("the file is empty")
		}
		return Header{}, corrupt("truncated: %d bytes, too short for the 8-byte header length", size)
	}
	n := binary.LittleEndian.Uint64(lenBytes[:])
	if n > maxHeader || n < 2 {
		return Header{}, corrupt("not a safetensors file: the first 8 bytes give a header length of %d", n)
	}
	if n > uint64(size-8) {
		return Header{}, corrupt("truncated: the header is %d bytes but only %d follow its length", n, size-8)
	}
	header := make([]byte, n)
	if _, err := io.ReadFull(fh, header); err != nil {
		return Header{}, err
	}
	if header[0] != '{' {
		return Header{}, corrupt("not a safetensors file: the header does not start with a JSON object")
	}
	end, err := dataEnd(header)
	if err != nil {
		return Header{}, err
	}
	if have := uint64(size) - 8 - n; end > have {
		return Header{}, corrupt("truncated: the tensors need %d bytes of data but only %d follow the header", end, have)
	} else if end < have {
		return Header{}, corrupt("damaged: %d bytes follow the last tensor", have-end)
	}
	var md struct {
		Meta map[string]string `json:"__metadata__"`
	}
	if err := json.Unmarshal(header, &md); err != nil {
		return Header{}, corrupt("damaged header: %v", err)
	}
	f := &file{meta: md.Meta}
	cfg, err := f.requireConfig()
	if err != nil {
		return Header{}, err
	}
	params, err := cfg.ParamCount()
	if err != nil {
		return Header{}, corrupt("metadata %s: %v", ConfigKey, err)
	}
	if data := int64(size) - 8 - int64(n); int64(params) > data/4 {
		return Header{}, mismatch("the file's %q network has %d parameters, but the file holds only %d bytes of tensor data", cfg, params, data)
	}
	return Header{Config: cfg, Params: params, Meta: md.Meta, Size: size}, nil
}

// ChecksumKey holds a checkpoint's SHA-256 of its tensors (names, shapes
// and data, in name order), in hex, so that a damaged byte is found
// before training resumes from it.
const ChecksumKey = "fashionlab.sha256"

// tensorsDigest hashes n tensors given in name order: each one's name,
// dtype, shape and raw little-endian data.
func tensorsDigest(n int, at func(i int) (name, dtype string, shape []uint64, data []byte)) string {
	h := sha256.New()
	var buf [8]byte
	word := func(x uint64) {
		binary.LittleEndian.PutUint64(buf[:], x)
		h.Write(buf[:])
	}
	for i := range n {
		name, dtype, shape, data := at(i)
		word(uint64(len(name)))
		io.WriteString(h, name)
		word(uint64(len(dtype)))
		io.WriteString(h, dtype)
		word(uint64(len(shape)))
		for _, d := range shape {
			word(d)
		}
		word(uint64(len(data)))
		h.Write(data)
	}
	return hex.EncodeToString(h.Sum(nil))
}

// checksumOf returns the checksum of tensors to be written.
func checksumOf(ts []tensor) string {
	sorted := slices.Clone(ts)
	slices.SortFunc(sorted, func(a, b tensor) int { return strings.Compare(a.name, b.name) })
	return tensorsDigest(len(sorted), func(i int) (string, string, []uint64, []byte) {
		t := sorted[i]
		shape := make([]uint64, len(t.shape))
		for j, d := range t.shape {
			shape[j] = uint64(d)
		}
		raw := make([]byte, 4*len(t.data))
		for j, v := range t.data {
			binary.LittleEndian.PutUint32(raw[4*j:], math.Float32bits(v))
		}
		return t.name, "F32", shape, raw
	})
}

// checksum returns the checksum of a decoded file's tensors.
func (f *file) checksum() string {
	names := make([]string, 0, len(f.tensors))
	for name := range f.tensors {
		names = append(names, name)
	}
	slices.Sort(names)
	return tensorsDigest(len(names), func(i int) (string, string, []uint64, []byte) {
		t := f.tensors[names[i]]
		return names[i], t.DType().String(), t.Shape(), t.Data()
	})
}
