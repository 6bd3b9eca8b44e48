package assets

import (
	"encoding/binary"
	"fmt"
	"io"
	"math"
	"slices"
)

// subsetMagic starts every subset stream.
const subsetMagic = "FLSUB2\n"

// subsetHeaderLen is the size of the magic and the five header fields.
const subsetHeaderLen = len(subsetMagic) + 5*4

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

// SubsetHeader is what a subset stream announces: how many training,
// validation and test images it holds, and their size.
type SubsetHeader struct {
	Train, Val, Test int
	Rows, Cols       int
}

// images returns the number of images of all three parts.
func (h SubsetHeader) images() int64 { return int64(h.Train) + int64(h.Val) + int64(h.Test) }

// statsLen, labelsLen and pixelsLen are the sizes of the sections.
func (h SubsetHeader) statsLen() int64  { return 2 * 8 * int64(h.Rows) * int64(h.Cols) }
func (h SubsetHeader) labelsLen() int64 { return (h.images() + 1) / 2 }
func (h SubsetHeader) pixelsLen() int64 { return h.images() * int64(h.Rows) * int64(h.Cols) }

// Size returns the size in bytes of the whole stream.
func (h SubsetHeader) Size() int64 {
	return int64(subsetHeaderLen) + h.statsLen() + h.labelsLen() + h.pixelsLen()
}

// PrefixSize returns the size in bytes of the stream's beginning that ends
// with the first train training images: everything a decoder needs to
// train on those images (the header, the statistics, the labels and their
// pixels).
func (h SubsetHeader) PrefixSize(train int) int64 {
	train = max(0, min(train, h.Train))
	return int64(subsetHeaderLen) + h.statsLen() + h.labelsLen() + int64(train)*int64(h.Rows)*int64(h.Cols)
}

// ReadSubsetHeader reads the header at the start of a subset stream.
func ReadSubsetHeader(data []byte) (SubsetHeader, error) {
	d := NewSubsetDecoder()
	if _, err := d.Write(data[:min(len(data), subsetHeaderLen)]); err != nil {
		return SubsetHeader{}, err
	}
	h, ok := d.Header()
	if !ok {
		return SubsetHeader{}, &TruncatedError{Want: int64(subsetHeaderLen), Got: int64(len(data))}
	}
	return h, nil
}

// WriteSubset writes s in the subset format that ReadSubset reads. The
// labels and the normalization statistics come before the pixels, so that
// a reader can use each image as soon as its pixels arrive:
//
//	magic    7 bytes   "FLSUB2\n"
//	header   5 × uint32, little-endian: train count, val count, test count,
//	                    rows, cols
//	stats    rows×cols float64 means, then rows×cols float64 standard
//	         deviations, little-endian: the per-pixel mean and unbiased
//	         standard deviation of the training images, exactly as Split
//	         normalizes with them (a deviation of zero counts as one; with
//	         fewer than two training images, means 0 and deviations 1)
//	labels   train, then val, then test labels, two 4-bit labels a byte, the
//	         first in the low half; an odd count leaves the last high half 0
//	pixels   train, then val, then test images, count×rows×cols bytes each,
//	         in the pixel order of Images
//
// There is no padding and nothing follows the test pixels. A subset of
// 12,000 training, 2,000 validation and 2,000 test images of 28x28 takes
// 12,564,571 bytes (12,544,000 of pixels, 8,000 of labels, 12,544 of
// statistics and a 27-byte header).
func WriteSubset(w io.Writer, s *Subset) error {
	if err := s.check(); err != nil {
		return err
	}
	hdr := make([]byte, 0, subsetHeaderLen)
	hdr = append(hdr, subsetMagic...)
	for _, v := range []int{s.Train.N, s.Val.N, s.Test.N, s.Train.Rows, s.Train.Cols} {
		if int64(v) > 1<<32-1 {
			return FormatError(fmt.Sprintf("size %d does not fit a subset header", v))
		}
		hdr = binary.LittleEndian.AppendUint32(hdr, uint32(v))
	}
	mean, std := subsetStats(s.Train)
	stats := make([]byte, 0, 16*len(mean))
	for _, v := range slices.Concat(mean, std) {
		stats = binary.LittleEndian.AppendUint64(stats, math.Float64bits(v))
	}
	labels := packLabels(slices.Concat(s.TrainLabels, s.ValLabels, s.TestLabels))
	for _, b := range [][]byte{hdr, stats, labels, s.Train.Pixels, s.Val.Pixels, s.Test.Pixels} {
		if _, err := w.Write(b); err != nil {
			return err
		}
	}
	return nil
}

// subsetStats returns the statistics a subset stream carries for its
// training images: pixelStats when there are at least two, else means 0
// and deviations 1.
func subsetStats(im *Images) (mean, std []float64) {
	if im.N >= 2 {
		return pixelStats(im)
	}
	d := im.Rows * im.Cols
	mean, std = make([]float64, d), make([]float64, d)
	for j := range std {
		std[j] = 1
	}
	return mean, std
}

// packLabels puts two labels (each below 16) in a byte, the first in the
// low half.
func packLabels(labels []uint8) []byte {
	out := make([]byte, (len(labels)+1)/2)
	for i, l := range labels {
		out[i/2] |= l << (4 * (i % 2))
	}
	return out
}

// ReadSubset reads a subset written by WriteSubset. It reads exactly the
// bytes the header announces. Headers announcing images larger than
// 4096x4096 or more than 256 MiB of pixels are rejected, and memory grows only
// as data actually arrives. Statistics that differ from those of the
// training images are an error.
func ReadSubset(r io.Reader) (*Subset, error) {
	d := NewSubsetDecoder()
	buf := make([]byte, 64<<10)
	for !d.Done() {
		want := d.Remaining()
		if want > int64(len(buf)) {
			want = int64(len(buf))
		}
		n, err := io.ReadFull(r, buf[:want])
		if _, werr := d.Write(buf[:n]); werr != nil {
			return nil, werr
		}
		if err == io.EOF || err == io.ErrUnexpectedEOF {
			return nil, d.truncated()
		}
		if err != nil {
			return nil, err
		}
	}
	return d.Subset()
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
