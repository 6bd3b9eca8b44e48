package weights

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"strings"

	"github.com/nlpodyssey/safetensors"
)

// ErrCorrupt is matched (with errors.Is) by the errors of files that are
// not well-formed safetensors files: empty, truncated, with a damaged
// header, or with bytes that no tensor accounts for.
var ErrCorrupt = errors.New("corrupt safetensors file")

// ErrMismatch is matched (with errors.Is) by the errors of well-formed
// files whose tensors do not fit the network: a missing or extra tensor, a
// wrong shape or dtype, or metadata describing another network.
var ErrMismatch = errors.New("tensors do not fit the network")

// kindError is an error message that matches ErrCorrupt or ErrMismatch.
type kindError struct {
	kind error
	msg  string
}

func (e *kindError) Error() string { return e.msg }
func (e *kindError) Unwrap() error { return e.kind }

func corrupt(format string, args ...any) error {
	return &kindError{ErrCorrupt, fmt.Sprintf(format, args...)}
}

func mismatch(format string, args ...any) error {
	return &kindError{ErrMismatch, fmt.Sprintf(format, args...)}
}

// maxHeader bounds the JSON header, as the safetensors format does.
const maxHeader = 100_000_000

// tensor is one named float32 tensor to be written.
type tensor struct {
	name  string
	shape []int
	data  []float32
}

// encode writes tensors and metadata as a safetensors file.
func encode(w io.Writer, tensors []tensor, meta map[string]string) error {
	views := make(map[string]safetensors.TensorView, len(tensors))
	for _, t := range tensors {
		if _, dup := views[t.name]; dup {
			return fmt.Errorf("two tensors are named %s", t.name)
		}
		shape := make([]uint64, len(t.shape))
		n := 1
		for i, d := range t.shape {
			shape[i] = uint64(d)
			n *= d
		}
		if n != len(t.data) {
			return fmt.Errorf("tensor %s has %d values for shape %v", t.name, len(t.data), t.shape)
		}
		raw := make([]byte, 4*len(t.data))
		for i, v := range t.data {
			binary.LittleEndian.PutUint32(raw[4*i:], math.Float32bits(v))
		}
		v, err := safetensors.NewTensorView(safetensors.F32, shape, raw)
		if err != nil {
			return fmt.Errorf("tensor %s: %w", t.name, err)
		}
		views[t.name] = v
	}
	return safetensors.SerializeToWriter(views, meta, w)
}

// file is a parsed safetensors file whose structure has been checked.
type file struct {
	meta    map[string]string
	tensors map[string]safetensors.TensorView
}

// decode parses a safetensors file, checking its structure so that every
// tensor's bytes lie inside b. Errors match ErrCorrupt.
func decode(b []byte) (*file, error) {
	if len(b) == 0 {
		return nil, corrupt("the file is empty")
	}
	if bytes.HasPrefix(b, []byte("PK\x03\x04")) {
		return nil, corrupt("this is a zip archive, as torch.save writes, not a safetensors file")
	}
	if len(b) < 8 {
		return nil, corrupt("truncated: %d bytes, too short for the 8-byte header length", len(b))
	}
	if b[0] == '{' || b[0] == '[' {
		return nil, corrupt("this is a JSON text file (such as metrics.json), not a safetensors weights file")
	}
	n := binary.LittleEndian.Uint64(b)
	if n > maxHeader || n < 2 {
		return nil, corrupt("not a safetensors file: the first 8 bytes give a header length of %d", n)
	}
	if n > uint64(len(b)-8) {
		return nil, corrupt("truncated: the header is %d bytes but only %d follow its length", n, len(b)-8)
	}
	header := b[8 : 8+n]
	if header[0] != '{' {
		return nil, corrupt("not a safetensors file: the header does not start with a JSON object")
	}
	// A first pass over the offsets tells truncation apart from other
	// damage; the library then checks the header in full.
	var offsets map[string]struct {
		DataOffsets []uint64 `json:"data_offsets"`
	}
	if err := json.Unmarshal(header, &offsets); err != nil {
		return nil, corrupt("damaged header: %v", err)
	}
	var end uint64
	for name, o := range offsets {
		if name != "__metadata__" && len(o.DataOffsets) == 2 {
			end = max(end, o.DataOffsets[1])
		}
	}
	if have := uint64(len(b)) - 8 - n; end > have {
		return nil, corrupt("truncated: the tensors need %d bytes of data but only %d follow the header", end, have)
	} else if end < have {
		return nil, corrupt("damaged: %d bytes follow the last tensor", have-end)
	}
	st, err := safetensors.Deserialize(b)
	if err != nil {
		return nil, corrupt("damaged header: %v", err)
	}
	f := &file{tensors: make(map[string]safetensors.TensorView, st.Len())}
	for _, t := range st.Tensors() {
		f.tensors[t.Name] = t.TensorView
	}
	_, md, _ := safetensors.ReadMetadata(b) // succeeded inside Deserialize
	f.meta = md.Metadata()
	return f, nil
}

// floats returns the values of the tensor called name, which must be F32
// of the given shape. Errors match ErrMismatch.
func (f *file) floats(name string, shape []int, owner string) ([]float32, error) {
	t, ok := f.tensors[name]
	if !ok {
		return nil, mismatch("missing tensor %s, which %s needs with shape %v", name, owner, shape)
	}
	if t.DType() != safetensors.F32 {
		return nil, mismatch("tensor %s is %v, want F32", name, t.DType())
	}
	if !sameShape(t.Shape(), shape) {
		return nil, mismatch("tensor %s has shape %v, %s wants %v", name, t.Shape(), owner, shape)
	}
	raw := t.Data()
	out := make([]float32, len(raw)/4)
	for i := range out {
		out[i] = math.Float32frombits(binary.LittleEndian.Uint32(raw[4*i:]))
	}
	return out, nil
}

// extra returns an error naming the first tensor (in name order) that is
// not in want, or nil.
func (f *file) extra(want map[string]bool, owner string) error {
	var names []string
	for name := range f.tensors {
		if !want[name] {
			names = append(names, name)
		}
	}
	if len(names) == 0 {
		return nil
	}
	slices.Sort(names)
	more := ""
	if len(names) > 1 {
		shown := names[1:min(len(names), 4)]
		list := strings.Join(shown, ", ")
		if len(shown) < len(names)-1 {
			list += ", ..."
		}
		more = fmt.Sprintf(" (and %d more: %s)", len(names)-1, list)
	}
	return mismatch("unexpected tensor %s: %s has no such parameter%s", names[0], owner, more)
}

func sameShape(got []uint64, want []int) bool {
	if len(got) != len(want) {
		return false
	}
	for i := range got {
		if got[i] != uint64(want[i]) {
			return false
		}
	}
	return true
}

// values returns how many values the file's tensors hold in all.
func (f *file) values() int {
	n := 0
	for _, t := range f.tensors {
		n += len(t.Data()) / max(1, int(t.DType().Size()))
	}
	return n
}
