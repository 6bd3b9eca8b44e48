package assets

import (
	"bytes"
	"io"
	"reflect"
	"testing"
)

// The fuzz targets check that the readers never panic on any input, and that
// whatever they accept is canonical: writing it back gives exactly the bytes
// that were read.

// checkCanonical reads data with read and, when read accepts it, checks
// that write gives back exactly the bytes read. check, when not nil, checks
// what was read first.
func checkCanonical[T any](t *testing.T, data []byte, read func(io.Reader) (T, error), write func(io.Writer, T) error, check func(T) error) {
	t.Helper()
	r := bytes.NewReader(data)
	v, err := read(r)
	if err != nil {
		return
	}
	if check != nil {
		if err := check(v); err != nil {
			t.Fatalf("the reader returned something inconsistent: %v", err)
		}
	}
	var b bytes.Buffer
	if err := write(&b, v); err != nil {
		t.Fatalf("writing back what the reader accepted: %v", err)
	}
	consumed := len(data) - r.Len()
	if !bytes.Equal(b.Bytes(), data[:consumed]) {
		t.Fatalf("writing back gives %d bytes that differ from the %d read", b.Len(), consumed)
	}
}

func FuzzReadImages(f *testing.F) {
	f.Add(idxImages(f, fakeImages(2, 2, 3)))
	f.Add(idxImages(f, fakeImages(0, 28, 28)))
	f.Add(cat(beUint32(0x803), beUint32(1), beUint32(28)))
	f.Add(cat(beUint32(0x803), beUint32(0xffffffff), beUint32(0xffffffff), beUint32(0xffffffff)))
	f.Fuzz(func(t *testing.T, data []byte) {
		checkCanonical(t, data, ReadImages, WriteImages, func(im *Images) error { return im.check("images") })
	})
}

func FuzzReadLabels(f *testing.F) {
	f.Add(idxLabels(f, []uint8{0, 1, 2, 9}))
	f.Add(idxLabels(f, nil))
	f.Add(cat(beUint32(0x801), beUint32(2), []byte{3, 10}))
	f.Add(cat(beUint32(0x801), beUint32(0xffffffff)))
	f.Fuzz(func(t *testing.T, data []byte) {
		checkCanonical(t, data, ReadLabels, WriteLabels, nil)
	})
}

func FuzzReadSubset(f *testing.F) {
	f.Add(encodeSubset(f, tinySubset()))
	f.Add([]byte("FLSUB2\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		checkCanonical(t, data, ReadSubset, WriteSubset, nil)
	})
}

// FuzzSubsetDecoder checks that a decoder fed a stream in two pieces, cut
// anywhere, agrees with ReadSubset: the same subset, or an error.
func FuzzSubsetDecoder(f *testing.F) {
	f.Add(encodeSubset(f, tinySubset(9)), uint16(30))
	f.Add([]byte("FLSUB2\n"), uint16(3))
	f.Fuzz(func(t *testing.T, data []byte, cut uint16) {
		r := bytes.NewReader(data)
		want, wantErr := ReadSubset(r)
		consumed := data[:len(data)-r.Len()]
		if wantErr != nil {
			consumed = data
		}
		at := min(int(cut), len(consumed))
		d := NewSubsetDecoder()
		_, err := d.Write(consumed[:at])
		if err == nil {
			_, err = d.Write(consumed[at:])
		}
		var got *Subset
		if err == nil {
			got, err = d.Subset()
		}
		switch {
		case wantErr == nil && err != nil:
			t.Fatalf("ReadSubset accepted the stream, the decoder (cut at %d) says %v", at, err)
		case wantErr != nil && err == nil:
			t.Fatalf("ReadSubset says %v, the decoder (cut at %d) accepted the stream", wantErr, at)
		case wantErr == nil && !reflect.DeepEqual(got, want):
			t.Fatalf("the decoder (cut at %d) gives another subset than ReadSubset", at)
		}
	})
}
