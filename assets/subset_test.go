package assets

import (
	"bytes"
	"encoding/binary"
	"math"
	"reflect"
	"testing"
)

// encodeSubset writes s and returns the bytes.
func encodeSubset(t testing.TB, s *Subset) []byte {
	t.Helper()
	return encoded(t, WriteSubset, s)
}

func TestSubsetRoundTrip(t *testing.T) {
	r := fakeRaw(20, 15)
	tests := []struct {
		name            string
		train, val, tst int
	}{
		{"a subset of every part", 12, 2, 3},
		{"the whole data set", 20, 5, 10},
		{"empty parts", 0, 0, 0},
		{"only training images", 7, 0, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := r.Subset(tt.train, tt.val, tt.tst)
			if err != nil {
				t.Fatal(err)
			}
			data := encodeSubset(t, s)
			n := tt.train + tt.val + tt.tst
			if want := 27 + 16*ImagePixels + (n+1)/2 + n*ImagePixels; len(data) != want {
				t.Errorf("encoded %d bytes, want %d", len(data), want)
			}
			got, err := ReadSubset(bytes.NewReader(data))
			if err != nil {
				t.Fatalf("ReadSubset: %v", err)
			}
			if !reflect.DeepEqual(got, s) {
				t.Errorf("ReadSubset returned a different subset than was written")
			}
		})
	}
}

func TestSubsetLayoutIsAsDocumented(t *testing.T) {
	s := &Subset{
		Train: &Images{N: 2, Rows: 1, Cols: 2, Pixels: []uint8{1, 2, 3, 6}}, TrainLabels: []uint8{7, 8},
		Val: &Images{N: 1, Rows: 1, Cols: 2, Pixels: []uint8{5, 6}}, ValLabels: []uint8{9},
		Test: &Images{N: 0, Rows: 1, Cols: 2, Pixels: []uint8{}}, TestLabels: []uint8{},
	}
	want := []byte("FLSUB2\n")
	for _, v := range []uint32{2, 1, 0, 1, 2} {
		want = binary.LittleEndian.AppendUint32(want, v)
	}
	// Means of the two training images (1 and 3, 2 and 6), then unbiased
	// standard deviations: sqrt(2) and sqrt(8).
	for _, v := range []float64{2, 4, math.Sqrt(2), math.Sqrt(8)} {
		want = binary.LittleEndian.AppendUint64(want, math.Float64bits(v))
	}
	want = append(want, 7|8<<4, 9)        // labels, two a byte
	want = append(want, 1, 2, 3, 6, 5, 6) // pixels
	if got := encodeSubset(t, s); !bytes.Equal(got, want) {
		t.Errorf("WriteSubset wrote\n%q\nwant\n%q", got, want)
	}
}

func TestSubsetTakesTheDocumentedImages(t *testing.T) {
	r := fakeRaw(20, 15)
	s := subsetOf(t, r, 4, 3, 5)
	checks := []struct {
		name      string
		got, want []uint8
	}{
		{"train pixels are the first training images", s.Train.Pixels, r.TrainImages.Pixels[:4*ImagePixels]},
		{"train labels are the first training labels", s.TrainLabels, r.TrainLabels[:4]},
		{"val pixels are the first test images", s.Val.Pixels, r.TestImages.Pixels[:3*ImagePixels]},
		{"val labels are the first test labels", s.ValLabels, r.TestLabels[:3]},
		{"test pixels are the next test images", s.Test.Pixels, r.TestImages.Pixels[3*ImagePixels : 8*ImagePixels]},
		{"test labels are the next test labels", s.TestLabels, r.TestLabels[3:8]},
	}
	for _, c := range checks {
		if !bytes.Equal(c.got, c.want) {
			t.Errorf("%s: they are not", c.name)
		}
	}
	s.Train.Pixels[0]++
	s.ValLabels[0]++
	if s.Train.Pixels[0] == r.TrainImages.Pixels[0] || s.ValLabels[0] == r.TestLabels[0] {
		t.Errorf("the subset shares memory with the data set")
	}
}

func TestSubsetRejectsSizesBeyondTheData(t *testing.T) {
	var option OptionError
	r := fakeRaw(20, 15)
	tests := []struct {
		name            string
		train, val, tst int
		wantMsg         string
	}{
		{"a negative size", 1, -1, 1, "must not be negative"},
		{"more training images than exist", 21, 1, 1, "21 training images exceeds the 20 available"},
		{"more held-out images than test images", 1, 10, 6, "10 validation and 6 test images exceeds the 15 test images"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := r.Subset(tt.train, tt.val, tt.tst)
			checkError(t, err, &option, tt.wantMsg)
		})
	}
}

func TestReadSubsetRejectsBadStreams(t *testing.T) {
	var (
		format    FormatError
		truncated *TruncatedError
	)
	good := encodeSubset(t, &Subset{
		Train: fakeImages(2, 28, 28), TrainLabels: []uint8{1, 2},
		Val: fakeImages(1, 28, 28), ValLabels: []uint8{3},
		Test: fakeImages(1, 28, 28), TestLabels: []uint8{4},
	})
	header := func(v ...uint32) []byte {
		b := []byte("FLSUB2\n")
		for _, x := range v {
			b = binary.LittleEndian.AppendUint32(b, x)
		}
		return b
	}
	const stats, labels = 16 * ImagePixels, 2 // section sizes of good
	pixels := 27 + stats + labels
	badLabel := append([]byte(nil), good...)
	badLabel[27+stats] = 12 // the first training label
	badPadding := encodeSubset(t, &Subset{
		Train: fakeImages(2, 28, 28), TrainLabels: []uint8{1, 2},
		Val: fakeImages(1, 28, 28), ValLabels: []uint8{3},
		Test: fakeImages(0, 28, 28), TestLabels: []uint8{},
	})
	badPadding[27+stats+1] |= 0x50
	badStats := append([]byte(nil), good...)
	badStats[27+100] ^= 1
	zeroStd := append([]byte(nil), good...)
	copy(zeroStd[27+8*ImagePixels:], make([]byte, 8))
	tests := []errorCase{
		{"an empty stream is a truncated header", nil, &truncated, "the header needs 27 bytes but data ends after 0"},
		{"the previous format", append([]byte("FLSUB1\n"), good[7:]...), &format, `wrong magic "FLSUB1\n", want "FLSUB2\n"`},
		{"an idx file", idxImages(t, fakeImages(1, 28, 28)), &format, "wrong magic"},
		{"a header cut short", good[:20], &truncated, "the header needs 27 bytes but data ends after 20"},
		{"statistics cut short", good[:27+1000], &truncated, "header says statistics of 28x28 pixels but data ends after 1000 of 12544 bytes"},
		{"labels cut short", good[:27+stats+1], &truncated, "header says 4 labels but data ends after 1 of 2 bytes"},
		{"training pixels cut short", good[:pixels+1000], &truncated, "header says 2 training images of 28x28 but data ends after 1000 of 1568 bytes"},
		{"test pixels cut short", good[:pixels+3*784+10], &truncated, "header says 1 test images of 28x28 but data ends after 10 of 784 bytes"},
		{"the last pixel missing", good[:len(good)-1], &truncated, "header says 1 test images of 28x28 but data ends after 783 of 784 bytes"},
		{"a label of 12", badLabel, &format, "training labels: label 12 at index 0"},
		{"a used padding half", badPadding, &format, "unused half of the last label byte"},
		{"statistics that are not the training images'", badStats, &format, "statistics in the header are not those of the training images"},
		{"a standard deviation of zero", zeroStd, &format, "pixel 0 has mean"},
		{"images without columns", header(1, 1, 1, 28, 0), &format, "images of 28x0"},
		{"absurd counts", header(0xffffffff, 0xffffffff, 0xffffffff, 28, 28), &format, "more than the limit"},
	}
	checkReaderRejects(t, ReadSubset, tests)
}

func TestWriteSubsetRejectsInconsistentSubsets(t *testing.T) {
	var (
		format   FormatError
		mismatch *MismatchError
	)
	base := func() *Subset {
		return subsetOf(t, fakeRaw(4, 4), 2, 1, 1)
	}
	tests := []struct {
		name     string
		spoil    func(*Subset)
		wantType any
		wantMsg  string
	}{
		{"a missing part", func(s *Subset) { s.Val = nil }, &format, "Subset.Val is nil"},
		{"parts of different image sizes", func(s *Subset) { s.Test = fakeImages(1, 14, 56) }, &format, "Subset.Test holds images of 14x56 but Subset.Train holds 28x28"},
		{"a label too few", func(s *Subset) { s.TrainLabels = s.TrainLabels[:1] }, &mismatch, "Subset.Train has 2 images but Subset.TrainLabels has 1 labels"},
		{"a label of 10", func(s *Subset) { s.TestLabels[0] = 10 }, &format, "label 10"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := base()
			tt.spoil(s)
			var b bytes.Buffer
			checkError(t, WriteSubset(&b, s), tt.wantType, tt.wantMsg)
			if b.Len() != 0 {
				t.Errorf("wrote %d bytes before failing, want none", b.Len())
			}
		})
	}
}

func TestSubsetSplitMatchesRawSplit(t *testing.T) {
	r := fakeRaw(30, 12)
	full := subsetOf(t, r, 30, 4, 8)
	tests := []struct {
		name    string
		subOpts SplitOptions
		rawOpts SplitOptions
	}{
		{"its own parts, raw values", SplitOptions{}, SplitOptions{ValSize: 4}},
		{"its own parts, normalized", SplitOptions{Normalize: true}, SplitOptions{Normalize: true, ValSize: 4}},
		{"a limited training part", SplitOptions{Normalize: true, TrainLimit: 9}, SplitOptions{Normalize: true, TrainLimit: 9, ValSize: 4}},
		{"held-out images divided anew", SplitOptions{ValSize: 7}, SplitOptions{ValSize: 7}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := full.Split(tt.subOpts)
			if err != nil {
				t.Fatal(err)
			}
			want, err := r.Split(tt.rawOpts)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("Subset.Split(%+v) differs from Raw.Split(%+v)", tt.subOpts, tt.rawOpts)
			}
		})
	}
}

func TestSubsetSplitRejectsBadOptions(t *testing.T) {
	var option OptionError
	s := subsetOf(t, fakeRaw(5, 6), 5, 2, 3)
	tests := []struct {
		name    string
		opts    SplitOptions
		wantMsg string
	}{
		{"a TrainLimit above the subset", SplitOptions{TrainLimit: 6}, "TrainLimit 6 exceeds the 5 training images"},
		{"a ValSize above the held-out images", SplitOptions{ValSize: 6}, "ValSize 6 exceeds the 5 validation and test images of the subset"},
		{"a negative ValSize", SplitOptions{ValSize: -1}, "ValSize is -1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := s.Split(tt.opts)
			checkError(t, err, &option, tt.wantMsg)
		})
	}
}
