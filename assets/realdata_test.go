//go:build !js

package assets

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// loadSystem loads the installed data set or skips the test.
func loadSystem(t *testing.T) *Raw {
	t.Helper()
	if len(missingFiles(SystemDir)) > 0 {
		t.Skipf("FashionMNIST is not installed in %s", SystemDir)
	}
	r, err := LoadDir(SystemDir)
	if err != nil {
		t.Fatalf("LoadDir(%s): %v", SystemDir, err)
	}
	return r
}

func TestTheInstalledDataSet(t *testing.T) {
	r := loadSystem(t)
	t.Run("has 60000 training and 10000 test images of 28x28", func(t *testing.T) {
		if r.TrainImages.N != NumTrain || len(r.TrainLabels) != NumTrain || r.TestImages.N != NumTest || len(r.TestLabels) != NumTest {
			t.Errorf("got %d/%d training and %d/%d test images/labels", r.TrainImages.N, len(r.TrainLabels), r.TestImages.N, len(r.TestLabels))
		}
		if r.TrainImages.Rows != 28 || r.TrainImages.Cols != 28 {
			t.Errorf("images are %dx%d", r.TrainImages.Rows, r.TrainImages.Cols)
		}
	})
	t.Run("starts with an ankle boot", func(t *testing.T) {
		if got := r.TrainLabels[0]; got != 9 {
			t.Errorf("first training label = %d (%s), want 9 (Ankle boot)", got, ClassName(got))
		}
	})
	t.Run("has 6000 training images of each class", func(t *testing.T) {
		var count [NumClasses]int
		for _, l := range r.TrainLabels {
			count[l]++
		}
		for c, n := range count {
			if n != 6000 {
				t.Errorf("class %d has %d training images, want 6000", c, n)
			}
		}
	})
	t.Run("normalizes to zero mean and unit deviation", func(t *testing.T) {
		s, err := r.Split(SplitOptions{Normalize: true})
		if err != nil {
			t.Fatal(err)
		}
		if s.Train.N != 60000 || s.Val.N != 2000 || s.Test.N != 8000 {
			t.Fatalf("split sizes %d/%d/%d, want 60000/2000/8000", s.Train.N, s.Val.N, s.Test.N)
		}
		var sum, sumSq float64
		for _, v := range s.Train.X {
			sum += float64(v)
			sumSq += float64(v) * float64(v)
		}
		n := float64(len(s.Train.X))
		if mean := sum / n; math.Abs(mean) > 1e-5 {
			t.Errorf("mean of the normalized training set = %g, want 0", mean)
		}
		// Every pixel varies over 60,000 images, so each has unit unbiased
		// variance and the overall mean square is (n-1)/n.
		if ms := sumSq / n; math.Abs(ms-59999.0/60000) > 1e-4 {
			t.Errorf("mean square of the normalized training set = %g, want about 1", ms)
		}
		if s.Val.Y[0] != r.TestLabels[0] || s.Test.Y[0] != r.TestLabels[2000] {
			t.Errorf("validation or test set does not start where documented")
		}
	})
}

// TestPublishedDigestsMatchTheInstalledFiles checks the hard-coded digests
// against the installed files. The Debian package rewrote the gzip headers
// (dropping the file name and resetting the time stamp) but kept the
// compressed data, so restoring the original header must give the published
// file.
func TestPublishedDigestsMatchTheInstalledFiles(t *testing.T) {
	if len(missingFiles(SystemDir)) > 0 {
		t.Skipf("FashionMNIST is not installed in %s", SystemDir)
	}
	mtimes := map[string]uint32{ // time stamps of the published files
		TrainImagesFile: 1504176606,
		TrainLabelsFile: 1504176606,
		TestImagesFile:  1504176627,
		TestLabelsFile:  1504176627,
	}
	for name, want := range publishedDigests() {
		t.Run(name, func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join(SystemDir, name))
			if err != nil {
				t.Fatal(err)
			}
			const fname = 0x08
			if data[3]&fname != 0 {
				t.Skip("the installed file keeps its original header")
			}
			hdr := []byte{0x1f, 0x8b, 8, fname, 0, 0, 0, 0, data[8], data[9]}
			binary.LittleEndian.PutUint32(hdr[4:], mtimes[name])
			published := cat(hdr, []byte(strings.TrimSuffix(name, ".gz")), []byte{0}, data[10:])
			sum := sha256.Sum256(published)
			if got := hex.EncodeToString(sum[:]); got != want.sha256 || int64(len(published)) != want.size {
				t.Errorf("restored file has %d bytes with sha256 %s, want %d bytes with %s", len(published), got, want.size, want.sha256)
			}
		})
	}
}

func TestARealSubsetSurvivesTheRoundTrip(t *testing.T) {
	r := loadSystem(t)
	s := subsetOf(t, r, 100, 20, 30)
	got, err := ReadSubset(bytes.NewReader(encodeSubset(t, s)))
	if err != nil {
		t.Fatal(err)
	}
	if got.TrainLabels[0] != 9 || got.Test.N != 30 || string(got.Val.Pixels) != string(r.TestImages.Pixels[:20*ImagePixels]) {
		t.Errorf("the subset read back differs from the data set")
	}
}
