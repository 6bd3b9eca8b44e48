package assets

import (
	"encoding/binary"
	"fmt"
	"math"
	"slices"
)

// Sections of a subset stream, in order.
const (
	sectionHeader = iota
	sectionStats
	sectionLabels
	sectionPixels
	sectionDone
)

// SubsetDecoder decodes a subset stream (see WriteSubset) as its bytes
// arrive, so that the first images can be used before the last have
// arrived: Write it the bytes in order, in pieces of any size. Memory grows
// only as data arrives. A SubsetDecoder is not safe for concurrent use.
type SubsetDecoder struct {
	section int
	pending []byte // the bytes of the header, stats or labels section so far
	header  SubsetHeader
	mean    []float64
	std     []float64
	labels  []uint8 // train, val, then test labels, unpacked
	pixels  []byte  // train, val, then test pixels, as far as they arrived
	read    int64   // bytes written so far
	err     error   // the first error; every later Write returns it
}

// NewSubsetDecoder returns a decoder waiting for the start of a stream.
func NewSubsetDecoder() *SubsetDecoder { return &SubsetDecoder{} }

// Write decodes the next bytes of the stream. It fails on a malformed
// stream and on bytes beyond the stream's end; after an error every Write
// returns it.
func (d *SubsetDecoder) Write(p []byte) (int, error) {
	if d.err != nil {
		return 0, d.err
	}
	n := len(p)
	for len(p) > 0 {
		switch d.section {
		case sectionHeader, sectionStats, sectionLabels:
			need := int(d.sectionLen() - int64(len(d.pending)))
			if need < 0 {
				need = 0
			}
			take := min(need, len(p))
			d.pending = append(d.pending, p[:take]...)
			p = p[take:]
			d.read += int64(take)
			if d.section == sectionHeader && len(d.pending) >= len(subsetMagic) {
				if magic := string(d.pending[:len(subsetMagic)]); magic != subsetMagic {
					return d.fail(FormatError(fmt.Sprintf("wrong magic %q, want %q", magic, subsetMagic)))
				}
			}
			for d.section < sectionPixels && int64(len(d.pending)) == d.sectionLen() {
				// A complete section, or empty ones after it.
				if err := d.finishSection(); err != nil {
					return d.fail(err)
				}
			}
		case sectionPixels:
			take := int(min(int64(len(p)), d.header.pixelsLen()-int64(len(d.pixels))))
			d.pixels = append(d.pixels, p[:take]...)
			p = p[take:]
			d.read += int64(take)
			if int64(len(d.pixels)) == d.header.pixelsLen() {
				d.section = sectionDone
			}
		default:
			return d.fail(FormatError(fmt.Sprintf("%d bytes follow the end of the subset", len(p))))
		}
	}
	return n, nil
}

func (d *SubsetDecoder) fail(err error) (int, error) {
	d.err = err
	return 0, err
}

// sectionLen returns the size of the current header, stats or labels
// section.
func (d *SubsetDecoder) sectionLen() int64 {
	switch d.section {
	case sectionHeader:
		return int64(subsetHeaderLen)
	case sectionStats:
		return d.header.statsLen()
	default:
		return d.header.labelsLen()
	}
}

// finishSection decodes the section whose bytes are all in pending and
// moves to the next one (skipping empty ones).
func (d *SubsetDecoder) finishSection() error {
	b := d.pending
	switch d.section {
	case sectionHeader:
		var v [5]int64
		for i := range v {
			v[i] = int64(binary.LittleEndian.Uint32(b[len(subsetMagic)+4*i:]))
		}
		nTrain, nVal, nTest, rows, cols := v[0], v[1], v[2], v[3], v[4]
		if rows == 0 || cols == 0 || rows > maxSide || cols > maxSide {
			return FormatError(fmt.Sprintf("header says images of %dx%d, want sides between 1 and %d", rows, cols, maxSide))
		}
		if total := (nTrain + nVal + nTest) * rows * cols; total > maxBytes {
			return FormatError(fmt.Sprintf("header says %d+%d+%d images of %dx%d (%d bytes), more than the limit of %d bytes", nTrain, nVal, nTest, rows, cols, total, maxBytes))
		}
		d.header = SubsetHeader{Train: int(nTrain), Val: int(nVal), Test: int(nTest), Rows: int(rows), Cols: int(cols)}
	case sectionStats:
		px := d.header.Rows * d.header.Cols
		d.mean, d.std = make([]float64, px), make([]float64, px)
		for j := range px {
			d.mean[j] = math.Float64frombits(binary.LittleEndian.Uint64(b[8*j:]))
			d.std[j] = math.Float64frombits(binary.LittleEndian.Uint64(b[8*(px+j):]))
		}
		for j, sd := range d.std {
			if !(sd > 0) || math.IsInf(sd, 0) || math.IsNaN(d.mean[j]) || math.IsInf(d.mean[j], 0) {
				return FormatError(fmt.Sprintf("pixel %d has mean %g and standard deviation %g", j, d.mean[j], sd))
			}
		}
	case sectionLabels:
		n := int(d.header.images())
		d.labels = make([]uint8, n)
		for i := range d.labels {
			d.labels[i] = b[i/2] >> (4 * (i % 2)) & 0xf
		}
		if n%2 == 1 && b[len(b)-1]>>4 != 0 {
			return FormatError("the unused half of the last label byte is not 0")
		}
		for k, part := range [][]uint8{d.labels[:d.header.Train], d.labels[d.header.Train : d.header.Train+d.header.Val], d.labels[d.header.Train+d.header.Val:]} {
			if err := checkLabels(part); err != nil {
				if fe, ok := err.(FormatError); ok {
					return FormatError(partNames[k] + " labels: " + string(fe))
				}
				return err
			}
		}
	}
	d.pending = nil
	d.section++
	if d.section == sectionPixels && d.header.pixelsLen() == 0 {
		d.section = sectionDone
	}
	return nil
}

// partNames names the three parts of a subset.
var partNames = [3]string{"training", "validation", "test"}

// truncated returns the error for a stream that ended where the decoder
// stands.
func (d *SubsetDecoder) truncated() error {
	switch d.section {
	case sectionHeader:
		return &TruncatedError{Want: int64(subsetHeaderLen), Got: int64(len(d.pending))}
	case sectionStats:
		return &TruncatedError{Header: fmt.Sprintf("statistics of %dx%d pixels", d.header.Rows, d.header.Cols), Want: d.sectionLen(), Got: int64(len(d.pending))}
	case sectionLabels:
		return &TruncatedError{Header: fmt.Sprintf("%d labels", d.header.images()), Want: d.sectionLen(), Got: int64(len(d.pending))}
	}
	// Name the part where the pixels stop.
	per := int64(d.header.Rows * d.header.Cols)
	got := int64(len(d.pixels))
	for k, n := range []int{d.header.Train, d.header.Val, d.header.Test} {
		size := int64(n) * per
		if got < size {
			return &TruncatedError{Header: fmt.Sprintf("%d %s images of %dx%d", n, partNames[k], d.header.Rows, d.header.Cols), Want: size, Got: got}
		}
		got -= size
	}
	return nil
}

// Header returns the stream's header once it has arrived.
func (d *SubsetDecoder) Header() (SubsetHeader, bool) {
	return d.header, d.section > sectionHeader
}

// Stats returns the per-pixel mean and standard deviation of the training
// images once they have arrived (nil before).
func (d *SubsetDecoder) Stats() (mean, std []float64) { return d.mean, d.std }

// Labels returns the training, validation and test labels once they have
// arrived (nil before). They share memory with the decoder.
func (d *SubsetDecoder) Labels() (train, val, test []uint8) {
	if d.labels == nil {
		return nil, nil, nil
	}
	h := d.header
	return d.labels[:h.Train], d.labels[h.Train : h.Train+h.Val], d.labels[h.Train+h.Val:]
}

// Arrived returns how many training, validation and test images have
// arrived whole.
func (d *SubsetDecoder) Arrived() (train, val, test int) {
	if d.section < sectionPixels {
		return 0, 0, 0
	}
	whole := len(d.pixels) / (d.header.Rows * d.header.Cols)
	train = min(whole, d.header.Train)
	val = min(whole-train, d.header.Val)
	test = min(whole-train-val, d.header.Test)
	return train, val, test
}

// Pixels returns the pixels of image i of a part (0 training, 1
// validation, 2 test), which must have arrived.
func (d *SubsetDecoder) Pixels(part, i int) []uint8 {
	per := d.header.Rows * d.header.Cols
	first := [3]int{0, d.header.Train, d.header.Train + d.header.Val}[part] + i
	return d.pixels[first*per : (first+1)*per : (first+1)*per]
}

// Remaining returns the number of bytes still to come: the rest of the
// header while it has not arrived, the rest of the stream after.
func (d *SubsetDecoder) Remaining() int64 {
	if d.section == sectionHeader {
		return int64(subsetHeaderLen - len(d.pending))
	}
	return d.header.Size() - d.read
}

// Done reports whether the whole stream has arrived.
func (d *SubsetDecoder) Done() bool { return d.section == sectionDone && d.err == nil }

// Subset returns the decoded subset once the stream is complete. It checks
// the statistics against the training images.
func (d *SubsetDecoder) Subset() (*Subset, error) {
	if d.err != nil {
		return nil, d.err
	}
	if !d.Done() {
		return nil, d.truncated()
	}
	h := d.header
	per := h.Rows * h.Cols
	if d.pixels == nil {
		d.pixels = []byte{}
	}
	s := &Subset{}
	offset := 0
	for k, dst := range []**Images{&s.Train, &s.Val, &s.Test} {
		n := [3]int{h.Train, h.Val, h.Test}[k]
		*dst = &Images{N: n, Rows: h.Rows, Cols: h.Cols, Pixels: d.pixels[offset*per : (offset+n)*per : (offset+n)*per]}
		offset += n
	}
	tr, val, te := d.Labels()
	s.TrainLabels, s.ValLabels, s.TestLabels = tr, val, te
	mean, std := subsetStats(s.Train)
	if !slices.Equal(bitsOf(mean), bitsOf(d.mean)) || !slices.Equal(bitsOf(std), bitsOf(d.std)) {
		return nil, FormatError("the statistics in the header are not those of the training images")
	}
	return s, nil
}

func bitsOf(v []float64) []uint64 {
	out := make([]uint64, len(v))
	for i, f := range v {
		out[i] = math.Float64bits(f)
	}
	return out
}
