// Package model builds the homework's networks (MLPs and CNNs described by a
// Config) on spago's autodiff, with PyTorch's module order, parameter names,
// layouts and default initialization.
//
// Its sub-packages hold the pieces: ops (the batched differentiable
// operations), gemm (the float32 matrix products), train (optimizers, the
// training loop and its metrics), equivariance (the shift and rotation
// probe), weights (safetensors files) and experiments (the five homework
// questions as presets). The package does no I/O policy: no flags, no
// printing; front ends drive it.
package model
