package assets

import (
	"bytes"
	"errors"
	"math"
	"reflect"
	"testing"
)

// streamSubset is a subset of fake images and the stream that encodes it.
func streamSubset(t testing.TB, train, val, test int) (*Subset, []byte) {
	t.Helper()
	s := subsetOf(t, fakeRaw(20, 15), train, val, test)
	return s, encodeSubset(t, s)
}

// decoderFed returns a SubsetDecoder that has been written data.
func decoderFed(t *testing.T, data []byte) *SubsetDecoder {
	t.Helper()
	d := NewSubsetDecoder()
	if _, err := d.Write(data); err != nil {
		t.Fatal(err)
	}
	return d
}

func TestDecoderGivesTheSubsetWhateverThePieces(t *testing.T) {
	s, data := streamSubset(t, 12, 2, 3)
	tests := []struct {
		name  string
		piece int
	}{
		{"one byte at a time", 1},
		{"pieces of 7 bytes", 7},
		{"pieces of a thousand bytes", 1000},
		{"all at once", len(data)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := NewSubsetDecoder()
			for from := 0; from < len(data); from += tt.piece {
				if d.Done() {
					t.Fatalf("done after %d of %d bytes", from, len(data))
				}
				if _, err := d.Write(data[from:min(from+tt.piece, len(data))]); err != nil {
					t.Fatalf("at byte %d: %v", from, err)
				}
			}
			if !d.Done() || d.Remaining() != 0 {
				t.Fatalf("Done %v with %d bytes remaining after the whole stream", d.Done(), d.Remaining())
			}
			got, err := d.Subset()
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, s) {
				t.Error("the decoded subset differs from the one written")
			}
		})
	}
}

func TestDecoderCountsImagesAsTheyArrive(t *testing.T) {
	_, data := streamSubset(t, 4, 2, 1)
	h, err := ReadSubsetHeader(data)
	if err != nil {
		t.Fatal(err)
	}
	if want := (SubsetHeader{Train: 4, Val: 2, Test: 1, Rows: 28, Cols: 28}); h != want {
		t.Fatalf("header %+v, want %+v", h, want)
	}
	if h.Size() != int64(len(data)) {
		t.Fatalf("Size %d, stream has %d bytes", h.Size(), len(data))
	}
	tests := []struct {
		name                 string
		upTo                 int64
		train, val, test     int
		stats, labels, whole bool
	}{
		{"the header alone", 27, 0, 0, 0, false, false, false},
		{"statistics and labels", h.PrefixSize(0), 0, 0, 0, true, true, false},
		{"half of the first image", h.PrefixSize(0) + 392, 0, 0, 0, true, true, false},
		{"the first three training images", h.PrefixSize(3), 3, 0, 0, true, true, false},
		{"the training images and one pixel more", h.PrefixSize(4) + 1, 4, 0, 0, true, true, false},
		{"all but the test image", h.PrefixSize(4) + 2*784, 4, 2, 0, true, true, false},
		{"everything", h.Size(), 4, 2, 1, true, true, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := decoderFed(t, data[:tt.upTo])
			tr, val, te := d.Arrived()
			if tr != tt.train || val != tt.val || te != tt.test {
				t.Errorf("Arrived = %d, %d, %d, want %d, %d, %d", tr, val, te, tt.train, tt.val, tt.test)
			}
			if mean, _ := d.Stats(); (mean != nil) != tt.stats {
				t.Errorf("statistics present: %v, want %v", mean != nil, tt.stats)
			}
			if trl, _, _ := d.Labels(); (trl != nil) != tt.labels {
				t.Errorf("labels present: %v, want %v", trl != nil, tt.labels)
			}
			if d.Done() != tt.whole {
				t.Errorf("Done = %v, want %v", d.Done(), tt.whole)
			}
			if d.Remaining() != h.Size()-tt.upTo {
				t.Errorf("Remaining = %d, want %d", d.Remaining(), h.Size()-tt.upTo)
			}
		})
	}
}

func TestDecoderRefusesBytesAfterTheEnd(t *testing.T) {
	var format FormatError
	_, data := streamSubset(t, 2, 1, 0)
	d := NewSubsetDecoder()
	_, err := d.Write(append(data, 0))
	checkError(t, err, &format, "1 bytes follow the end of the subset")
	if _, again := d.Write([]byte{1}); again == nil {
		t.Error("a Write after an error succeeded")
	}
	if _, err := d.Subset(); err == nil {
		t.Error("Subset after an error succeeded")
	}
}

func TestSubsetOfAnIncompleteStreamIsTruncated(t *testing.T) {
	_, data := streamSubset(t, 2, 1, 0)
	d := decoderFed(t, data[:len(data)-5])
	var truncated *TruncatedError
	if _, err := d.Subset(); !errors.As(err, &truncated) {
		t.Errorf("Subset of an incomplete stream: %v, want a TruncatedError", err)
	}
}

func TestSplitStreamMatchesSubsetSplit(t *testing.T) {
	s, data := streamSubset(t, 12, 2, 3)
	h, _ := ReadSubsetHeader(data)
	for _, normalize := range []bool{true, false} {
		want, err := s.Split(SplitOptions{Normalize: normalize})
		if err != nil {
			t.Fatal(err)
		}
		d := decoderFed(t, data[:h.PrefixSize(5)])
		ss, err := NewLimitedSplitStream(d, normalize, 0)
		if err != nil {
			t.Fatal(err)
		}
		if tr, val, te := ss.Converted(); tr != 5 || val != 0 || te != 0 || ss.Complete() {
			t.Fatalf("normalize %v: converted %d, %d, %d (complete %v) of the prefix, want 5, 0, 0", normalize, tr, val, te, ss.Complete())
		}
		got := ss.Split()
		if !sameFloats(got.Train.X[:5*ImagePixels], want.Train.X[:5*ImagePixels]) {
			t.Errorf("normalize %v: the first five training images differ before the rest arrived", normalize)
		}
		for from := h.PrefixSize(5); from < h.Size(); from += 1000 {
			if _, err := d.Write(data[from:min(from+1000, h.Size())]); err != nil {
				t.Fatal(err)
			}
			ss.Update()
		}
		if !ss.Complete() {
			t.Fatalf("normalize %v: not complete after the whole stream", normalize)
		}
		for name, pair := range map[string][2]Set{"train": {got.Train, want.Train}, "val": {got.Val, want.Val}, "test": {got.Test, want.Test}} {
			if pair[0].N != pair[1].N || !sameFloats(pair[0].X, pair[1].X) || !bytes.Equal(pair[0].Y, pair[1].Y) {
				t.Errorf("normalize %v: %s set differs from Subset.Split's", normalize, name)
			}
		}
		if !sameFloats(got.Mean, want.Mean) || !sameFloats(got.Std, want.Std) {
			t.Errorf("normalize %v: Mean/Std differ from Subset.Split's", normalize)
		}
	}
}

func TestSplitStreamNeedsTheLabelsAndTwoImagesToNormalize(t *testing.T) {
	var (
		format FormatError
		option OptionError
	)
	_, data := streamSubset(t, 1, 1, 0)
	d := NewSubsetDecoder()
	d.Write(data[:27])
	_, err := NewLimitedSplitStream(d, false, 0)
	checkError(t, err, &format, "have not arrived")
	d.Write(data[27:])
	_, err = NewLimitedSplitStream(d, true, 0)
	checkError(t, err, &option, "at least 2 training images")
}

// sameFloats compares bit for bit.
func sameFloats(a, b []float32) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if math.Float32bits(a[i]) != math.Float32bits(b[i]) {
			return false
		}
	}
	return true
}

// TestLimitedSplitStream checks that a limited split stream, made when
// some training images have arrived and fed the rest, ends with what
// Subset.Split gives, or refuses as it must.
func TestLimitedSplitStream(t *testing.T) {
	var (
		format FormatError
		option OptionError
	)
	s, data := streamSubset(t, 12, 2, 3)
	h, _ := ReadSubsetHeader(data)
	for _, tc := range []struct {
		name      string
		normalize bool
		limit     int
		prefix    int    // training images written before the stream is made
		target    any    // the error's type, when it must refuse
		want      string // what its error says; "" when it must not refuse
	}{
		{"normalized, limit 5 of 12", true, 5, 5, nil, ""},
		{"normalized, limit 7, more arrived", true, 7, 9, nil, ""},
		{"raw, limit 5, none arrived", false, 5, 0, nil, ""},
		{"normalized, limit 12 is the whole part", true, 12, 0, nil, ""},
		{"normalized, limit 0 means all", true, 0, 3, nil, ""},
		{"statistics of images not arrived", true, 6, 5, &format, "first 6 training images have not arrived"},
		{"a limit beyond the part", false, 13, 12, &option, "exceeds the 12 training images"},
		{"a negative limit", false, -1, 12, &option, "want 0 (all) or more"},
		{"one image cannot be normalized", true, 1, 12, &option, "at least 2 training images"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := decoderFed(t, data[:h.PrefixSize(tc.prefix)])
			ss, err := NewLimitedSplitStream(d, tc.normalize, tc.limit)
			if tc.want != "" {
				checkError(t, err, tc.target, tc.want)
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			for from := h.PrefixSize(tc.prefix); from < h.Size(); from += 700 {
				if _, err := d.Write(data[from:min(from+700, h.Size())]); err != nil {
					t.Fatal(err)
				}
				ss.Update()
			}
			if !ss.Complete() {
				t.Fatalf("not complete after the whole stream: converted %v", ss.done)
			}
			want, err := s.Split(SplitOptions{Normalize: tc.normalize, TrainLimit: tc.limit})
			if err != nil {
				t.Fatal(err)
			}
			got := ss.Split()
			for name, pair := range map[string][2]Set{"train": {got.Train, want.Train}, "val": {got.Val, want.Val}, "test": {got.Test, want.Test}} {
				if pair[0].N != pair[1].N || !sameFloats(pair[0].X, pair[1].X) || !bytes.Equal(pair[0].Y, pair[1].Y) {
					t.Errorf("%s set differs from Subset.Split's (%d images, want %d)", name, pair[0].N, pair[1].N)
				}
			}
			if !sameFloats(got.Mean, want.Mean) || !sameFloats(got.Std, want.Std) {
				t.Error("Mean/Std differ from Subset.Split's")
			}
		})
	}
}
