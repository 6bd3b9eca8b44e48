package assets

import (
	"encoding/binary"
	"fmt"
	"io"
)

// Magic numbers of the idx files: two zero bytes, the element type (0x08 for
// unsigned bytes) and the number of dimensions.
const (
	imagesMagic = 0x00000803
	labelsMagic = 0x00000801
)

// Limits that keep a corrupt or hostile header from asking for absurd amounts
// of memory. The real training images take 47,040,000 bytes.
const (
	maxSide  = 1 << 12 // largest accepted number of rows or columns
	maxBytes = 1 << 28 // largest accepted pixel or label payload, in bytes
)

// Images is a stack of grey-level images; pixel (i, r, c) is
// Pixels[i*Rows*Cols + r*Cols + c], with 0 for the background and 255 for the
// darkest ink.
type Images struct {
	N          int     // number of images
	Rows, Cols int     // size of every image
	Pixels     []uint8 // N*Rows*Cols grey levels, image after image, row after row
}

// Image returns the pixels of image i, Rows*Cols bytes in row-major order. The
// result shares memory with im.Pixels.
func (im *Images) Image(i int) []uint8 {
	d := im.Rows * im.Cols
	return im.Pixels[i*d : (i+1)*d : (i+1)*d]
}

// check reports whether the fields of im agree with each other. name says
// which value is checked, for the message.
func (im *Images) check(name string) error {
	switch {
	case im == nil:
		return FormatError(name + " is nil")
	case im.N < 0 || im.Rows < 0 || im.Cols < 0:
		return FormatError(fmt.Sprintf("%s has negative size %d images of %dx%d", name, im.N, im.Rows, im.Cols))
	case im.Rows > maxSide || im.Cols > maxSide:
		return FormatError(fmt.Sprintf("%s has images of %dx%d, larger than %dx%d", name, im.Rows, im.Cols, maxSide, maxSide))
	case int64(im.N)*int64(im.Rows)*int64(im.Cols) != int64(len(im.Pixels)):
		return FormatError(fmt.Sprintf("%s says %d images of %dx%d but holds %d pixels", name, im.N, im.Rows, im.Cols, len(im.Pixels)))
	}
	return nil
}

// slice returns images lo..hi-1 of im, sharing memory with it.
func (im *Images) slice(lo, hi int) *Images {
	d := im.Rows * im.Cols
	return &Images{N: hi - lo, Rows: im.Rows, Cols: im.Cols, Pixels: im.Pixels[lo*d : hi*d : hi*d]}
}

// ReadImages reads an uncompressed idx3 stream of unsigned bytes: the magic
// number 0x00000803, the image count, rows and columns as big-endian uint32,
// then the pixels. It reads exactly the bytes the header announces and no
// more. Headers announcing images larger than 4096x4096 or more than 256 MiB
// of pixels are rejected, and memory grows only as data actually arrives.
func ReadImages(r io.Reader) (*Images, error) {
	var hdr [16]byte
	if err := readHeader(r, hdr[:], imagesMagic); err != nil {
		return nil, err
	}
	n := int64(binary.BigEndian.Uint32(hdr[4:]))
	rows := int64(binary.BigEndian.Uint32(hdr[8:]))
	cols := int64(binary.BigEndian.Uint32(hdr[12:]))
	if rows == 0 || cols == 0 || rows > maxSide || cols > maxSide {
		return nil, FormatError(fmt.Sprintf("header says images of %dx%d, want sides between 1 and %d", rows, cols, maxSide))
	}
	size := n * rows * cols
	if size > maxBytes {
		return nil, FormatError(fmt.Sprintf("header says %d images of %dx%d (%d bytes), more than the limit of %d bytes", n, rows, cols, size, maxBytes))
	}
	pix, err := readPayload(r, int(size), fmt.Sprintf("%d images of %dx%d", n, rows, cols))
	if err != nil {
		return nil, err
	}
	return &Images{N: int(n), Rows: int(rows), Cols: int(cols), Pixels: pix}, nil
}

// ReadLabels reads an uncompressed idx1 stream of unsigned bytes: the magic
// number 0x00000801, the label count as a big-endian uint32, then one byte per
// label. Every label must be a class number below 10.
func ReadLabels(r io.Reader) ([]uint8, error) {
	var hdr [8]byte
	if err := readHeader(r, hdr[:], labelsMagic); err != nil {
		return nil, err
	}
	n := int64(binary.BigEndian.Uint32(hdr[4:]))
	if n > maxBytes {
		return nil, FormatError(fmt.Sprintf("header says %d labels, more than the limit of %d", n, maxBytes))
	}
	labels, err := readPayload(r, int(n), fmt.Sprintf("%d labels", n))
	if err != nil {
		return nil, err
	}
	if err := checkLabels(labels); err != nil {
		return nil, err
	}
	return labels, nil
}

// WriteImages writes im as an uncompressed idx3 stream that ReadImages reads
// back unchanged.
func WriteImages(w io.Writer, im *Images) error {
	if err := im.check("images"); err != nil {
		return err
	}
	if int64(im.N) > 1<<32-1 {
		return FormatError(fmt.Sprintf("%d images do not fit an idx header", im.N))
	}
	var hdr [16]byte
	binary.BigEndian.PutUint32(hdr[0:], imagesMagic)
	binary.BigEndian.PutUint32(hdr[4:], uint32(im.N))
	binary.BigEndian.PutUint32(hdr[8:], uint32(im.Rows))
	binary.BigEndian.PutUint32(hdr[12:], uint32(im.Cols))
	if _, err := w.Write(hdr[:]); err != nil {
		return err
	}
	_, err := w.Write(im.Pixels)
	return err
}

// WriteLabels writes labels as an uncompressed idx1 stream that ReadLabels
// reads back unchanged. Every label must be below 10.
func WriteLabels(w io.Writer, labels []uint8) error {
	if err := checkLabels(labels); err != nil {
		return err
	}
	if int64(len(labels)) > 1<<32-1 {
		return FormatError(fmt.Sprintf("%d labels do not fit an idx header", len(labels)))
	}
	var hdr [8]byte
	binary.BigEndian.PutUint32(hdr[0:], labelsMagic)
	binary.BigEndian.PutUint32(hdr[4:], uint32(len(labels)))
	if _, err := w.Write(hdr[:]); err != nil {
		return err
	}
	_, err := w.Write(labels)
	return err
}

// readHeader fills hdr from r and checks that it starts with magic. A wrong
// magic number is reported even when the header is short, since it explains
// the shortness better: a label file is shorter than an image header.
func readHeader(r io.Reader, hdr []byte, magic uint32) error {
	n, err := io.ReadFull(r, hdr)
	if n >= 4 {
		if err := checkMagic(hdr[:4], magic); err != nil {
			return err
		}
	}
	if err == io.EOF || err == io.ErrUnexpectedEOF {
		return &TruncatedError{Want: int64(len(hdr)), Got: int64(n)}
	}
	return err
}

// checkMagic compares the magic number in b with want and explains the most
// likely mistakes: the other idx kind, or a stream still gzip-compressed.
func checkMagic(b []byte, want uint32) error {
	got := binary.BigEndian.Uint32(b)
	if got == want {
		return nil
	}
	msg := fmt.Sprintf("wrong magic number 0x%08x, want 0x%08x (%s)", got, want, magicKind(want))
	switch {
	case b[0] == 0x1f && b[1] == 0x8b:
		msg += "; the data looks gzip-compressed"
	case magicKind(got) != "":
		msg += "; this is " + magicKind(got)
	}
	return FormatError(msg)
}

// magicKind names the kind of idx stream that starts with magic, or returns
// "" for a magic number this package does not read.
func magicKind(magic uint32) string {
	switch magic {
	case imagesMagic:
		return "idx3 images"
	case labelsMagic:
		return "idx1 labels"
	}
	return ""
}

// checkLabels reports the first label that is not a class number.
func checkLabels(labels []uint8) error {
	for i, l := range labels {
		if l >= NumClasses {
			return FormatError(fmt.Sprintf("label %d at index %d is not a class number 0..%d", l, i, NumClasses-1))
		}
	}
	return nil
}

// readPayload reads exactly n bytes from r. The buffer grows as data arrives,
// so that a header announcing more data than the stream holds costs no more
// memory than the data present. A short stream gives a TruncatedError that
// quotes header, what the header announced.
func readPayload(r io.Reader, n int, header string) ([]byte, error) {
	const first = 64 << 10
	buf := make([]byte, 0, min(n, first))
	for len(buf) < n {
		if len(buf) == cap(buf) {
			grown := make([]byte, len(buf), min(n, 2*cap(buf)))
			copy(grown, buf)
			buf = grown
		}
		m, err := io.ReadFull(r, buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+m]
		if err == io.EOF || err == io.ErrUnexpectedEOF {
			return nil, &TruncatedError{Header: header, Want: int64(n), Got: int64(len(buf))}
		}
		if err != nil {
			return nil, err
		}
	}
	return buf, nil
}
