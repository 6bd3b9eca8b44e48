// Command mksubset writes a small part of FashionMNIST in the subset format
// that the browser build downloads (see assets.WriteSubset).
//
// Usage:
//
//	mksubset [-data DIR] [-train N] [-val N] [-test N] [-no-download] -o FILE
//
// The subset holds the first N training images, the first N test images as
// validation images and the next N test images as test images. The data set
// is found as assets.Source describes: in DIR if given, else in
// $FASHIONMNIST_DIR, the directory of the Debian package
// dataset-fashion-mnist, the user's cache directory, or by downloading it.
// The output file is replaced only once it is completely written.
package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"

	"fashionlab/assets"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	err := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	var usage usageError
	switch {
	case err == nil:
	case errors.Is(err, flag.ErrHelp):
	case errors.As(err, &usage):
		fmt.Fprintln(os.Stderr, "mksubset:", err)
		os.Exit(2)
	default:
		fmt.Fprintln(os.Stderr, "mksubset:", err)
		os.Exit(1)
	}
}

// usageError reports flags that make no sense.
type usageError string

func (e usageError) Error() string { return string(e) }

// run does the work of main with the given arguments and outputs.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	flags := flag.NewFlagSet("mksubset", flag.ContinueOnError)
	flags.SetOutput(stderr)
	var (
		dataDir    = flags.String("data", "", "`directory` holding the four FashionMNIST .gz files (default: search and download as needed)")
		nTrain     = flags.Int("train", 12000, "number of training images, taken from the front of the training set")
		nVal       = flags.Int("val", 2000, "number of validation images, taken from the front of the test set")
		nTest      = flags.Int("test", 2000, "number of test images, taken from the test set after the validation images")
		out        = flags.String("o", "", "output `file` (required)")
		noDownload = flags.Bool("no-download", false, "fail instead of downloading when the data set is not found")
	)
	flags.Usage = func() {
		fmt.Fprintln(flags.Output(), "usage: mksubset [-data DIR] [-train N] [-val N] [-test N] [-no-download] -o FILE")
		flags.PrintDefaults()
	}
	if err := flags.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return usageError(err.Error())
	}
	switch {
	case flags.NArg() > 0:
		return usageError(fmt.Sprintf("unexpected argument %q", flags.Arg(0)))
	case *out == "":
		return usageError("-o is required")
	case *nTrain < 1:
		return usageError(fmt.Sprintf("-train is %d, want at least 1", *nTrain))
	case *nTrain > assets.NumTrain:
		return usageError(fmt.Sprintf("-train is %d, but there are only %d training images", *nTrain, assets.NumTrain))
	case *nVal < 0 || *nTest < 0:
		return usageError(fmt.Sprintf("-val is %d and -test is %d, want neither negative", *nVal, *nTest))
	case *nVal+*nTest > assets.NumTest:
		return usageError(fmt.Sprintf("-val %d plus -test %d exceeds the %d test images", *nVal, *nTest, assets.NumTest))
	}

	src := assets.Source{Dir: *dataDir, NoDownload: *noDownload, Progress: stderr}
	dir, err := src.Locate(ctx)
	if err != nil {
		return err
	}
	raw, err := assets.LoadDir(dir)
	if err != nil {
		return err
	}
	sub, err := raw.Subset(*nTrain, *nVal, *nTest)
	if err != nil {
		return err
	}
	size, err := writeFile(*out, sub)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "wrote %s: %d training, %d validation and %d test images of %dx%d from %s (%d bytes)\n",
		*out, sub.Train.N, sub.Val.N, sub.Test.N, sub.Train.Rows, sub.Train.Cols, dir, size)
	return nil
}

// writeFile writes sub to path through a temporary file in the same
// directory, so that path is never left half-written, and returns the size.
func writeFile(path string, sub *assets.Subset) (size int64, err error) {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return 0, err
	}
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".*.part")
	if err != nil {
		return 0, err
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	w := bufio.NewWriter(tmp)
	if err := assets.WriteSubset(w, sub); err != nil {
		return 0, fmt.Errorf("writing %s: %w", path, err)
	}
	if err := w.Flush(); err != nil {
		return 0, fmt.Errorf("writing %s: %w", path, err)
	}
	st, err := tmp.Stat()
	if err != nil {
		return 0, err
	}
	if err := tmp.Chmod(0o644); err != nil {
		return 0, err
	}
	if err := tmp.Close(); err != nil {
		return 0, fmt.Errorf("writing %s: %w", path, err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return 0, err
	}
	return st.Size(), nil
}
