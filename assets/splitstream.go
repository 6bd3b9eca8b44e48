package assets

import (
	"fmt"
	"slices"
)

// SplitStream converts the images of a subset stream to float32 as they
// arrive, into a Split whose sets have their full size from the start: the
// pixels of image i are valid once Converted counts past i. With
// normalization it uses the statistics the stream carries, which are the
// training images' own, so the finished Split is bit for bit the one
// Subset.Split gives with the same Normalize (and no training limit or
// new validation size).
type SplitStream struct {
	dec       *SubsetDecoder
	normalize bool
	mean, inv []float64
	split     *Split
	done      [3]int // images converted per part
}

// NewLimitedSplitStream returns a SplitStream of the first limit training
// images (all with limit 0) and the validation and test images, bit for
// bit the Split that Subset.Split gives with that TrainLimit: with
// normalization the statistics are those of the limited images, which
// must then have arrived (LimitArrived). The header, statistics and labels
// must have arrived; the images must be 28x28.
func NewLimitedSplitStream(d *SubsetDecoder, normalize bool, limit int) (*SplitStream, error) {
	h, ok := d.Header()
	if !ok || d.labels == nil {
		return nil, FormatError("the subset's header, statistics and labels have not arrived")
	}
	if h.Rows != ImageRows || h.Cols != ImageCols {
		return nil, FormatError(fmt.Sprintf("subset holds images of %dx%d, want %dx%d", h.Rows, h.Cols, ImageRows, ImageCols))
	}
	switch {
	case limit < 0:
		return nil, OptionError(fmt.Sprintf("TrainLimit is %d, want 0 (all) or more", limit))
	case limit > h.Train:
		return nil, OptionError(fmt.Sprintf("TrainLimit %d exceeds the %d training images", limit, h.Train))
	case limit == 0:
		limit = h.Train
	}
	if normalize && limit < 2 {
		return nil, OptionError(fmt.Sprintf("normalizing needs at least 2 training images, have %d", limit))
	}
	mean, std := d.Stats()
	if normalize && limit < h.Train {
		if !d.LimitArrived(limit) {
			return nil, FormatError(fmt.Sprintf("the first %d training images have not arrived", limit))
		}
		mean, std = pixelStats(&Images{N: limit, Rows: h.Rows, Cols: h.Cols, Pixels: d.pixels[:limit*ImagePixels]})
	}
	s := &SplitStream{dec: d, normalize: normalize, split: &Split{}}
	train, val, test := d.Labels()
	train = train[:limit]
	for k, dst := range []*Set{&s.split.Train, &s.split.Val, &s.split.Test} {
		labels := [][]uint8{train, val, test}[k]
		*dst = Set{N: len(labels), X: make([]float32, len(labels)*ImagePixels), Y: append([]uint8(nil), labels...)}
	}
	if normalize {
		s.mean = mean
		s.inv = make([]float64, ImagePixels)
		for j, sd := range std {
			s.inv[j] = 1 / sd
		}
		s.split.Stats = &Normalization{Mean: slices.Clone(mean), Std: slices.Clone(std)}
		s.split.Mean, s.split.Std = make([]float32, ImagePixels), make([]float32, ImagePixels)
		for j := range ImagePixels {
			s.split.Mean[j], s.split.Std[j] = float32(mean[j]), float32(std[j])
		}
	}
	s.Update()
	return s, nil
}

// LimitArrived reports whether the first limit training images have
// arrived.
func (d *SubsetDecoder) LimitArrived(limit int) bool {
	train, _, _ := d.Arrived()
	return train >= limit
}

// Split returns the split being filled.
func (s *SplitStream) Split() *Split { return s.split }

// Update converts the images that arrived since the last call.
func (s *SplitStream) Update() {
	arrived := [3]int{}
	arrived[0], arrived[1], arrived[2] = s.dec.Arrived()
	arrived[0] = min(arrived[0], s.split.Train.N)
	for k, set := range []*Set{&s.split.Train, &s.split.Val, &s.split.Test} {
		for ; s.done[k] < arrived[k]; s.done[k]++ {
			i := s.done[k]
			row := set.X[i*ImagePixels : (i+1)*ImagePixels]
			px := s.dec.Pixels(k, i)
			if !s.normalize {
				for j, v := range px {
					row[j] = float32(v)
				}
				continue
			}
			for j, v := range px {
				row[j] = float32((float64(v) - s.mean[j]) * s.inv[j])
			}
		}
	}
}

// Converted returns how many training, validation and test images are
// ready in the split.
func (s *SplitStream) Converted() (train, val, test int) { return s.done[0], s.done[1], s.done[2] }

// Complete reports whether every image is ready.
func (s *SplitStream) Complete() bool {
	return s.done[0] == s.split.Train.N && s.done[1] == s.split.Val.N && s.done[2] == s.split.Test.N
}
