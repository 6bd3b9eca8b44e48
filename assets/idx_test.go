package assets

import (
	"bytes"
	"errors"
	"io"
	"reflect"
	"runtime"
	"strings"
	"testing"
)

func TestImagesRoundTrip(t *testing.T) {
	tests := []struct {
		name string
		im   *Images
	}{
		{"a single 1x1 image survives", fakeImages(1, 1, 1)},
		{"three 28x28 images survive", fakeImages(3, 28, 28)},
		{"an empty stack keeps its image size", fakeImages(0, 28, 28)},
		{"non-square images keep rows and columns apart", fakeImages(4, 3, 5)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data := idxImages(t, tt.im)
			if want := 16 + len(tt.im.Pixels); len(data) != want {
				t.Fatalf("encoded %d bytes, want %d", len(data), want)
			}
			got, err := ReadImages(bytes.NewReader(data))
			if err != nil {
				t.Fatalf("ReadImages: %v", err)
			}
			if got.N != tt.im.N || got.Rows != tt.im.Rows || got.Cols != tt.im.Cols || !bytes.Equal(got.Pixels, tt.im.Pixels) {
				t.Errorf("got %d images of %dx%d, want %d of %dx%d (or pixels differ)",
					got.N, got.Rows, got.Cols, tt.im.N, tt.im.Rows, tt.im.Cols)
			}
		})
	}
}

func TestReadImagesStopsAtTheEndOfItsData(t *testing.T) {
	data := cat(idxImages(t, fakeImages(2, 2, 2)), []byte("next"))
	r := bytes.NewReader(data)
	if _, err := ReadImages(r); err != nil {
		t.Fatal(err)
	}
	rest, _ := io.ReadAll(r)
	if string(rest) != "next" {
		t.Errorf("left %q unread, want %q", rest, "next")
	}
}

func TestImageReturnsOneImage(t *testing.T) {
	im := fakeImages(3, 2, 3)
	got := im.Image(1)
	if !bytes.Equal(got, im.Pixels[6:12]) {
		t.Errorf("Image(1) = %v, want %v", got, im.Pixels[6:12])
	}
	if cap(got) != 6 {
		t.Errorf("Image(1) has capacity %d, want 6 so that appending cannot clobber image 2", cap(got))
	}
}

func TestLabelsRoundTrip(t *testing.T) {
	for name, labels := range map[string][]uint8{
		"no labels":        {},
		"every class once": {0, 1, 2, 3, 4, 5, 6, 7, 8, 9},
		"a long run":       fakeLabels(1000, 4),
	} {
		t.Run(name, func(t *testing.T) {
			got, err := ReadLabels(bytes.NewReader(idxLabels(t, labels)))
			if err != nil {
				t.Fatalf("ReadLabels: %v", err)
			}
			if !bytes.Equal(got, labels) {
				t.Errorf("got %v, want %v", got, labels)
			}
		})
	}
}

// errorCase is one malformed input and what the error must say.
type errorCase struct {
	name     string
	data     []byte
	wantType any    // pointer to a variable of the expected error type
	wantMsg  string // substring of the message
}

// checkError fails t unless err matches c.
func checkError(t *testing.T, err error, wantType any, wantMsg string) {
	t.Helper()
	if err == nil {
		t.Fatalf("got no error, want one containing %q", wantMsg)
	}
	if !errors.As(err, wantType) {
		t.Errorf("error %q (%T) is not a %v", err, err, reflect.TypeOf(wantType).Elem())
	}
	if !strings.HasPrefix(err.Error(), "assets: ") {
		t.Errorf("error %q lacks the prefix %q", err, "assets: ")
	}
	if !strings.Contains(err.Error(), wantMsg) {
		t.Errorf("error %q does not contain %q", err, wantMsg)
	}
}

// checkReaderRejects reads each case's data with read and checks the error.
func checkReaderRejects[T any](t *testing.T, read func(io.Reader) (T, error), tests []errorCase) {
	t.Helper()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := read(bytes.NewReader(tt.data))
			checkError(t, err, tt.wantType, tt.wantMsg)
		})
	}
}

func TestReadImagesRejectsBadStreams(t *testing.T) {
	var (
		format    FormatError
		truncated *TruncatedError
	)
	hdr := func(magic, n, rows, cols uint32) []byte {
		return cat(beUint32(magic), beUint32(n), beUint32(rows), beUint32(cols))
	}
	tests := []errorCase{
		{"an empty stream is a truncated header", nil, &truncated, "the header needs 16 bytes but data ends after 0"},
		{"a header cut short is truncated", hdr(0x803, 1, 28, 28)[:10], &truncated, "the header needs 16 bytes but data ends after 10"},
		{"a label file is recognised as such", hdr(0x801, 1, 28, 28), &format, "wrong magic number 0x00000801, want 0x00000803 (idx3 images); this is idx1 labels"},
		{"a label file shorter than an image header is recognised as such", cat(beUint32(0x801), beUint32(2), []byte{1, 2}), &format, "this is idx1 labels"},
		{"gzip data is recognised as such", []byte{0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3, 0, 0, 0, 0, 0, 0}, &format, "looks gzip-compressed"},
		{"a float element type is rejected", hdr(0x0d03, 1, 28, 28), &format, "wrong magic number 0x00000d03"},
		{"images without rows are rejected", hdr(0x803, 1, 0, 28), &format, "images of 0x28"},
		{"images wider than the limit are rejected", hdr(0x803, 1, 28, 5000), &format, "images of 28x5000"},
		{"an absurd image count is rejected before reading", hdr(0x803, 0xffffffff, 28, 28), &format, "more than the limit"},
		{"pixel data cut short is truncated", cat(hdr(0x803, 3, 28, 28), make([]byte, 1234)), &truncated, "header says 3 images of 28x28 but data ends after 1234 of 2352 bytes"},
		{"pixel data missing entirely is truncated", hdr(0x803, 1, 2, 2), &truncated, "data ends after 0 of 4 bytes"},
	}
	checkReaderRejects(t, ReadImages, tests)
}

func TestReadLabelsRejectsBadStreams(t *testing.T) {
	var (
		format    FormatError
		truncated *TruncatedError
	)
	hdr := func(magic, n uint32) []byte { return cat(beUint32(magic), beUint32(n)) }
	tests := []errorCase{
		{"a header cut short is truncated", hdr(0x801, 1)[:5], &truncated, "the header needs 8 bytes but data ends after 5"},
		{"an image file is recognised as such", cat(hdr(0x803, 1), make([]byte, 8)), &format, "this is idx3 images"},
		{"an absurd label count is rejected before reading", hdr(0x801, 0xffffffff), &format, "more than the limit"},
		{"label data cut short is truncated", cat(hdr(0x801, 5), []byte{1, 2}), &truncated, "header says 5 labels but data ends after 2 of 5 bytes"},
		{"a label of 10 is not a class", cat(hdr(0x801, 3), []byte{1, 10, 2}), &format, "label 10 at index 1 is not a class number 0..9"},
		{"a label of 255 is not a class", cat(hdr(0x801, 1), []byte{255}), &format, "label 255 at index 0"},
	}
	checkReaderRejects(t, ReadLabels, tests)
}

func TestTruncatedErrorsMatchUnexpectedEOF(t *testing.T) {
	_, err := ReadLabels(bytes.NewReader([]byte{0, 0, 8}))
	if !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Errorf("errors.Is(%v, io.ErrUnexpectedEOF) = false, want true", err)
	}
}

func TestReadErrorsOfTheUnderlyingReaderPassThrough(t *testing.T) {
	boom := errors.New("boom")
	r := io.MultiReader(bytes.NewReader(idxImages(t, fakeImages(1, 2, 2))[:18]), iotestErrReader{boom})
	if _, err := ReadImages(r); !errors.Is(err, boom) {
		t.Errorf("ReadImages error = %v, want %v", err, boom)
	}
}

// iotestErrReader always fails with err.
type iotestErrReader struct{ err error }

func (r iotestErrReader) Read([]byte) (int, error) { return 0, r.err }

func TestALyingHeaderCostsOnlyTheMemoryOfTheDataPresent(t *testing.T) {
	// The header announces 250,000 images of 28x28 (196 MB) but only 100
	// bytes follow.
	data := cat(beUint32(0x803), beUint32(250000), beUint32(28), beUint32(28), make([]byte, 100))
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	_, err := ReadImages(bytes.NewReader(data))
	runtime.ReadMemStats(&after)
	var truncated *TruncatedError
	if !errors.As(err, &truncated) {
		t.Fatalf("got error %v, want a TruncatedError", err)
	}
	if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 1<<20 {
		t.Errorf("allocated %d bytes for 100 bytes of data, want less than 1 MiB", alloc)
	}
}

func TestWriteRejectsValuesThatCannotBeReadBack(t *testing.T) {
	var format FormatError
	tests := []struct {
		name    string
		write   func(io.Writer) error
		wantMsg string
	}{
		{"images with too few pixels", func(w io.Writer) error {
			return WriteImages(w, &Images{N: 2, Rows: 2, Cols: 2, Pixels: make([]uint8, 7)})
		}, "says 2 images of 2x2 but holds 7 pixels"},
		{"nil images", func(w io.Writer) error { return WriteImages(w, nil) }, "images is nil"},
		{"negative sizes", func(w io.Writer) error {
			return WriteImages(w, &Images{N: -1, Rows: 2, Cols: 2})
		}, "negative size"},
		{"a label of 10", func(w io.Writer) error { return WriteLabels(w, []uint8{0, 10}) }, "label 10 at index 1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var b bytes.Buffer
			checkError(t, tt.write(&b), &format, tt.wantMsg)
			if b.Len() != 0 {
				t.Errorf("wrote %d bytes before failing, want none", b.Len())
			}
		})
	}
}

func TestWriteErrorsOfTheUnderlyingWriterPassThrough(t *testing.T) {
	boom := errors.New("boom")
	if err := WriteImages(failWriter{boom}, fakeImages(1, 2, 2)); !errors.Is(err, boom) {
		t.Errorf("WriteImages error = %v, want %v", err, boom)
	}
	if err := WriteLabels(failWriter{boom}, []uint8{1}); !errors.Is(err, boom) {
		t.Errorf("WriteLabels error = %v, want %v", err, boom)
	}
}

// failWriter always fails with err.
type failWriter struct{ err error }

func (w failWriter) Write([]byte) (int, error) { return 0, w.err }
