package assets

import (
	"bytes"
	"compress/gzip"
	"io"
	"os"
	"path/filepath"
	"testing"
)

// fakeImages returns n images of rows x cols whose pixels follow a fixed
// pattern, different for every image.
func fakeImages(n, rows, cols int) *Images {
	im := &Images{N: n, Rows: rows, Cols: cols, Pixels: make([]uint8, n*rows*cols)}
	for i := range im.Pixels {
		im.Pixels[i] = uint8(i*7 + i/(rows*cols)*13)
	}
	return im
}

// fakeLabels returns n labels cycling through the classes from start.
func fakeLabels(n, start int) []uint8 {
	l := make([]uint8, n)
	for i := range l {
		l[i] = uint8((start + i) % NumClasses)
	}
	return l
}

// fakeRaw returns a small, complete data set of 28x28 images.
func fakeRaw(nTrain, nTest int) *Raw {
	return &Raw{
		TrainImages: fakeImages(nTrain, ImageRows, ImageCols),
		TrainLabels: fakeLabels(nTrain, 9),
		TestImages:  fakeImages(nTest, ImageRows, ImageCols),
		TestLabels:  fakeLabels(nTest, 3),
	}
}

// encoded returns the bytes write writes for v.
func encoded[T any](t testing.TB, write func(io.Writer, T) error, v T) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := write(&b, v); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// subsetOf returns r.Subset(train, val, test), failing t on an error.
func subsetOf(t testing.TB, r *Raw, train, val, test int) *Subset {
	t.Helper()
	s, err := r.Subset(train, val, test)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// idxImages encodes im as an idx3 stream.
func idxImages(t testing.TB, im *Images) []byte {
	t.Helper()
	return encoded(t, WriteImages, im)
}

// idxLabels encodes labels as an idx1 stream.
func idxLabels(t testing.TB, labels []uint8) []byte {
	t.Helper()
	return encoded(t, WriteLabels, labels)
}

// gzipped compresses data.
func gzipped(t testing.TB, data []byte) []byte {
	t.Helper()
	var b bytes.Buffer
	zw := gzip.NewWriter(&b)
	if _, err := zw.Write(data); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// dataFiles returns the four compressed files of r, by name.
func dataFiles(t testing.TB, r *Raw) map[string][]byte {
	t.Helper()
	return map[string][]byte{
		TrainImagesFile: gzipped(t, idxImages(t, r.TrainImages)),
		TrainLabelsFile: gzipped(t, idxLabels(t, r.TrainLabels)),
		TestImagesFile:  gzipped(t, idxImages(t, r.TestImages)),
		TestLabelsFile:  gzipped(t, idxLabels(t, r.TestLabels)),
	}
}

// writeFiles writes files into dir, creating it if needed.
func writeFiles(t testing.TB, dir string, files map[string][]byte) {
	t.Helper()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	for name, data := range files {
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// beUint32 encodes v as 4 big-endian bytes.
func beUint32(v uint32) []byte {
	return []byte{byte(v >> 24), byte(v >> 16), byte(v >> 8), byte(v)}
}

// cat concatenates byte slices.
func cat(parts ...[]byte) []byte {
	return bytes.Join(parts, nil)
}

// tinySubset returns a subset of 2×2 images: two training images labelled
// 1 and 2, one validation image labelled 3, and one test image per label
// of testLabels.
func tinySubset(testLabels ...uint8) *Subset {
	return &Subset{
		Train: fakeImages(2, 2, 2), TrainLabels: []uint8{1, 2},
		Val: fakeImages(1, 2, 2), ValLabels: []uint8{3},
		Test: fakeImages(len(testLabels), 2, 2), TestLabels: append([]uint8{}, testLabels...),
	}
}
