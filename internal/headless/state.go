//go:build !js

package headless

import (
	"context"
	"encoding/json"
	"time"

	"github.com/chromedp/chromedp"
)

// PageState is the Go mirror of what the page's window.fashionlab.state()
// returns, as far as the end-to-end tests, the browser benchmark and the
// screenshot read it. The page's state object is the source: a field the
// page does not report stays at its zero value.
type PageState struct {
	Demo     string `json:"demo"`
	Embed    bool   `json:"embed"`
	Present  bool   `json:"present"`
	Mode     string `json:"mode"`
	Worker   string `json:"worker"`
	Ready    *struct{ Train, Val, Test int }
	Errors   []string `json:"errors"`
	Messages []struct {
		Key  string `json:"key"`
		Text string `json:"text"`
		Kind string `json:"kind"`
	} `json:"messages"`
	Form struct {
		Params   *int `json:"params"`
		Problems []struct {
			Field   string `json:"field"`
			Message string `json:"message"`
		} `json:"problems"`
		Pending bool `json:"pending"`
	} `json:"form"`
	CanvasReady  bool `json:"canvasReady"`
	Restarts     int  `json:"restarts"`
	Equivariance *struct {
		Source    string  `json:"source"`
		ShiftMax  float64 `json:"shiftMax"`
		RotateMax float64 `json:"rotateMax"`
		Scale     float64 `json:"scale"`
	} `json:"equivariance"`
	Maps *struct {
		Layers []struct{ H, W, C int } `json:"layers"`
	} `json:"maps"`
	Predictions *struct {
		N        int     `json:"n"`
		Accuracy float64 `json:"accuracy"`
		Run      *int    `json:"run"`
	} `json:"predictions"`
	Queued     []int      `json:"queued"`
	Current    *int       `json:"current"`
	NetworkRun *int       `json:"networkRun"`
	Runs       []RunState `json:"runs"`
	// Workers is how many Go instances train a step, as the worker
	// reports; SIMD whether its SIMD kernels run.
	Workers *int  `json:"workers"`
	SIMD    *bool `json:"simd"`
	// ReadyMs and FirstStepMs are the page's clock (ms since navigation)
	// when the worker had loaded its data and when the first training step
	// finished.
	ReadyMs     *float64 `json:"readyMs"`
	FirstStepMs *float64 `json:"firstStepMs"`
	// Frames counts the page's animation frames while it measures them.
	Frames struct {
		Count    int     `json:"count"`
		MaxGapMs float64 `json:"maxGapMs"`
		Seconds  float64 `json:"seconds"`
	} `json:"frames"`
}

// RunState is one run of PageState.
type RunState struct {
	ID          int     `json:"id"`
	Label       string  `json:"label"`
	Demo        string  `json:"demo"`
	Status      string  `json:"status"`
	Reason      string  `json:"reason"`
	Params      int     `json:"params"`
	StepsDone   int     `json:"stepsDone"`
	EpochsTotal int     `json:"epochsTotal"`
	ImagesPS    float64 `json:"imagesPerSec"`
	Images      float64 `json:"images"`
	Seconds     float64 `json:"seconds"`
	Epochs      []struct {
		Epoch    int      `json:"epoch"`
		TrainAcc *float64 `json:"train_acc"`
		ValAcc   *float64 `json:"val_acc"`
	} `json:"epochs"`
}

// String gives the state as JSON, cut after 1,500 bytes, for test failures.
func (s PageState) String() string {
	b, _ := json.Marshal(s)
	if len(b) > 1500 {
		b = append(b[:1500], "…"...)
	}
	return string(b)
}

// ReadState returns the state of the page open in ctx's tab; before the
// page has set up window.fashionlab, a zero state.
func ReadState(ctx context.Context) (PageState, error) {
	return chromedp.Run(ctx, chromedp.Evaluate[PageState](`window.fashionlab ? window.fashionlab.state() : {}`))
}

// WaitState reads the state of the page open in ctx's tab every 50 ms until
// ok accepts it, and returns that state; when ctx ends first, it returns
// the last state read and the context's error.
func WaitState(ctx context.Context, ok func(PageState) bool) (PageState, error) {
	for {
		s, err := ReadState(ctx)
		if err == nil && ok(s) {
			return s, nil
		}
		select {
		case <-ctx.Done():
			return s, ctx.Err()
		case <-time.After(50 * time.Millisecond):
		}
	}
}
