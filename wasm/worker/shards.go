//go:build js && wasm

package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"time"
	"unsafe"

	"syscall/js"

	"fashionlab/model"
	"fashionlab/model/gemm/wasmsimd"
	"fashionlab/model/train"
	"fashionlab/wasm/internal/jsbridge"
	"fashionlab/wasm/protocol"
)

// The data-parallel part of the worker. The worker script (site/shards.js)
// starts helper Web Workers that run this same binary in helper mode
// (site/shard-worker.js sets fashionlabShardHelper before go.run): a helper
// computes the gradient of one shard of a batch with the weights it is
// sent (train.ShardWorker) and answers with it. The training worker holds
// the data, the run and the optimizer; jsShards hands shards 1 … n−1 to the
// ready helpers through the script's fashionlabShards object and waits for
// their gradients, which the Trainer adds in shard order.

// shardTimeout is how long a step waits for a helper before computing its
// shard itself.
const shardTimeout = 20 * time.Second

var uint8Array = js.Global().Get("Uint8Array")

// float32sFromJS copies the Float32Array v into dst, which must have its
// length, or fails.
func float32sFromJS(dst []float32, v js.Value) error {
	if v.Type() != js.TypeObject || v.Get("length").Int() != len(dst) {
		return fmt.Errorf("a gradient of %v values for %d parameters", v.Get("length"), len(dst))
	}
	if len(dst) == 0 {
		return nil
	}
	bytes := uint8Array.New(v.Get("buffer"), v.Get("byteOffset"), len(dst)*4)
	js.CopyBytesToGo(unsafe.Slice((*byte)(unsafe.Pointer(&dst[0])), len(dst)*4), bytes)
	return nil
}

// bytesToJS returns a new Uint8Array holding b.
func bytesToJS(b []byte) js.Value {
	out := uint8Array.New(len(b))
	js.CopyBytesToJS(out, b)
	return out
}

// runShardHelper serves shard requests forever: it installs
// fashionlabShard(request) for the helper script, which calls it for every
// message from the training worker and posts back what it returns.
func runShardHelper(global js.Value) {
	var (
		worker  train.ShardWorker
		cfgText string
		cfg     model.Config
		weights []float32
		x       []float32
		grad    []float32
	)
	compute := func(req js.Value) (map[string]any, error) {
		if text := req.Get("config").String(); text != cfgText {
			var c model.Config
			if err := json.Unmarshal([]byte(text), &c); err != nil {
				return nil, fmt.Errorf("configuration: %w", err)
			}
			cfg, cfgText = c, text
		}
		jw, jx := req.Get("weights"), req.Get("x")
		weights = resize(weights, jw.Get("length").Int())
		x = resize(x, jx.Get("length").Int())
		if err := float32sFromJS(weights, jw); err != nil {
			return nil, fmt.Errorf("weights: %w", err)
		}
		if err := float32sFromJS(x, jx); err != nil {
			return nil, fmt.Errorf("inputs: %w", err)
		}
		y := make([]byte, req.Get("y").Get("length").Int())
		js.CopyBytesToGo(y, req.Get("y"))
		grad = resize(grad, len(weights))
		r, err := worker.Compute(cfg, weights, x, y, req.Get("total").Int(), grad)
		if err != nil {
			return nil, err
		}
		return map[string]any{
			"grad": jsbridge.NewFloat32Array(grad), "rows": r.Rows, "loss_sum": r.LossSum, "correct": r.Correct, "clamped": r.Clamped,
		}, nil
	}
	global.Set(protocol.GlobalShard, js.FuncOf(func(_ js.Value, args []js.Value) any {
		out, err := compute(args[0])
		if err != nil {
			out = map[string]any{"error": err.Error()}
		}
		out["seq"], out["shard"] = args[0].Get("seq"), args[0].Get("shard")
		return out
	}))
	if ready := global.Get(protocol.GlobalShardReady); ready.Type() == js.TypeFunction {
		ready.Invoke()
	}
	select {}
}

// resize returns buf with length n, reusing its memory when it can.
func resize(buf []float32, n int) []float32 {
	if cap(buf) < n {
		return make([]float32, n)
	}
	return buf[:n]
}

// jsShards is the training worker's train.Shards: every batch is cut into
// as many shards as the page asked for workers, and shard i goes to the i-th
// helper when it is ready (else the Trainer computes it), so a run's numbers
// depend on the worker count alone, not on when the helpers became ready.
type jsShards struct {
	host    js.Value // the worker script's fashionlabShards
	replies chan js.Value
	seq     int
	early   map[int]js.Value // replies of this step not yet asked for, by shard
	cfg     model.Config
	cfgText string
}

// newJSShards connects to the worker script's fashionlabShards, or returns
// nil when the script started no helpers. Every change in the number of
// ready helpers is posted to the page as a Workers event.
func newJSShards(post func(protocol.Message)) *jsShards {
	host := js.Global().Get(protocol.GlobalShards)
	if host.Type() != js.TypeObject {
		return nil
	}
	s := &jsShards{host: host, replies: make(chan js.Value, 64), early: map[int]js.Value{}}
	host.Set("onresult", js.FuncOf(func(_ js.Value, args []js.Value) any {
		select {
		case s.replies <- args[0]:
		default: // a reply nobody waits for any more
		}
		return nil
	}))
	host.Set("onchange", js.FuncOf(func(_ js.Value, args []js.Value) any {
		post(s.workers(args[0].Int()))
		return nil
	}))
	return s
}

// workers is the Workers event when ready helpers are ready.
func (s *jsShards) workers(ready int) protocol.Workers {
	return protocol.Workers{Workers: ready + 1, Requested: s.host.Get("workers").Int(), SIMD: simdInstalled()}
}

// simdInstalled reports whether the model runs the SIMD kernel
// (simdjs.Install found it).
func simdInstalled() bool { return wasmsimd.Installed().Gemm != nil }

// Count returns 1 plus the helpers the worker script has, ready or not;
// it begins a step.
func (s *jsShards) Count() int {
	s.seq++
	clear(s.early)
	return s.host.Call("begin", s.seq).Int() + 1
}

// Send posts shard i to its helper, with copies of the weights and data.
func (s *jsShards) Send(i int, cfg model.Config, weights, x []float32, y []uint8, total int) error {
	if s.cfgText == "" || cfg.String() != s.cfg.String() {
		b, err := json.Marshal(cfg)
		if err != nil {
			return fmt.Errorf("configuration: %w", err)
		}
		s.cfg, s.cfgText = cfg.Clone(), string(b)
	}
	req := js.ValueOf(map[string]any{
		"seq": s.seq, "shard": i, "config": s.cfgText, "total": total,
		"weights": jsbridge.NewFloat32Array(weights), "x": jsbridge.NewFloat32Array(x), "y": bytesToJS(y),
	})
	if ok := s.host.Call("post", i, req); !ok.Truthy() {
		return errors.New("its helper worker is gone")
	}
	return nil
}

// Receive waits for shard i's reply of this step and copies its gradient.
func (s *jsShards) Receive(i int, grad []float32) (train.ShardResult, error) {
	timeout := time.NewTimer(shardTimeout)
	defer timeout.Stop()
	for {
		if r, ok := s.early[i]; ok {
			delete(s.early, i)
			return readReply(r, grad)
		}
		select {
		case r := <-s.replies:
			if r.Get("seq").Int() == s.seq {
				s.early[r.Get("shard").Int()] = r
			}
		case <-timeout.C:
			return train.ShardResult{}, fmt.Errorf("no answer from its helper worker in %v", shardTimeout)
		}
	}
}

// readReply reads a helper's reply into grad and a ShardResult.
func readReply(r js.Value, grad []float32) (train.ShardResult, error) {
	if e := r.Get("error"); e.Truthy() {
		return train.ShardResult{}, errors.New(e.String())
	}
	if err := float32sFromJS(grad, r.Get("grad")); err != nil {
		return train.ShardResult{}, err
	}
	return train.ShardResult{Rows: r.Get("rows").Int(), LossSum: r.Get("loss_sum").Float(), Correct: r.Get("correct").Int(), Clamped: r.Get("clamped").Int()}, nil
}
