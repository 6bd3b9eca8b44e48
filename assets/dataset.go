package assets

import (
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
)

// Shape of the FashionMNIST data.
const (
	ImageRows   = 28                    // rows of every image
	ImageCols   = 28                    // columns of every image
	ImagePixels = ImageRows * ImageCols // pixels per image, 784
	NumClasses  = 10                    // labels are 0..NumClasses-1
)

// Sizes of the data set as published.
const (
	NumTrain = 60000 // training images
	NumTest  = 10000 // test images
)

// Names of the four gzip-compressed idx files, as published and as installed
// by the Debian package dataset-fashion-mnist.
const (
	TrainImagesFile = "train-images-idx3-ubyte.gz"
	TrainLabelsFile = "train-labels-idx1-ubyte.gz"
	TestImagesFile  = "t10k-images-idx3-ubyte.gz"
	TestLabelsFile  = "t10k-labels-idx1-ubyte.gz"
)

// fileNames lists the four files in a fixed order: the order used for
// searching, downloading and reporting.
func fileNames() [4]string {
	return [4]string{TrainImagesFile, TrainLabelsFile, TestImagesFile, TestLabelsFile}
}

// ClassName returns the English name of a class label, such as "Ankle boot"
// for 9, or "" for a label that is not a class.
func ClassName(label uint8) string {
	switch label {
	case 0:
		return "T-shirt/top"
	case 1:
		return "Trouser"
	case 2:
		return "Pullover"
	case 3:
		return "Dress"
	case 4:
		return "Coat"
	case 5:
		return "Sandal"
	case 6:
		return "Shirt"
	case 7:
		return "Sneaker"
	case 8:
		return "Bag"
	case 9:
		return "Ankle boot"
	}
	return ""
}

// Raw is the whole dataset as stored: 60,000 training and 10,000 test images
// with labels. TrainLabels[i] is the class of TrainImages.Image(i), and
// likewise for the test part.
type Raw struct {
	TrainImages *Images // the training images
	TestImages  *Images // the test images
	TrainLabels []uint8 // one class label per training image
	TestLabels  []uint8 // one class label per test image
}

// check reports whether r is complete and consistent: all parts present,
// 28x28 images, and as many labels as images in each part.
func (r *Raw) check() error {
	if r == nil {
		return FormatError("Raw is nil")
	}
	if err := checkPart(r.TrainImages, r.TrainLabels, "Raw.TrainImages", "Raw.TrainLabels"); err != nil {
		return err
	}
	return checkPart(r.TestImages, r.TestLabels, "Raw.TestImages", "Raw.TestLabels")
}

// checkPart reports whether im holds 28x28 images, one per label.
func checkPart(im *Images, labels []uint8, imName, labelName string) error {
	if err := im.check(imName); err != nil {
		return err
	}
	if im.Rows != ImageRows || im.Cols != ImageCols {
		return FormatError(fmt.Sprintf("%s holds images of %dx%d, want %dx%d", imName, im.Rows, im.Cols, ImageRows, ImageCols))
	}
	if im.N != len(labels) {
		return &MismatchError{Images: imName, Labels: labelName, NImages: im.N, NLabels: len(labels)}
	}
	return checkLabels(labels)
}

// LoadDir reads the four gzip-compressed idx files from dir. It checks that
// every image is 28x28 and that each part has as many labels as images; it
// accepts any number of images, so a small directory in the same format, as
// used in tests, loads too. Every error names the file at fault.
func LoadDir(dir string) (*Raw, error) {
	var (
		r   Raw
		err error
	)
	path := func(name string) string { return filepath.Join(dir, name) }
	if r.TrainImages, err = readImagesFile(path(TrainImagesFile)); err != nil {
		return nil, err
	}
	if r.TrainLabels, err = readLabelsFile(path(TrainLabelsFile)); err != nil {
		return nil, err
	}
	if r.TestImages, err = readImagesFile(path(TestImagesFile)); err != nil {
		return nil, err
	}
	if r.TestLabels, err = readLabelsFile(path(TestLabelsFile)); err != nil {
		return nil, err
	}
	if r.TrainImages.N != len(r.TrainLabels) {
		return nil, &MismatchError{Images: path(TrainImagesFile), Labels: path(TrainLabelsFile), NImages: r.TrainImages.N, NLabels: len(r.TrainLabels)}
	}
	if r.TestImages.N != len(r.TestLabels) {
		return nil, &MismatchError{Images: path(TestImagesFile), Labels: path(TestLabelsFile), NImages: r.TestImages.N, NLabels: len(r.TestLabels)}
	}
	return &r, nil
}

// readImagesFile reads a gzip-compressed idx3 file of 28x28 images.
func readImagesFile(path string) (*Images, error) {
	var im *Images
	err := readGzipFile(path, func(r io.Reader) (err error) {
		im, err = ReadImages(r)
		return err
	})
	if err != nil {
		return nil, err
	}
	if im.Rows != ImageRows || im.Cols != ImageCols {
		return nil, fileError(path, FormatError(fmt.Sprintf("images are %dx%d, want %dx%d", im.Rows, im.Cols, ImageRows, ImageCols)))
	}
	return im, nil
}

// readLabelsFile reads a gzip-compressed idx1 file.
func readLabelsFile(path string) ([]uint8, error) {
	var labels []uint8
	err := readGzipFile(path, func(r io.Reader) (err error) {
		labels, err = ReadLabels(r)
		return err
	})
	return labels, err
}

// readGzipFile opens path, decompresses it and hands the stream to parse.
// After parse it reads the stream to its end, which makes gzip verify its
// checksum, and rejects data left over after what parse consumed. Every error
// is wrapped in a FileError naming path.
func readGzipFile(path string, parse func(io.Reader) error) error {
	f, err := os.Open(path)
	if err != nil {
		return fileError(path, err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err == io.EOF {
		return fileError(path, FormatError("the file is empty"))
	}
	if err != nil {
		return fileError(path, gzipError(err))
	}
	defer zr.Close()
	r := gzipReader{zr}
	if err := parse(r); err != nil {
		return fileError(path, err)
	}
	rest, err := io.Copy(io.Discard, r)
	if err != nil {
		return fileError(path, err)
	}
	if rest > 0 {
		return fileError(path, FormatError(fmt.Sprintf("%d bytes of unexpected data after the end", rest)))
	}
	return nil
}

// gzipReader turns the errors of a gzip.Reader, other than io.EOF, into
// CompressionErrors, so that a corrupt or cut-short compressed stream is not
// mistaken for a truncated idx stream.
type gzipReader struct {
	zr *gzip.Reader
}

func (g gzipReader) Read(p []byte) (int, error) {
	n, err := g.zr.Read(p)
	if err != nil && err != io.EOF {
		err = gzipError(err)
	}
	return n, err
}

// gzipError wraps an error from compress/gzip in a CompressionError, unless it
// is a failure to read the file itself.
func gzipError(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return err
	}
	return &CompressionError{Err: err}
}
