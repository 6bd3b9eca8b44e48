package assets

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"strings"
)

// messager is implemented by the error types of this package. It returns the
// message without the "assets: " prefix, so that a FileError can put the path
// between the prefix and the message.
type messager interface {
	message() string
}

// A FormatError reports that data is not well-formed: a wrong magic number, a
// wrong image size, an absurd header, a label outside 0..9, or a value built by
// hand whose fields disagree with each other.
type FormatError string

func (e FormatError) message() string { return "invalid format: " + string(e) }

// Error returns the message, starting with "assets: ".
func (e FormatError) Error() string { return "assets: " + e.message() }

// A TruncatedError reports that a stream ended before all the bytes its header
// announced.
type TruncatedError struct {
	// Header is what the header announced, such as "60000 images of 28x28";
	// it is empty when the header itself is cut short.
	Header string
	// Want is the number of bytes that should have followed (or, for a short
	// header, the size of the header); Got is the number present.
	Want, Got int64
}

func (e *TruncatedError) message() string {
	if e.Header == "" {
		return fmt.Sprintf("truncated: the header needs %d bytes but data ends after %d", e.Want, e.Got)
	}
	return fmt.Sprintf("truncated: header says %s but data ends after %d of %d bytes", e.Header, e.Got, e.Want)
}

// Error returns the message, starting with "assets: ".
func (e *TruncatedError) Error() string { return "assets: " + e.message() }

// Unwrap returns io.ErrUnexpectedEOF, so that errors.Is(err, io.ErrUnexpectedEOF)
// holds for a truncated stream.
func (e *TruncatedError) Unwrap() error { return io.ErrUnexpectedEOF }

// A CompressionError reports a gzip stream that cannot be decompressed: a bad
// header, corrupt deflate data, a checksum failure or a stream cut short.
type CompressionError struct {
	Err error // the error reported by compress/gzip
}

func (e *CompressionError) message() string {
	if errors.Is(e.Err, io.ErrUnexpectedEOF) {
		return "bad gzip data: compressed stream is cut short"
	}
	return "bad gzip data: " + e.Err.Error()
}

// Error returns the message, starting with "assets: ".
func (e *CompressionError) Error() string { return "assets: " + e.message() }

// Unwrap returns the underlying gzip error.
func (e *CompressionError) Unwrap() error { return e.Err }

// A MismatchError reports images and labels that are meant to go together but
// whose counts differ.
type MismatchError struct {
	Images, Labels   string // where the images and the labels came from
	NImages, NLabels int    // how many of each there are
}

func (e *MismatchError) message() string {
	return fmt.Sprintf("%s has %d images but %s has %d labels", e.Images, e.NImages, e.Labels, e.NLabels)
}

// Error returns the message, starting with "assets: ".
func (e *MismatchError) Error() string { return "assets: " + e.message() }

// An OptionError reports an argument or option outside its valid range, such
// as a negative TrainLimit or a subset larger than the data set.
type OptionError string

func (e OptionError) message() string { return "invalid option: " + string(e) }

// Error returns the message, starting with "assets: ".
func (e OptionError) Error() string { return "assets: " + e.message() }

// A FileError records which file a failure happened in. Err is one of the
// other error types of this package or an error from the operating system.
type FileError struct {
	Path string // the file or directory at fault
	Err  error  // what is wrong with it
}

// Error returns the message, starting with "assets: ".
func (e *FileError) Error() string {
	var msg string
	if m, ok := e.Err.(messager); ok {
		msg = m.message()
	} else {
		msg = e.Err.Error()
	}
	return "assets: " + e.Path + ": " + msg
}

// Unwrap returns the underlying error.
func (e *FileError) Unwrap() error { return e.Err }

// fileError wraps err with path. An *fs.PathError is unwrapped first so that
// the path is not repeated in the message.
func fileError(path string, err error) error {
	if pe, ok := err.(*fs.PathError); ok {
		err = pe.Err
	}
	return &FileError{Path: path, Err: err}
}

// A MissingError reports a directory, named explicitly by the user, that does
// not hold all four data set files. Such a directory is an error rather than a
// reason to look elsewhere.
type MissingError struct {
	Dir    string   // the directory named
	Origin string   // how the directory was named, such as "$FASHIONMNIST_DIR"
	Files  []string // the missing file names; nil when Dir itself does not exist
}

func (e *MissingError) message() string {
	if len(e.Files) == 0 {
		return fmt.Sprintf("%s (%s): no such directory", e.Dir, e.Origin)
	}
	return fmt.Sprintf("%s (%s): missing %s", e.Dir, e.Origin, strings.Join(e.Files, ", "))
}

// Error returns the message, starting with "assets: ".
func (e *MissingError) Error() string { return "assets: " + e.message() }

// Unwrap returns fs.ErrNotExist.
func (e *MissingError) Unwrap() error { return fs.ErrNotExist }

// A NotFoundError reports that the data set is in none of the places searched
// and could not be downloaded because downloading was turned off.
type NotFoundError struct {
	Searched []string // the directories looked in, in order
}

func (e *NotFoundError) message() string {
	return fmt.Sprintf("FashionMNIST not found in %s, and downloading is turned off; "+
		"install the Debian package dataset-fashion-mnist, set $FASHIONMNIST_DIR, or name a directory",
		strings.Join(e.Searched, ", "))
}

// Error returns the message, starting with "assets: ".
func (e *NotFoundError) Error() string { return "assets: " + e.message() }

// Unwrap returns fs.ErrNotExist.
func (e *NotFoundError) Unwrap() error { return fs.ErrNotExist }

// A ChecksumError reports a downloaded file whose SHA-256 differs from the
// expected one. The file is not kept.
type ChecksumError struct {
	URL               string // where the file came from
	Want, Got         string // hexadecimal SHA-256 digests
	WantSize, GotSize int64  // sizes in bytes; GotSize counts at most one byte past WantSize
}

func (e *ChecksumError) message() string {
	return fmt.Sprintf("%s: checksum mismatch: got %d bytes with sha256 %s, want %d bytes with sha256 %s",
		e.URL, e.GotSize, e.Got, e.WantSize, e.Want)
}

// Error returns the message, starting with "assets: ".
func (e *ChecksumError) Error() string { return "assets: " + e.message() }

// An HTTPError reports a download answered with a status other than 200 OK.
type HTTPError struct {
	URL        string // the URL requested
	StatusCode int    // such as 404
	Status     string // such as "404 Not Found"
}

func (e *HTTPError) message() string {
	return fmt.Sprintf("GET %s: HTTP status %s", e.URL, e.Status)
}

// Error returns the message, starting with "assets: ".
func (e *HTTPError) Error() string { return "assets: " + e.message() }
