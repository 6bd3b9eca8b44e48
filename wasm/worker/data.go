//go:build js && wasm

package main

import (
	"errors"
	"fmt"
	"sync"
	"syscall/js"

	"fashionlab/assets"
	"fashionlab/wasm/internal/jsbridge"
)

// data is the subset as it arrives: the worker script fetched its first
// part (the header, statistics, labels and the first training images)
// before Go started; the rest streams in once training has begun, or when
// something needs it. Only the worker's loop goroutine decodes; the
// JavaScript callbacks only queue the bytes.
type data struct {
	dec     *assets.SubsetDecoder
	header  assets.SubsetHeader
	streams map[bool]*assets.SplitStream // by normalization
	subset  *assets.Subset               // once complete

	fetching bool
	arrived  chan struct{} // a chunk or the end arrived (capacity 1)

	mu     sync.Mutex
	chunks [][]byte
	ended  bool
	endErr error
	err    error // a decoding or fetching error: no more data will come
}

// newData decodes the first part of the subset.
func newData(first js.Value) (*data, error) {
	if !first.Truthy() {
		return nil, errors.New("worker: no data subset was loaded")
	}
	d := &data{dec: assets.NewSubsetDecoder(), streams: map[bool]*assets.SplitStream{}, arrived: make(chan struct{}, 1)}
	if _, err := d.dec.Write(jsbridge.Bytes(first)); err != nil {
		return nil, fmt.Errorf("worker: data subset: %w", err)
	}
	h, ok := d.dec.Header()
	if !ok {
		return nil, errors.New("worker: data subset: the first part ends inside the header")
	}
	if trainLabels, _, _ := d.dec.Labels(); trainLabels == nil {
		return nil, errors.New("worker: data subset: the first part ends before the labels")
	}
	d.header = h
	if d.dec.Done() {
		if err := d.finish(); err != nil {
			return nil, err
		}
	}
	return d, nil
}

// fetchRest asks the worker script for the rest of the subset, once.
func (d *data) fetchRest() {
	if d.fetching || d.dec.Done() {
		return
	}
	d.fetching = true
	fetch := js.Global().Get("fashionlabFetchRest")
	if fetch.Type() != js.TypeFunction {
		d.end(errors.New("the worker script cannot fetch the rest of the data"))
		return
	}
	var onChunk, onEnd js.Func
	onChunk = js.FuncOf(func(_ js.Value, args []js.Value) any {
		chunk := jsbridge.Bytes(args[0])
		d.mu.Lock()
		d.chunks = append(d.chunks, chunk)
		d.mu.Unlock()
		d.notify()
		return nil
	})
	onEnd = js.FuncOf(func(_ js.Value, args []js.Value) any {
		var err error
		if msg := args[0].String(); msg != "" {
			err = errors.New(msg)
		}
		d.end(err)
		onChunk.Release()
		onEnd.Release()
		return nil
	})
	fetch.Invoke(onChunk, onEnd)
}

func (d *data) end(err error) {
	d.mu.Lock()
	d.ended, d.endErr = true, err
	d.mu.Unlock()
	d.notify()
}

func (d *data) notify() {
	select {
	case d.arrived <- struct{}{}:
	default:
	}
}

// drain decodes the bytes that arrived and converts their images.
func (d *data) drain() {
	d.mu.Lock()
	chunks, ended, endErr := d.chunks, d.ended, d.endErr
	d.chunks = nil
	d.mu.Unlock()
	for _, c := range chunks {
		if d.err != nil {
			break
		}
		if _, err := d.dec.Write(c); err != nil {
			d.err = fmt.Errorf("worker: data subset: %w", err)
		}
	}
	for _, s := range d.streams {
		s.Update()
	}
	switch {
	case d.err != nil:
	case d.dec.Done() && d.subset == nil:
		if err := d.finish(); err != nil {
			d.err = err
		}
	case ended && endErr != nil:
		d.err = fmt.Errorf("worker: the rest of the data subset could not be loaded: %w", endErr)
	case ended && !d.dec.Done():
		d.err = fmt.Errorf("worker: the data subset ended %d bytes early", d.dec.Remaining())
	}
}

func (d *data) finish() error {
	s, err := d.dec.Subset()
	if err != nil {
		return fmt.Errorf("worker: data subset: %w", err)
	}
	d.subset = s
	return nil
}

// complete reports whether the whole subset has arrived.
func (d *data) complete() bool { return d.subset != nil }

// wait fetches the rest of the data if needed and blocks (returning to
// the JavaScript event loop) until ok holds or no more data can come.
func (d *data) wait(ok func() bool) error {
	for {
		d.drain()
		if ok() {
			return nil
		}
		if d.err != nil {
			return d.err
		}
		d.fetchRest()
		<-d.arrived
	}
}

// waitAll blocks until the whole subset has arrived.
func (d *data) waitAll() error { return d.wait(d.complete) }

// stream returns the split of the whole training part, normalized or not,
// filling as the data arrives.
func (d *data) stream(normalize bool) (*assets.Split, error) {
	if s, ok := d.streams[normalize]; ok {
		return s.Split(), nil
	}
	s, err := assets.NewSplitStream(d.dec, normalize)
	if err != nil {
		return nil, fmt.Errorf("worker: %w", err)
	}
	d.streams[normalize] = s
	return s.Split(), nil
}

// converted returns how many training and validation images of a split
// from stream are ready (every image for other splits).
func (d *data) converted(sp *assets.Split) (train, val int) {
	for _, s := range d.streams {
		if s.Split() == sp {
			train, val, _ = s.Converted()
			return train, val
		}
	}
	return sp.Train.N, sp.Val.N
}

// rawImage returns image i of a part (0 training, 1 validation) in
// [0, 1] and its label, waiting for it to arrive.
func (d *data) rawImage(part, i int, dst []float32) ([]float32, int, error) {
	err := d.wait(func() bool {
		tr, val, _ := d.dec.Arrived()
		return i < [2]int{tr, val}[part]
	})
	if err != nil {
		return dst, 0, err
	}
	for _, p := range d.dec.Pixels(part, i) {
		dst = append(dst, float32(p)/255)
	}
	trl, vl, _ := d.dec.Labels()
	return dst, int([2][]uint8{trl, vl}[part][i]), nil
}
