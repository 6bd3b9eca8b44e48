package assets

import (
	"fmt"
	"math"
	"slices"
)

// DefaultValSize is the number of test images that Split sets aside for
// validation when SplitOptions.ValSize is zero.
const DefaultValSize = 2000

// Set is one split: N images as float32 rows of 784 values (row i is
// X[i*784:(i+1)*784]) and their labels.
type Set struct {
	X []float32 // N*784 pixel values, image after image
	Y []uint8   // N class labels, 0..9
	N int       // number of images
}

// Row returns the 784 values of image i. The result shares memory with s.X.
func (s *Set) Row(i int) []float32 {
	return s.X[i*ImagePixels : (i+1)*ImagePixels : (i+1)*ImagePixels]
}

// Split is the data divided for training: Train holds the training images,
// Val the first test images (2,000 by default) and Test the remaining test
// images.
type Split struct {
	Train Set // the training images
	Val   Set // the validation images: the first test images
	Test  Set // the remaining test images
	// Mean and Std are the per-pixel mean and unbiased standard deviation of
	// the training images, 784 values each, used to normalize all three sets.
	// Both are nil when the split is not normalized.
	Mean, Std []float32
	// Stats holds the same statistics in float64, as they were applied;
	// nil when the split is not normalized. Stored with a network's
	// weights, they let another data source prepare identical inputs.
	Stats *Normalization
}

// Normalization is the per-pixel mean and unbiased standard deviation (a
// deviation of zero counted as one) that normalize inputs, ImagePixels
// values each.
type Normalization struct {
	Mean []float64 `json:"mean"`
	Std  []float64 `json:"std"`
}

// Check reports whether n has ImagePixels finite means and ImagePixels finite,
// positive deviations.
func (n *Normalization) Check() error {
	if len(n.Mean) != ImagePixels || len(n.Std) != ImagePixels {
		return OptionError(fmt.Sprintf("normalization statistics hold %d means and %d deviations, want %d of each", len(n.Mean), len(n.Std), ImagePixels))
	}
	for j := range ImagePixels {
		m, sd := n.Mean[j], n.Std[j]
		if math.IsNaN(m) || math.IsInf(m, 0) || !(sd > 0) || math.IsInf(sd, 0) {
			return OptionError(fmt.Sprintf("normalization statistics of pixel %d are mean %g, deviation %g; want finite numbers and a positive deviation", j, m, sd))
		}
	}
	return nil
}

// SplitOptions controls how a Split is made.
type SplitOptions struct {
	// Normalize maps every pixel x to (x-Mean)/Std, with the per-pixel mean and
	// unbiased standard deviation of the training images (a standard
	// deviation of zero counts as one). Otherwise pixels keep their raw
	// values 0..255 as float32.
	Normalize bool
	// TrainLimit, when positive, keeps only the first TrainLimit training
	// images; the normalization statistics are then computed over those.
	// Zero keeps them all.
	TrainLimit int
	// Stats, when set with Normalize, are the statistics to normalize
	// with instead of those of the training images: those of the images a
	// network was trained on, when they are not all available here.
	Stats *Normalization
	// ValSize is the number of test images, taken from the front, that form
	// the validation set; the rest form the test set. Zero means
	// DefaultValSize for a Raw, and the subset's own validation part for a
	// Subset.
	ValSize int
}

// Split converts r into float32 training, validation and test sets: Train is
// the (first TrainLimit) training images, Val the first ValSize test images
// and Test the remaining test images.
func (r *Raw) Split(o SplitOptions) (*Split, error) {
	if err := r.check(); err != nil {
		return nil, err
	}
	train, err := limitTrain(part{r.TrainImages, r.TrainLabels}, o.TrainLimit)
	if err != nil {
		return nil, err
	}
	valSize := o.ValSize
	if valSize == 0 {
		valSize = DefaultValSize
	}
	val, test, err := divideHeldOut(part{r.TestImages, r.TestLabels}, valSize, "test images")
	if err != nil {
		return nil, err
	}
	return makeSplit(train, val, test, o)
}

// part is a stack of images with their labels.
type part struct {
	im     *Images
	labels []uint8
}

// limitTrain keeps the first limit images of train, or all of them when limit
// is zero.
func limitTrain(train part, limit int) (part, error) {
	switch {
	case limit < 0:
		return part{}, OptionError(fmt.Sprintf("TrainLimit is %d, want 0 (all) or more", limit))
	case limit > train.im.N:
		return part{}, OptionError(fmt.Sprintf("TrainLimit %d exceeds the %d training images", limit, train.im.N))
	case limit == 0:
		return train, nil
	}
	return part{train.im.slice(0, limit), train.labels[:limit]}, nil
}

// divideHeldOut cuts held into its first valSize images and the rest. what
// names held in messages.
func divideHeldOut(held part, valSize int, what string) (val, test part, err error) {
	if valSize < 0 {
		return part{}, part{}, OptionError(fmt.Sprintf("ValSize is %d, want 0 (the default) or more", valSize))
	}
	if valSize > held.im.N {
		return part{}, part{}, OptionError(fmt.Sprintf("ValSize %d exceeds the %d %s", valSize, held.im.N, what))
	}
	n := held.im.N
	val = part{held.im.slice(0, valSize), held.labels[:valSize]}
	test = part{held.im.slice(valSize, n), held.labels[valSize:n]}
	return val, test, nil
}

// makeSplit converts three checked parts of 28x28 images to float32 sets,
// normalized when o.Normalize is set, with o.Stats or the statistics of
// train.
func makeSplit(train, val, test part, o SplitOptions) (*Split, error) {
	s := &Split{}
	if !o.Normalize {
		s.Train, s.Val, s.Test = toSet(train, nil, nil), toSet(val, nil, nil), toSet(test, nil, nil)
		return s, nil
	}
	var mean, std []float64
	switch {
	case o.Stats != nil:
		if err := o.Stats.Check(); err != nil {
			return nil, err
		}
		mean, std = o.Stats.Mean, o.Stats.Std
	case train.im.N < 2:
		return nil, OptionError(fmt.Sprintf("normalizing needs at least 2 training images, have %d", train.im.N))
	default:
		mean, std = pixelStats(train.im)
	}
	s.Stats = &Normalization{Mean: slices.Clone(mean), Std: slices.Clone(std)}
	inv := make([]float64, ImagePixels)
	for j, sd := range std {
		inv[j] = 1 / sd
	}
	s.Train, s.Val, s.Test = toSet(train, mean, inv), toSet(val, mean, inv), toSet(test, mean, inv)
	s.Mean = make([]float32, ImagePixels)
	s.Std = make([]float32, ImagePixels)
	for j := range ImagePixels {
		s.Mean[j] = float32(mean[j])
		s.Std[j] = float32(std[j])
	}
	return s, nil
}

// pixelStats returns the per-pixel mean and unbiased standard deviation of im,
// which holds at least two images, with a standard deviation of zero
// replaced by one. It sums in float64 over two passes for accuracy.
func pixelStats(im *Images) (mean, std []float64) {
	mean = make([]float64, im.Rows*im.Cols)
	for i := range im.N {
		for j, p := range im.Image(i) {
			mean[j] += float64(p)
		}
	}
	n := float64(im.N)
	for j := range mean {
		mean[j] /= n
	}
	std = make([]float64, len(mean))
	for i := range im.N {
		for j, p := range im.Image(i) {
			d := float64(p) - mean[j]
			std[j] += d * d
		}
	}
	for j := range std {
		std[j] = math.Sqrt(std[j] / (n - 1))
		if std[j] == 0 {
			std[j] = 1
		}
	}
	return mean, std
}

// toSet converts p to float32. With mean and inv (the reciprocal standard
// deviations) non-nil each pixel x becomes (x-mean)*inv; otherwise it keeps
// its value.
func toSet(p part, mean, inv []float64) Set {
	x := make([]float32, len(p.im.Pixels))
	if mean == nil {
		for i, v := range p.im.Pixels {
			x[i] = float32(v)
		}
	} else {
		for i := range p.im.N {
			row := x[i*ImagePixels : (i+1)*ImagePixels]
			for j, v := range p.im.Image(i) {
				row[j] = float32((float64(v) - mean[j]) * inv[j])
			}
		}
	}
	y := make([]uint8, len(p.labels))
	copy(y, p.labels)
	return Set{X: x, Y: y, N: p.im.N}
}
