//go:build js

package main

import (
	"errors"
	"io"
)

const workerArg = "-worker"

// runWorker is unavailable in the browser build, which cannot start
// subprocesses or read the data set from disk.
func runWorker([]string, io.Writer) error {
	return errors.New("the benchmark runs natively only")
}
