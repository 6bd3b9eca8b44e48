// Runs a GOOS=js Go program (a test binary) in Node.js with the SIMD kernel
// installed by site/simd.js, as the site's worker does:
//
//   node node_runner.js WASM_EXEC_JS SIMD_JS GEMM_SIMD_WASM PROGRAM [ARGS...]
'use strict';
const [wasmExec, simdJS, simdWasm, program, ...args] = process.argv.slice(2);
if (!program) {
  console.error('usage: node node_runner.js WASM_EXEC_JS SIMD_JS GEMM_SIMD_WASM PROGRAM [ARGS...]');
  process.exit(2);
}
globalThis.require = require;
globalThis.fs = require('fs');
globalThis.path = require('path');
globalThis.TextEncoder = require('util').TextEncoder;
globalThis.TextDecoder = require('util').TextDecoder;
globalThis.performance ??= require('perf_hooks').performance;
globalThis.crypto ??= require('crypto');
require(path.resolve(wasmExec));
require(path.resolve(simdJS));

(async () => {
  const go = new Go();
  go.argv = [program, ...args];
  go.env = Object.assign({ TMPDIR: require('os').tmpdir() }, process.env);
  go.exit = process.exit;
  const { instance } = await WebAssembly.instantiate(fs.readFileSync(program), go.importObject);
  if (!(await fashionlabInstallSIMD(instance.exports.mem, fs.readFileSync(simdWasm)))) {
    console.error('node_runner: the SIMD kernel could not be installed');
    process.exit(3);
  }
  process.on('exit', (code) => {
    if (code === 0 && !go.exited) {
      // Deadlock: make Go print its error and stack traces.
      go._pendingEvent = { id: 0 };
      go._resume();
    }
  });
  await go.run(instance);
})().catch((err) => {
  console.error(err);
  process.exit(1);
});
