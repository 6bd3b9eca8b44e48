// Package assets finds, reads and prepares the FashionMNIST data set: 70,000
// grey-level images of 28x28 pixels, each showing one of ten kinds of clothing
// (see ClassName), split into 60,000 training and 10,000 test images.
//
// # Files
//
// The data set is four gzip-compressed files in the idx format (see
// TrainImagesFile and its siblings). An idx stream is a big-endian magic
// number (0x00000803 for images, 0x00000801 for labels), one big-endian uint32
// per dimension, then one unsigned byte per element. ReadImages, ReadLabels,
// WriteImages and WriteLabels handle uncompressed idx streams; LoadDir reads the
// four compressed files of a directory into a Raw.
//
// # Finding the data
//
// Source.Locate finds a directory holding the four files: one named by the
// caller (a -data flag), one named by $FASHIONMNIST_DIR, the directory
// installed by the Debian package dataset-fashion-mnist, or the user's cache
// directory. As a last resort it downloads the files into the cache
// directory, checking each against its published SHA-256 digest before
// keeping it. Load combines Locate and LoadDir.
//
// # Preparing the data
//
// Raw.Split turns the bytes into float32 sets for training: the training
// images, a validation set made of the first 2,000 test images, and a test
// set made of the other 8,000, optionally normalized per pixel with the
// statistics of the training images.
//
// Raw.Subset cuts out a smaller part for the browser, which WriteSubset stores
// in a compact binary format and ReadSubset reads back; Subset.Split prepares
// it as Raw.Split does. Subset files are built from the installed data and are
// not kept in version control.
//
// # Errors
//
// Every error message starts with "assets: ". Errors have a type for each
// class of failure: FormatError, TruncatedError, CompressionError,
// MismatchError and OptionError for bad data or arguments; MissingError and
// NotFoundError when the files are not there; ChecksumError and HTTPError
// for failed downloads. Errors about a file are wrapped in a FileError that
// names it, as in
//
//	assets: /data/train-images-idx3-ubyte.gz: truncated: header says 60000 images of 28x28 but data ends after 1234 of 47040000 bytes
//
// Use errors.As to inspect them. Headers announcing absurd sizes are rejected
// before any large allocation, and buffers grow only as data arrives.
//
// # WebAssembly
//
// The package builds for GOOS=js GOARCH=wasm. There, Source, Load and the
// download code are left out, so that a browser build reading a subset does
// not link net/http; everything else is the same.
package assets
