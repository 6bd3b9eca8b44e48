//go:build js && wasm

// Command worker is FashionLab's training worker: a Go wasm program that
// runs in a dedicated Web Worker, loads the FashionMNIST subset the worker
// script fetches (its first training images first, the rest while the first
// steps train), and trains the homework's networks while the page stays
// responsive. It speaks package protocol over postMessage; the command
// handling and the training loop are package session, and this file only
// connects them to JavaScript. The same binary runs in the worker's helper
// workers, which compute shards of each batch (shards.go).
package main

import (
	"errors"
	"runtime"
	"syscall/js"

	"fashionlab/wasm/internal/jsbridge"
	"fashionlab/wasm/protocol"
	"fashionlab/wasm/simdjs"
	"fashionlab/wasm/startup"
	"fashionlab/wasm/worker/session"
)

// queueSize bounds the commands waiting for the training loop.
const queueSize = 64

func main() {
	// wasm runs one thread; one worker goroutine keeps the model's gemm
	// engine single-threaded too.
	runtime.GOMAXPROCS(1)
	// The worker script instantiated the SIMD module before Go started;
	// the model's engines and ops use it from here on.
	simdjs.Install()
	global := js.Global()
	if global.Get(protocol.GlobalShardHelper).Truthy() {
		// A helper of another training worker: it computes shards only.
		runShardHelper(global)
	}
	mark(global, "go-main")
	forms := make(chan map[string]any, queueSize)
	started := false
	onMessage := js.FuncOf(func(this js.Value, args []js.Value) any {
		// Never block here: convert, queue, return to the event loop.
		data := args[0].Get("data")
		if !started && data.Get("kind").String() == protocol.KindStart {
			started = true
			mark(global, "start-received")
		}
		receive(forms, data)
		return nil
	})
	global.Set("onmessage", onMessage)

	d, err := loadSubset(global.Get(protocol.GlobalSubset))
	if err != nil {
		post(protocol.Error{Message: "The training worker could not read the images: " + err.Error(), Fatal: true})
		select {}
	}
	global.Delete(protocol.GlobalSubset)
	mark(global, "subset-decoded")
	s := session.NewStreaming(d, markFirstStep(global, post))
	s.Ready()
	if shards := newJSShards(post); shards != nil {
		s.SetShards(shards)
		post(shards.workers(shards.host.Call("ready").Int()))
	} else {
		post(protocol.Workers{Workers: 1, Requested: 1, SIMD: simdInstalled()})
	}
	// Commands that arrived while the wasm binary was starting.
	if pending := global.Get(protocol.GlobalPending); pending.Truthy() {
		for i := range pending.Length() {
			receive(forms, pending.Index(i))
		}
		global.Delete(protocol.GlobalPending)
	}
	s.WarmUpWhenIdle()
	go s.Loop(forms)
	select {}
}

// mark records a start-up instant in the worker's performance timeline
// as fashionlab:name.
func mark(global js.Value, name string) {
	if p := global.Get("performance"); p.Truthy() {
		p.Call("mark", "fashionlab:"+name)
	}
}

// markFirstStep returns post, which also marks the first step statistics
// it sends as first-step-sent.
func markFirstStep(global js.Value, post func(protocol.Message)) func(protocol.Message) {
	sent := false
	return func(m protocol.Message) {
		post(m)
		if _, ok := m.(protocol.Steps); ok && !sent {
			sent = true
			mark(global, "first-step-sent")
		}
	}
}

// receive queues one command in map form, or answers that the queue is
// full.
func receive(forms chan<- map[string]any, data js.Value) {
	form, _ := jsbridge.ToGo(data).(map[string]any)
	select {
	case forms <- form:
	default:
		kind, _ := form["kind"].(string)
		post(protocol.Error{Command: protocol.CommandKind(kind), Message: "The worker has too many commands waiting; try again in a moment."})
	}
}

// loadSubset decodes the subset's first part, which the worker script
// fetched, and arranges for the rest to stream in through
// fashionlabFetchRest when the session asks for it.
func loadSubset(first js.Value) (*startup.Data, error) {
	if !first.Truthy() {
		return nil, errors.New("no data subset was loaded")
	}
	var d *startup.Data
	fetch := func() {
		fetchRest := js.Global().Get(protocol.GlobalFetchRest)
		if fetchRest.Type() != js.TypeFunction {
			d.End(errors.New("the worker script cannot fetch the rest of the images"))
			return
		}
		var onChunk, onEnd js.Func
		onChunk = js.FuncOf(func(_ js.Value, args []js.Value) any {
			d.Push(jsbridge.Bytes(args[0]))
			return nil
		})
		onEnd = js.FuncOf(func(_ js.Value, args []js.Value) any {
			var err error
			if msg := args[0].String(); msg != "" {
				err = errors.New(msg)
			}
			d.End(err)
			onChunk.Release()
			onEnd.Release()
			return nil
		})
		fetchRest.Invoke(onChunk, onEnd)
	}
	d, err := startup.NewData(jsbridge.Bytes(first), fetch)
	if err != nil {
		return nil, err
	}
	return d, nil
}

// post sends an event to the page.
func post(m protocol.Message) { jsbridge.Post(protocol.Encode(m)) }
