package assets

import (
	"math"
	"testing"
)

// statsRaw returns a data set whose first three pixels have known statistics
// over its three training images:
//
//	pixel 0: 0, 10, 20    mean 10, unbiased std 10
//	pixel 1: 7, 7, 7      mean 7, std 0 (guarded to 1)
//	pixel 2: 255, 0, 0    mean 85, unbiased std sqrt(21675)
//
// Its two test images hold 30, 7, 85 and 5, 8, 170 in those pixels. Every
// other pixel is zero.
func statsRaw() *Raw {
	r := &Raw{
		TrainImages: &Images{N: 3, Rows: 28, Cols: 28, Pixels: make([]uint8, 3*784)},
		TrainLabels: []uint8{9, 0, 3},
		TestImages:  &Images{N: 2, Rows: 28, Cols: 28, Pixels: make([]uint8, 2*784)},
		TestLabels:  []uint8{1, 2},
	}
	for i, px := range [][3]uint8{{0, 7, 255}, {10, 7, 0}, {20, 7, 0}} {
		copy(r.TrainImages.Image(i), px[:])
	}
	for i, px := range [][3]uint8{{30, 7, 85}, {5, 8, 170}} {
		copy(r.TestImages.Image(i), px[:])
	}
	return r
}

func TestNormalizationUsesPerPixelTrainingStatistics(t *testing.T) {
	s, err := statsRaw().Split(SplitOptions{Normalize: true, ValSize: 1})
	if err != nil {
		t.Fatal(err)
	}
	sd2 := math.Sqrt(21675)
	tests := []struct {
		name      string
		got, want float64
	}{
		{"mean of a varying pixel", float64(s.Mean[0]), 10},
		{"std of a varying pixel is unbiased", float64(s.Std[0]), 10},
		{"mean of a constant pixel", float64(s.Mean[1]), 7},
		{"std of a constant pixel is guarded to one", float64(s.Std[1]), 1},
		{"mean of a skewed pixel", float64(s.Mean[2]), 85},
		{"std of a skewed pixel", float64(s.Std[2]), sd2},
		{"mean of an always-zero pixel", float64(s.Mean[783]), 0},
		{"std of an always-zero pixel is guarded to one", float64(s.Std[783]), 1},
		{"a training value is centred and scaled", float64(s.Train.Row(2)[0]), (20 - 10) / 10.0},
		{"a constant pixel is only centred", float64(s.Train.Row(0)[1]), 0},
		{"a skewed training value", float64(s.Train.Row(0)[2]), (255 - 85) / sd2},
		{"a validation value uses training statistics", float64(s.Val.Row(0)[0]), (30 - 10) / 10.0},
		{"a test value uses training statistics", float64(s.Test.Row(0)[2]), (170 - 85) / sd2},
		{"a test value off a constant pixel", float64(s.Test.Row(0)[1]), 8 - 7},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if math.Abs(tt.got-tt.want) > 1e-5*math.Max(1, math.Abs(tt.want)) {
				t.Errorf("got %v, want %v", tt.got, tt.want)
			}
		})
	}
}

func TestSplitWithoutNormalizationKeepsRawValues(t *testing.T) {
	s, err := statsRaw().Split(SplitOptions{ValSize: 1})
	if err != nil {
		t.Fatal(err)
	}
	if s.Mean != nil || s.Std != nil {
		t.Errorf("Mean and Std are set on a split that is not normalized")
	}
	if got := s.Train.Row(0)[2]; got != 255 {
		t.Errorf("train pixel = %v, want 255", got)
	}
	if got := s.Test.Row(0)[2]; got != 170 {
		t.Errorf("test pixel = %v, want 170", got)
	}
}

func TestSplitDividesTheTestImages(t *testing.T) {
	r := fakeRaw(10, 2003)
	tests := []struct {
		name                  string
		opts                  SplitOptions
		nTrain, nVal, nTest   int
		firstVal, firstTest   int // indices into r.TestImages
		lastTrainLabelOfLimit uint8
	}{
		{"by default the first 2000 test images validate", SplitOptions{}, 10, 2000, 3, 0, 2000, r.TrainLabels[9]},
		{"ValSize moves the cut", SplitOptions{ValSize: 5}, 10, 5, 1998, 0, 5, r.TrainLabels[9]},
		{"all test images can validate", SplitOptions{ValSize: 2003}, 10, 2003, 0, 0, 2003, r.TrainLabels[9]},
		{"TrainLimit keeps the first training images", SplitOptions{TrainLimit: 4, ValSize: 3}, 4, 3, 2000, 0, 3, r.TrainLabels[3]},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := r.Split(tt.opts)
			if err != nil {
				t.Fatal(err)
			}
			for _, c := range []struct {
				name string
				set  Set
				n    int
			}{{"train", s.Train, tt.nTrain}, {"val", s.Val, tt.nVal}, {"test", s.Test, tt.nTest}} {
				if c.set.N != c.n || len(c.set.Y) != c.n || len(c.set.X) != c.n*ImagePixels {
					t.Errorf("%s has N=%d, %d labels, %d values; want %d images", c.name, c.set.N, len(c.set.Y), len(c.set.X), c.n)
				}
			}
			if s.Val.N > 0 && (s.Val.Y[0] != r.TestLabels[tt.firstVal] || s.Val.X[1] != float32(r.TestImages.Image(tt.firstVal)[1])) {
				t.Errorf("val does not start with test image %d", tt.firstVal)
			}
			if s.Test.N > 0 && (s.Test.Y[0] != r.TestLabels[tt.firstTest] || s.Test.X[1] != float32(r.TestImages.Image(tt.firstTest)[1])) {
				t.Errorf("test does not start with test image %d", tt.firstTest)
			}
			if got := s.Train.Y[s.Train.N-1]; got != tt.lastTrainLabelOfLimit {
				t.Errorf("last training label = %d, want %d", got, tt.lastTrainLabelOfLimit)
			}
		})
	}
}

func TestTrainLimitRestrictsTheStatistics(t *testing.T) {
	// Over the first two training images pixel 0 is 0, 10: mean 5, unbiased
	// std sqrt(50); pixel 2 is 255, 0: mean 127.5, std sqrt(32512.5).
	s, err := statsRaw().Split(SplitOptions{Normalize: true, TrainLimit: 2, ValSize: 1})
	if err != nil {
		t.Fatal(err)
	}
	checks := []struct{ got, want float64 }{
		{float64(s.Mean[0]), 5}, {float64(s.Std[0]), math.Sqrt(50)},
		{float64(s.Mean[2]), 127.5}, {float64(s.Std[2]), math.Sqrt(32512.5)},
	}
	for i, c := range checks {
		if math.Abs(c.got-c.want) > 1e-4 {
			t.Errorf("check %d: got %v, want %v", i, c.got, c.want)
		}
	}
}

func TestSplitSharesNoMemoryWithTheRawData(t *testing.T) {
	r := statsRaw()
	s, err := r.Split(SplitOptions{ValSize: 1})
	if err != nil {
		t.Fatal(err)
	}
	s.Train.Y[0] = 5
	s.Val.Y[0] = 5
	if r.TrainLabels[0] != 9 || r.TestLabels[0] != 1 {
		t.Errorf("changing the split's labels changed the raw labels")
	}
}

func TestSplitRejectsBadOptionsAndData(t *testing.T) {
	var (
		option   OptionError
		format   FormatError
		mismatch *MismatchError
	)
	tests := []struct {
		name     string
		raw      func() *Raw
		opts     SplitOptions
		wantType any
		wantMsg  string
	}{
		{"a negative TrainLimit", statsRaw, SplitOptions{TrainLimit: -1, ValSize: 1}, &option, "TrainLimit is -1"},
		{"a TrainLimit above the training images", statsRaw, SplitOptions{TrainLimit: 4, ValSize: 1}, &option, "TrainLimit 4 exceeds the 3 training images"},
		{"a negative ValSize", statsRaw, SplitOptions{ValSize: -2}, &option, "ValSize is -2"},
		{"the default ValSize on too few test images", statsRaw, SplitOptions{}, &option, "ValSize 2000 exceeds the 2 test images"},
		{"normalizing a single image", statsRaw, SplitOptions{Normalize: true, TrainLimit: 1, ValSize: 1}, &option, "at least 2 training images, have 1"},
		{"a nil Raw", func() *Raw { return nil }, SplitOptions{}, &format, "Raw is nil"},
		{"missing test images", func() *Raw { r := statsRaw(); r.TestImages = nil; return r }, SplitOptions{ValSize: 1}, &format, "Raw.TestImages is nil"},
		{"images of the wrong size", func() *Raw {
			r := statsRaw()
			r.TrainImages = fakeImages(3, 14, 56)
			return r
		}, SplitOptions{ValSize: 1}, &format, "images of 14x56, want 28x28"},
		{"labels that do not match the images", func() *Raw {
			r := statsRaw()
			r.TrainLabels = r.TrainLabels[:2]
			return r
		}, SplitOptions{ValSize: 1}, &mismatch, "Raw.TrainImages has 3 images but Raw.TrainLabels has 2 labels"},
		{"a label of 10", func() *Raw {
			r := statsRaw()
			r.TestLabels[1] = 10
			return r
		}, SplitOptions{ValSize: 1}, &format, "label 10 at index 1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := tt.raw().Split(tt.opts)
			checkError(t, err, tt.wantType, tt.wantMsg)
		})
	}
}

func TestGivenStatisticsNormalizeExactlyAsTheOnesTheyCameFrom(t *testing.T) {
	// Statistics of the first two training images, applied to a split of
	// all three: its inputs equal those of the two-image split.
	two, err := statsRaw().Split(SplitOptions{Normalize: true, TrainLimit: 2, ValSize: 1})
	if err != nil {
		t.Fatal(err)
	}
	given, err := statsRaw().Split(SplitOptions{Normalize: true, ValSize: 1, Stats: two.Stats})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name      string
		got, want []float32
	}{
		{"validation image", given.Val.Row(0), two.Val.Row(0)},
		{"test image", given.Test.Row(0), two.Test.Row(0)},
		{"shared training image", given.Train.Row(1), two.Train.Row(1)},
		{"means", given.Mean, two.Mean},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for j := range tt.want {
				if tt.got[j] != tt.want[j] {
					t.Fatalf("value %d = %v, want %v", j, tt.got[j], tt.want[j])
				}
			}
		})
	}
	if given.Stats == two.Stats || given.Stats.Mean[0] != 5 {
		t.Errorf("the split's Stats = %p (mean[0] %v); want a copy of the given ones", given.Stats, given.Stats.Mean[0])
	}
}

func TestBadGivenStatisticsAreRefused(t *testing.T) {
	ones := func() []float64 {
		v := make([]float64, ImagePixels)
		for i := range v {
			v[i] = 1
		}
		return v
	}
	var option OptionError
	tests := []struct {
		name    string
		stats   *Normalization
		wantMsg string
	}{
		{"too few values", &Normalization{Mean: ones()[:10], Std: ones()}, "hold 10 means and 784 deviations"},
		{"a zero deviation", &Normalization{Mean: ones(), Std: func() []float64 { v := ones(); v[7] = 0; return v }()}, "pixel 7 are mean 1, deviation 0"},
		{"a NaN mean", &Normalization{Mean: func() []float64 { v := ones(); v[3] = math.NaN(); return v }(), Std: ones()}, "pixel 3 are mean NaN"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := statsRaw().Split(SplitOptions{Normalize: true, ValSize: 1, Stats: tt.stats})
			checkError(t, err, &option, tt.wantMsg)
		})
	}
}
