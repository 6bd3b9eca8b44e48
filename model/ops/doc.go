// Package ops holds the batched differentiable operations FashionLab's
// networks are made of, written as spago ag.AutoGradFunctions so that
// spago's graph (ag.Backward, parameters) composes them.
//
// # Layout
//
// Every activation tensor is a spago matrix with one row per image. A
// feature map of height H, width W and C channels is stored channels-last
// (NHWC) in its row: element (y, x, c) of image b is at column
// (y*W+x)*C + c of row b. Convolution weights use PyTorch's layout
// (out channels, in channels, kernel rows, kernel columns) flattened to a
// matrix of out channels × (in channels·k·k), and AdaptiveMaxPool2D writes
// its output in PyTorch's flatten order (channel-major), so the weights of a
// FashionLab network are those of the equivalent PyTorch nn.Sequential.
//
// # Buffers
//
// An op may be given a Workspace: it then takes its output, gradient and
// scratch buffers from it and reuses them on the next training step instead
// of allocating. Values produced with a Workspace are valid until the next
// forward pass through the same Workspace.
//
// # Threads
//
// Ops that split their work take the run's parallel.Pool (directly, or
// through the gemm.Engine of the products) and never start goroutines of
// their own, so the pool's thread count bounds every pass. Work is split
// over images or independent elements, and sums use fixed blocks added in
// order, so results do not depend on the number of threads.
//
// Shape mistakes are programming errors: constructors panic with an "ops: "
// message.
package ops
