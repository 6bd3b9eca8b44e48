package assets

import (
	"encoding/binary"
	"fmt"
	"io"
	"slices"
)

// subsetMagic starts every subset stream.
const subsetMagic = "FLSUB1\n"

// Subset is a small slice of the dataset for the browser: raw uint8 pixels
// and labels of train, val and test parts. All three parts hold images of the
// same size, and each has as many labels as images.
type Subset struct {
	Train *Images // the first training images
	Val   *Images // the first test images, for validation
	Test  *Images // the test images after those in Val

	TrainLabels []uint8 // one class label per image of Train
	ValLabels   []uint8 // one class label per image of Val
	TestLabels  []uint8 // one class label per image of Test
}

// Subset copies a small part of r: the first train training images, the
// first val test images as the validation part, and the next test test
// images as the test part. The result shares no memory with r.
func (r *Raw) Subset(train, val, test int) (*Subset, error) {
	if err := r.check(); err != nil {
		return nil, err
	}
	switch {
	case train < 0 || val < 0 || test < 0:
		return nil, OptionError(fmt.Sprintf("subset sizes %d, %d, %d must not be negative", train, val, test))
	case train > r.TrainImages.N:
		return nil, OptionError(fmt.Sprintf("subset of %d training images exceeds the %d available", train, r.TrainImages.N))
	case val > r.TestImages.N-test:
		return nil, OptionError(fmt.Sprintf("subset of %d validation and %d test images exceeds the %d test images available", val, test, r.TestImages.N))
	}
	clone := func(im *Images, lo, hi int) *Images {
		s := im.slice(lo, hi)
		s.Pixels = slices.Clone(s.Pixels)
		return s
	}
	return &Subset{
		Train:       clone(r.TrainImages, 0, train),
		Val:         clone(r.TestImages, 0, val),
		Test:        clone(r.TestImages, val, val+test),
		TrainLabels: slices.Clone(r.TrainLabels[:train]),
		ValLabels:   slices.Clone(r.TestLabels[:val]),
		TestLabels:  slices.Clone(r.TestLabels[val : val+test]),
	}, nil
}

// check reports whether s is complete and consistent.
func (s *Subset) check() error {
	if s == nil {
		return FormatError("Subset is nil")
	}
	parts := []struct {
		im             *Images
		labels         []uint8
		imName, lbName string
	}{
		{s.Train, s.TrainLabels, "Subset.Train", "Subset.TrainLabels"},
		{s.Val, s.ValLabels, "Subset.Val", "Subset.ValLabels"},
		{s.Test, s.TestLabels, "Subset.Test", "Subset.TestLabels"},
	}
	for _, p := range parts {
		if err := p.im.check(p.imName); err != nil {
			return err
		}
		if p.im.Rows != s.Train.Rows || p.im.Cols != s.Train.Cols {
			return FormatError(fmt.Sprintf("%s holds images of %dx%d but Subset.Train holds %dx%d", p.imName, p.im.Rows, p.im.Cols, s.Train.Rows, s.Train.Cols))
		}
		if p.im.N != len(p.labels) {
			return &MismatchError{Images: p.imName, Labels: p.lbName, NImages: p.im.N, NLabels: len(p.labels)}
		}
		if err := checkLabels(p.labels); err != nil {
			return err
		}
	}
	return nil
}

// WriteSubset writes s in the subset format that ReadSubset reads:
//
//	magic    7 bytes   "FLSUB1\n"
//	header   5 × uint32, little-endian: train count, val count, test count,
//	                    rows, cols
//	pixels   train, then val, then test images, count×rows×cols bytes each,
//	         in the pixel order of Images
//	labels   train, then val, then test labels, one byte each
//
// There is no padding and nothing follows the test labels. A subset of 12,000
// training, 2,000 validation and 2,000 test images of 28x28 takes 12,560,027
// bytes (12,544,000 of pixels, 16,000 of labels and a 27-byte header).
func WriteSubset(w io.Writer, s *Subset) error {
	if err := s.check(); err != nil {
		return err
	}
	hdr := make([]byte, 0, len(subsetMagic)+5*4)
	hdr = append(hdr, subsetMagic...)
	for _, v := range []int{s.Train.N, s.Val.N, s.Test.N, s.Train.Rows, s.Train.Cols} {
		if int64(v) > 1<<32-1 {
			return FormatError(fmt.Sprintf("size %d does not fit a subset header", v))
		}
		hdr = binary.LittleEndian.AppendUint32(hdr, uint32(v))
	}
	for _, b := range [][]byte{hdr, s.Train.Pixels, s.Val.Pixels, s.Test.Pixels, s.TrainLabels, s.ValLabels, s.TestLabels} {
		if _, err := w.Write(b); err != nil {
			return err
		}
	}
	return nil
}

// ReadSubset reads a subset written by WriteSubset. It reads exactly the
// bytes the header announces. Headers announcing images larger than
// 4096x4096 or more than 256 MiB of pixels are rejected, and memory grows only
// as data actually arrives.
func ReadSubset(r io.Reader) (*Subset, error) {
	var hdr [len(subsetMagic) + 5*4]byte
	n, err := io.ReadFull(r, hdr[:])
	if n >= len(subsetMagic) {
		if magic := string(hdr[:len(subsetMagic)]); magic != subsetMagic {
			return nil, FormatError(fmt.Sprintf("wrong magic %q, want %q", magic, subsetMagic))
		}
	}
	if err == io.EOF || err == io.ErrUnexpectedEOF {
		return nil, &TruncatedError{Want: int64(len(hdr)), Got: int64(n)}
	}
	if err != nil {
		return nil, err
	}
	var v [5]int64
	for i := range v {
		v[i] = int64(binary.LittleEndian.Uint32(hdr[len(subsetMagic)+4*i:]))
	}
	nTrain, nVal, nTest, rows, cols := v[0], v[1], v[2], v[3], v[4]
	if rows == 0 || cols == 0 || rows > maxSide || cols > maxSide {
		return nil, FormatError(fmt.Sprintf("header says images of %dx%d, want sides between 1 and %d", rows, cols, maxSide))
	}
	if total := (nTrain + nVal + nTest) * rows * cols; total > maxBytes {
		return nil, FormatError(fmt.Sprintf("header says %d+%d+%d images of %dx%d (%d bytes), more than the limit of %d bytes", nTrain, nVal, nTest, rows, cols, total, maxBytes))
	}
	s := &Subset{}
	images := []struct {
		dst  **Images
		n    int64
		name string
	}{{&s.Train, nTrain, "training"}, {&s.Val, nVal, "validation"}, {&s.Test, nTest, "test"}}
	for _, p := range images {
		pix, err := readPayload(r, int(p.n*rows*cols), fmt.Sprintf("%d %s images of %dx%d", p.n, p.name, rows, cols))
		if err != nil {
			return nil, err
		}
		*p.dst = &Images{N: int(p.n), Rows: int(rows), Cols: int(cols), Pixels: pix}
	}
	labels := []struct {
		dst  *[]uint8
		n    int64
		name string
	}{{&s.TrainLabels, nTrain, "training"}, {&s.ValLabels, nVal, "validation"}, {&s.TestLabels, nTest, "test"}}
	for _, p := range labels {
		l, err := readPayload(r, int(p.n), fmt.Sprintf("%d %s labels", p.n, p.name))
		if err != nil {
			return nil, err
		}
		if err := checkLabels(l); err != nil {
			return nil, err
		}
		*p.dst = l
	}
	return s, nil
}

// Split converts s into float32 sets with the semantics of Raw.Split: Train
// is the subset's (first TrainLimit) training images and the statistics for
// normalization come from them. With ValSize zero, Val and Test are the
// subset's own parts; otherwise its validation and test images, in that
// order, are divided anew after the first ValSize. The images must be 28x28.
func (s *Subset) Split(o SplitOptions) (*Split, error) {
	if err := s.check(); err != nil {
		return nil, err
	}
	if s.Train.Rows != ImageRows || s.Train.Cols != ImageCols {
		return nil, FormatError(fmt.Sprintf("subset holds images of %dx%d, want %dx%d", s.Train.Rows, s.Train.Cols, ImageRows, ImageCols))
	}
	train, err := limitTrain(part{s.Train, s.TrainLabels}, o.TrainLimit)
	if err != nil {
		return nil, err
	}
	val, test := part{s.Val, s.ValLabels}, part{s.Test, s.TestLabels}
	if o.ValSize != 0 {
		held := part{
			im: &Images{
				N:      s.Val.N + s.Test.N,
				Rows:   s.Val.Rows,
				Cols:   s.Val.Cols,
				Pixels: slices.Concat(s.Val.Pixels, s.Test.Pixels),
			},
			labels: slices.Concat(s.ValLabels, s.TestLabels),
		}
		if val, test, err = divideHeldOut(held, o.ValSize, "validation and test images of the subset"); err != nil {
			return nil, err
		}
	}
	return makeSplit(train, val, test, o)
}
