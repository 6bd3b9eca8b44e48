package startup

import (
	"bytes"
	"errors"
	"fmt"
	"sync"

	"fashionlab/assets"
)

// Data is the subset as it arrives. The worker script fetches its first
// part (the header, statistics, labels and the first training images)
// before the worker starts; the rest streams in once training has begun,
// or when something needs it. Push and End may be called from any
// goroutine (JavaScript callbacks); everything else belongs to the one
// goroutine that trains, which decodes what was pushed when it calls
// Drain (and Wait).
type Data struct {
	dec     *assets.SubsetDecoder
	header  assets.SubsetHeader
	streams map[streamKey]*assets.SplitStream
	subset  *assets.Subset // once complete
	err     error          // a decoding or download error: no more data

	fetch    func() // asks for the rest of the stream
	fetching bool
	arrived  chan struct{} // something was pushed (capacity 1)

	mu     sync.Mutex
	chunks [][]byte
	ended  bool
	endErr error
}

// NewData decodes first, the beginning of a subset stream, which must hold
// at least the header, the statistics and the labels. fetch asks for the
// rest of the stream, which then arrives through Push and End; it is
// called at most once, and not at all when first is the whole stream.
func NewData(first []byte, fetch func()) (*Data, error) {
	d := &Data{dec: assets.NewSubsetDecoder(), streams: map[streamKey]*assets.SplitStream{}, fetch: fetch, arrived: make(chan struct{}, 1)}
	if _, err := d.dec.Write(first); err != nil {
		return nil, fmt.Errorf("data subset: %w", err)
	}
	h, ok := d.dec.Header()
	if trainLabels, _, _ := d.dec.Labels(); !ok || trainLabels == nil {
		return nil, fmt.Errorf("data subset: its first part ends after %d bytes, before the labels", len(first))
	}
	d.header = h
	if d.dec.Done() {
		if err := d.finish(); err != nil {
			return nil, err
		}
	}
	return d, nil
}

// FromSubset returns the Data of a whole subset.
func FromSubset(s *assets.Subset) (*Data, error) {
	var b bytes.Buffer
	if err := assets.WriteSubset(&b, s); err != nil {
		return nil, fmt.Errorf("data subset: %w", err)
	}
	return NewData(b.Bytes(), nil)
}

// Header returns the sizes the stream announced.
func (d *Data) Header() assets.SubsetHeader { return d.header }

// Push queues the next bytes of the stream.
func (d *Data) Push(chunk []byte) {
	d.mu.Lock()
	d.chunks = append(d.chunks, chunk)
	d.mu.Unlock()
	d.notify()
}

// End says that the stream ended, with the download's error if it failed.
func (d *Data) End(err error) {
	d.mu.Lock()
	d.ended, d.endErr = true, err
	d.mu.Unlock()
	d.notify()
}

func (d *Data) notify() {
	select {
	case d.arrived <- struct{}{}:
	default:
	}
}

// Arrivals is signalled when bytes or the end were pushed.
func (d *Data) Arrivals() <-chan struct{} { return d.arrived }

// FetchRest asks for the rest of the stream, once.
func (d *Data) FetchRest() {
	if d.fetching || d.subset != nil || d.err != nil {
		return
	}
	d.fetching = true
	if d.fetch == nil {
		d.err = errors.New("data subset: the rest of the images cannot be fetched")
		return
	}
	d.fetch()
}

// Drain decodes the bytes pushed so far and converts their images.
func (d *Data) Drain() {
	d.mu.Lock()
	chunks, ended, endErr := d.chunks, d.ended, d.endErr
	d.chunks = nil
	d.mu.Unlock()
	for _, c := range chunks {
		if d.err != nil {
			break
		}
		if _, err := d.dec.Write(c); err != nil {
			d.err = fmt.Errorf("data subset: %w", err)
		}
	}
	for _, s := range d.streams {
		s.Update()
	}
	switch {
	case d.err != nil:
	case d.dec.Done() && d.subset == nil:
		d.err = d.finish()
	case ended && endErr != nil:
		d.err = fmt.Errorf("the rest of the images could not be loaded: %w", endErr)
	case ended && !d.dec.Done():
		d.err = fmt.Errorf("data subset: the stream ended %d bytes early", d.dec.Remaining())
	}
}

func (d *Data) finish() error {
	s, err := d.dec.Subset()
	if err != nil {
		return fmt.Errorf("data subset: %w", err)
	}
	d.subset = s
	return nil
}

// Err returns the error that stopped the data, if any.
func (d *Data) Err() error { return d.err }

// Subset returns the whole subset, or nil until it has arrived.
func (d *Data) Subset() *assets.Subset { return d.subset }

// Wait fetches the rest of the stream if needed and blocks until ok holds
// (after a Drain) or no more data can come.
func (d *Data) Wait(ok func() bool) error {
	for {
		d.Drain()
		if ok() {
			return nil
		}
		if d.err != nil {
			return d.err
		}
		d.FetchRest()
		if d.err != nil {
			return d.err
		}
		<-d.arrived
	}
}

// WaitAll blocks until the whole subset has arrived.
func (d *Data) WaitAll() error {
	return d.Wait(func() bool { return d.subset != nil })
}

// maxLimited bounds the finished splits of limited training sets kept
// beside the (at most two) splits of the whole training part: each holds
// the validation and test images as float32.
const maxLimited = 2

// streamKey identifies a split: normalization and training limit (0: all).
type streamKey struct {
	normalize bool
	limit     int
}

// Stream returns the split of the first limit training images (all with
// limit 0 or the part's size), normalized or not, which fills as the
// images arrive (see assets.SplitStream). A normalized split of fewer
// images takes its statistics from them, so Stream first waits for them
// (asking for the rest of the stream if the first part does not hold
// them).
func (d *Data) Stream(normalize bool, limit int) (*assets.Split, error) {
	if limit == d.header.Train {
		limit = 0
	}
	key := streamKey{normalize, limit}
	if s, ok := d.streams[key]; ok {
		return s.Split(), nil
	}
	if normalize && limit > 0 {
		if err := d.Wait(func() bool { return d.dec.LimitArrived(limit) }); err != nil {
			return nil, err
		}
	}
	s, err := assets.NewLimitedSplitStream(d.dec, normalize, limit)
	if err != nil {
		return nil, err
	}
	if limit > 0 {
		d.forgetLimited()
	}
	d.streams[key] = s
	return s.Split(), nil
}

// forgetLimited drops finished splits of limited training sets while there
// are maxLimited or more of them. A split still filling is kept: Converted
// needs its stream. A split dropped while a run trains on it stays whole.
func (d *Data) forgetLimited() {
	n := 0
	for k := range d.streams {
		if k.limit > 0 {
			n++
		}
	}
	for k, s := range d.streams {
		if n < maxLimited {
			return
		}
		if k.limit > 0 && s.Complete() {
			delete(d.streams, k)
			n--
		}
	}
}

// Converted returns how many training and validation images of sp are
// ready: those converted so far for a split from Stream, all for others.
func (d *Data) Converted(sp *assets.Split) (train, val int) {
	for _, s := range d.streams {
		if s.Split() == sp {
			train, val, _ = s.Converted()
			return train, val
		}
	}
	return sp.Train.N, sp.Val.N
}

// Image appends image i of a part (0 training, 1 validation), scaled to
// [0, 1], to dst and returns its label, waiting for it to arrive.
func (d *Data) Image(part, i int, dst []float32) ([]float32, int, error) {
	err := d.Wait(func() bool {
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
