package wasmsimd

// Func calls one of the module's exported functions with its arguments
// (ints for byte addresses in Go's memory, sizes, strides and flags;
// float32 for scalars) and returns its i32 result, 0 for a function
// without one.
type Func func(args ...any) int

// Kernels are the module's exported functions as Go functions; a nil
// field is one the engine does not have. The worker of a GOOS=js build
// instantiates the module next to Go's and installs its exports with
// Install at start-up (see fashionlab/wasm/simdjs); packages gemm, ops and
// train then call them instead of their pure-Go twins. Elsewhere nothing
// is installed.
type Kernels struct {
	Gemm    Func // ExportName
	PackBT  Func // ExportPackName
	MaxPool Func // ExportMaxPool
	Scatter Func // ExportScatter
	Im2col  Func // ExportIm2col
	Col2im  Func // ExportCol2im
	Adam    Func // ExportAdam
}

// installed is set once, by Install, before any network is built.
var installed Kernels

// Install makes k the kernels that later-built engines and ops use. Call
// it once at start-up, before building networks: gemm engines choose
// their kernel when they are made.
func Install(k Kernels) { installed = k }

// Installed returns the kernels Install installed (all nil without).
func Installed() *Kernels { return &installed }
