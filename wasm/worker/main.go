//go:build js && wasm

// Command worker is FashionLab's training worker: a Go wasm program that
// runs in a dedicated Web Worker, loads the FashionMNIST subset the worker
// script fetches (its first training images first, the rest while the first
// steps train), and trains the homework's networks with packages model and
// model/train while the page stays responsive. It speaks package protocol
// over postMessage.
package main

import (
	"runtime"
	"syscall/js"

	"fashionlab/wasm/internal/jsbridge"
	"fashionlab/wasm/protocol"
)

func main() {
	// wasm runs one thread; one worker goroutine keeps the model's gemm
	// engine single-threaded too.
	runtime.GOMAXPROCS(1)
	global := js.Global()
	commands := make(chan protocol.Message, 64)
	onMessage := js.FuncOf(func(this js.Value, args []js.Value) any {
		// Never block here: decode, queue, return to the event loop.
		receive(commands, args[0].Get("data"))
		return nil
	})
	global.Set("onmessage", onMessage)

	d, err := newData(global.Get("fashionlabSubset"))
	if err != nil {
		post(protocol.Error{Message: err.Error()})
		select {}
	}
	global.Delete("fashionlabSubset")
	w := newWorker(d)
	post(protocol.Ready{Train: d.header.Train, Val: d.header.Val, Test: d.header.Test})
	// Commands that arrived while the wasm binary was starting.
	if pending := global.Get("fashionlabPending"); pending.Truthy() {
		for i := range pending.Length() {
			receive(commands, pending.Index(i))
		}
		global.Delete("fashionlabPending")
	}
	go w.loop(commands)
	select {}
}

// receive decodes one command and queues it, or answers with an error.
func receive(commands chan<- protocol.Message, data js.Value) {
	form, _ := jsbridge.ToGo(data).(map[string]any)
	m, err := protocol.DecodeCommand(form)
	if err != nil {
		kind, _ := form["kind"].(string)
		post(protocol.Error{Command: kind, Message: err.Error()})
		return
	}
	select {
	case commands <- m:
	default:
		post(protocol.Error{Command: m.Kind(), Message: "worker: too many commands queued; try again"})
	}
}

// post sends an event to the page.
func post(m protocol.Message) { jsbridge.Post(protocol.Encode(m)) }
