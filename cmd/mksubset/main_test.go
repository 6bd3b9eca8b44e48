package main

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fashionlab/assets"
)

// writeDataDir writes a small data set of nTrain training and nTest test
// images into a new directory and returns it.
func writeDataDir(t *testing.T, nTrain, nTest int) string {
	t.Helper()
	dir := t.TempDir()
	images := func(n int) *assets.Images {
		im := &assets.Images{N: n, Rows: 28, Cols: 28, Pixels: make([]uint8, n*784)}
		for i := range im.Pixels {
			im.Pixels[i] = uint8(i / 784)
		}
		return im
	}
	labels := func(n int) []uint8 {
		l := make([]uint8, n)
		for i := range l {
			l[i] = uint8(i % 10)
		}
		return l
	}
	write := func(name string, encode func(io.Writer) error) {
		var b bytes.Buffer
		zw := gzip.NewWriter(&b)
		if err := encode(zw); err != nil {
			t.Fatal(err)
		}
		if err := zw.Close(); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), b.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write(assets.TrainImagesFile, func(w io.Writer) error { return assets.WriteImages(w, images(nTrain)) })
	write(assets.TrainLabelsFile, func(w io.Writer) error { return assets.WriteLabels(w, labels(nTrain)) })
	write(assets.TestImagesFile, func(w io.Writer) error { return assets.WriteImages(w, images(nTest)) })
	write(assets.TestLabelsFile, func(w io.Writer) error { return assets.WriteLabels(w, labels(nTest)) })
	return dir
}

func TestMksubsetWritesTheRequestedSubset(t *testing.T) {
	data := writeDataDir(t, 20, 10)
	out := filepath.Join(t.TempDir(), "site-build", "data", "fashion-subset.bin")
	var stdout, stderr bytes.Buffer
	err := run(context.Background(), []string{"-data", data, "-train", "12", "-val", "3", "-test", "4", "-o", out}, &stdout, &stderr)
	if err != nil {
		t.Fatalf("run: %v (stderr %q)", err, stderr.String())
	}
	written, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	s, err := assets.ReadSubset(bytes.NewReader(written))
	if err != nil {
		t.Fatal(err)
	}
	if s.Train.N != 12 || s.Val.N != 3 || s.Test.N != 4 {
		t.Errorf("subset has %d/%d/%d images, want 12/3/4", s.Train.N, s.Val.N, s.Test.N)
	}
	if s.Test.Pixels[0] != 3 {
		t.Errorf("first test image is test image %d, want 3", s.Test.Pixels[0])
	}
	want := "wrote " + out + ": 12 training, 3 validation and 4 test images of 28x28 from " + data
	if !strings.Contains(stdout.String(), want) {
		t.Errorf("output %q does not contain %q", stdout.String(), want)
	}
	entries, _ := os.ReadDir(filepath.Dir(out))
	if len(entries) != 1 {
		t.Errorf("output directory holds %d entries, want only the subset", len(entries))
	}
}

func TestMksubsetRejectsBadFlags(t *testing.T) {
	tests := []struct {
		name    string
		args    []string
		wantMsg string
	}{
		{"no output file", []string{"-train", "10"}, "-o is required"},
		{"no training images", []string{"-train", "0", "-o", "x"}, "-train is 0, want at least 1"},
		{"more training images than exist", []string{"-train", "60001", "-o", "x"}, "only 60000 training images"},
		{"a negative validation size", []string{"-val", "-1", "-o", "x"}, "-val is -1"},
		{"more held-out images than test images", []string{"-val", "6000", "-test", "5000", "-o", "x"}, "exceeds the 10000 test images"},
		{"a stray argument", []string{"-o", "x", "extra"}, `unexpected argument "extra"`},
		{"an unknown flag", []string{"-frobnicate"}, "flag provided but not defined"},
		{"a count that is not a number", []string{"-train", "many", "-o", "x"}, "invalid value"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := run(context.Background(), tt.args, io.Discard, io.Discard)
			var usage usageError
			if !errors.As(err, &usage) {
				t.Fatalf("run error = %v, want a usage error", err)
			}
			if !strings.Contains(err.Error(), tt.wantMsg) {
				t.Errorf("error %q does not contain %q", err, tt.wantMsg)
			}
		})
	}
}

func TestMksubsetReportsAnIncompleteDataDirectory(t *testing.T) {
	data := writeDataDir(t, 5, 5)
	if err := os.Remove(filepath.Join(data, assets.TestLabelsFile)); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "subset.bin")
	err := run(context.Background(), []string{"-data", data, "-train", "2", "-val", "1", "-test", "1", "-o", out}, io.Discard, io.Discard)
	var missing *assets.MissingError
	if !errors.As(err, &missing) || !strings.Contains(err.Error(), assets.TestLabelsFile) {
		t.Errorf("run error = %v, want a MissingError naming %s", err, assets.TestLabelsFile)
	}
	if _, statErr := os.Stat(out); !errors.Is(statErr, os.ErrNotExist) {
		t.Errorf("output file exists after a failure")
	}
}

func TestMksubsetReportsDataTooSmallForTheSubset(t *testing.T) {
	data := writeDataDir(t, 5, 5)
	err := run(context.Background(), []string{"-data", data, "-train", "6", "-o", filepath.Join(t.TempDir(), "s.bin")}, io.Discard, io.Discard)
	var option assets.OptionError
	if !errors.As(err, &option) {
		t.Errorf("run error = %v, want an assets.OptionError", err)
	}
}
