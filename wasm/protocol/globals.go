package protocol

// The globals that the page's scripts and the Go programs share: the
// contract between them, beside the messages. A worker script (classic
// scripts loaded with importScripts share one global scope) sets or reads
// each under its name; Go looks it up with js.Global(). Every fashionlab…
// global that a worker script and Go both use is a row of Globals, and Go
// spells it only through these constants; a test fails when a script or a
// Go file of wasm/ uses another. Names a script declares for itself (its
// own functions) are not part of the contract.
const (
	// GlobalPending is the commands that arrived before Go ran (an array;
	// worker.js fills it, the worker program reads and deletes it).
	GlobalPending = "fashionlabPending"
	// GlobalSubset is the data subset's first part (a Uint8Array; worker.js
	// sets it, the worker program reads and deletes it).
	GlobalSubset = "fashionlabSubset"
	// GlobalFetchRest is fetchRest(onChunk, onEnd), which streams the
	// subset's other parts (worker.js sets it; the worker program calls it
	// after the first step).
	GlobalFetchRest = "fashionlabFetchRest"
	// GlobalShards is the helper workers' host ({begin, post, ready,
	// onresult, onchange, workers}; shards.js sets it when helpers train,
	// the worker program drives it).
	GlobalShards = "fashionlabShards"
	// GlobalShardHelper is true in a helper worker (shard-worker.js sets
	// it before Go runs; the program then computes shards only).
	GlobalShardHelper = "fashionlabShardHelper"
	// GlobalShard is shard(request), the helper program's answer to one
	// shard (the program sets it; shard-worker.js calls it).
	GlobalShard = "fashionlabShard"
	// GlobalShardReady is called by the helper program once it can answer
	// (shard-worker.js sets it).
	GlobalShardReady = "fashionlabShardReady"
	// GlobalGemmSIMD, GlobalGemmSIMDPackBT and GlobalSIMDKernels are the
	// SIMD kernels' functions (simd.js sets them from gemm-simd.wasm; the
	// model's kernels look them up, the worker program reports whether
	// they are there).
	GlobalGemmSIMD       = "fashionlabGemmSIMD"
	GlobalGemmSIMDPackBT = "fashionlabGemmSIMDPackBT"
	GlobalSIMDKernels    = "fashionlabSIMDKernels"
	// GlobalCanvas is the canvas program's API in canvas.html's window
	// (the program sets it; canvas-bridge.js calls it), and
	// GlobalCanvasError why that program could not start (canvas.html).
	GlobalCanvas      = "fashionlabCanvas"
	GlobalCanvasError = "fashionlabCanvasError"
)

// Globals lists the contract's names (the constants above).
func Globals() []string {
	return []string{GlobalPending, GlobalSubset, GlobalFetchRest, GlobalShards, GlobalShardHelper, GlobalShard, GlobalShardReady,
		GlobalGemmSIMD, GlobalGemmSIMDPackBT, GlobalSIMDKernels, GlobalCanvas, GlobalCanvasError}
}
