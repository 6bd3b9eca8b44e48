package assets

import (
	"errors"
	"io/fs"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func TestLoadDirReadsWhatWasWritten(t *testing.T) {
	want := fakeRaw(12, 7)
	dir := t.TempDir()
	writeFiles(t, dir, dataFiles(t, want))
	got, err := LoadDir(dir)
	if err != nil {
		t.Fatalf("LoadDir: %v", err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("LoadDir returned a different data set than was written")
	}
}

func TestLoadDirNamesTheFileAtFault(t *testing.T) {
	var (
		format      FormatError
		truncated   *TruncatedError
		compression *CompressionError
		mismatch    *MismatchError
		pathErr     *FileError
	)
	good := fakeRaw(4, 3)
	tests := []struct {
		name     string
		file     string                                 // the file that is spoiled
		spoil    func(t *testing.T, good []byte) []byte // nil removes the file
		wantType any
		wantMsg  string
	}{
		{
			name: "a missing file", file: TestLabelsFile, spoil: nil,
			wantType: &pathErr, wantMsg: "no such file or directory",
		},
		{
			name: "an empty file", file: TrainImagesFile,
			spoil:    func(*testing.T, []byte) []byte { return nil },
			wantType: &format, wantMsg: "the file is empty",
		},
		{
			name: "a file that is not gzip", file: TrainImagesFile,
			spoil:    func(t *testing.T, _ []byte) []byte { return idxImages(t, good.TrainImages) },
			wantType: &compression, wantMsg: "bad gzip data: gzip: invalid header",
		},
		{
			name: "a gzip file cut short", file: TrainImagesFile,
			spoil:    func(_ *testing.T, b []byte) []byte { return b[:len(b)/2] },
			wantType: &compression, wantMsg: "bad gzip data: compressed stream is cut short",
		},
		{
			name: "a gzip file whose checksum fails", file: TestImagesFile,
			spoil: func(_ *testing.T, b []byte) []byte {
				b = append([]byte(nil), b...)
				b[len(b)-5] ^= 0xff // inside the CRC-32 of the trailer
				return b
			},
			wantType: &compression, wantMsg: "gzip: invalid checksum",
		},
		{
			name: "labels where images belong", file: TrainImagesFile,
			spoil:    func(t *testing.T, _ []byte) []byte { return gzipped(t, idxLabels(t, good.TrainLabels)) },
			wantType: &format, wantMsg: "wrong magic number 0x00000801, want 0x00000803",
		},
		{
			name: "idx data cut short inside sound gzip", file: TrainImagesFile,
			spoil: func(t *testing.T, _ []byte) []byte {
				return gzipped(t, idxImages(t, good.TrainImages)[:16+1234])
			},
			wantType: &truncated, wantMsg: "truncated: header says 4 images of 28x28 but data ends after 1234 of 3136 bytes",
		},
		{
			name: "a label of 10", file: TestLabelsFile,
			spoil: func(t *testing.T, _ []byte) []byte {
				return gzipped(t, cat(beUint32(0x801), beUint32(3), []byte{3, 4, 10}))
			},
			wantType: &format, wantMsg: "label 10 at index 2",
		},
		{
			name: "images of the wrong size", file: TestImagesFile,
			spoil:    func(t *testing.T, _ []byte) []byte { return gzipped(t, idxImages(t, fakeImages(3, 32, 32))) },
			wantType: &format, wantMsg: "images are 32x32, want 28x28",
		},
		{
			name: "data after the end", file: TrainLabelsFile,
			spoil: func(t *testing.T, _ []byte) []byte {
				return gzipped(t, cat(idxLabels(t, good.TrainLabels), []byte{0, 0}))
			},
			wantType: &format, wantMsg: "2 bytes of unexpected data after the end",
		},
		{
			name: "more training labels than images", file: TrainLabelsFile,
			spoil:    func(t *testing.T, _ []byte) []byte { return gzipped(t, idxLabels(t, fakeLabels(5, 0))) },
			wantType: &mismatch, wantMsg: "has 4 images but",
		},
		{
			name: "fewer test labels than images", file: TestLabelsFile,
			spoil:    func(t *testing.T, _ []byte) []byte { return gzipped(t, idxLabels(t, fakeLabels(2, 0))) },
			wantType: &mismatch, wantMsg: "has 3 images but",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			files := dataFiles(t, good)
			if tt.spoil == nil {
				delete(files, tt.file)
			} else {
				files[tt.file] = tt.spoil(t, files[tt.file])
			}
			dir := t.TempDir()
			writeFiles(t, dir, files)
			_, err := LoadDir(dir)
			checkError(t, err, tt.wantType, tt.wantMsg)
			if path := filepath.Join(dir, tt.file); err != nil && !strings.Contains(err.Error(), path) {
				t.Errorf("error %q does not name %s", err, path)
			}
		})
	}
}

func TestAMissingFileIsNotExist(t *testing.T) {
	_, err := LoadDir(t.TempDir())
	if !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("errors.Is(%v, fs.ErrNotExist) = false, want true", err)
	}
}

func TestClassNamesMatchThePublishedTable(t *testing.T) {
	want := []string{"T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"}
	for l, name := range want {
		if got := ClassName(uint8(l)); got != name {
			t.Errorf("ClassName(%d) = %q, want %q", l, got, name)
		}
	}
	if got := ClassName(NumClasses); got != "" {
		t.Errorf("ClassName(%d) = %q, want \"\"", NumClasses, got)
	}
}
