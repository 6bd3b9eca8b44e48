// Package model builds the homework's networks (MLPs and CNNs described by a
// Config) on spago's autodiff, with PyTorch's module order, parameter names,
// layouts and default initialization.
//
// A network is a list of layers (layers.go): each layer knows the
// nn.Sequential modules it stands for, its parameters, the bytes of its
// buffers and its forward pass, so New, Forward, Config.ParamCount and
// Config.ActivationBytes are each one walk over the list, with
// overflow-checked counts. Dropout (Config.Dropout) follows each dense
// hidden layer's activation; Forward evaluates (no dropout), and
// ForwardTraining draws the masks a Masks value selects.
//
// Its sub-packages hold the pieces: ops (the batched differentiable
// operations), gemm (the float32 matrix products), train (optimizers, the
// training loop and its metrics), equivariance (the shift and rotation
// probe), weights (safetensors files) and experiments (the five homework
// questions as presets). The package does no I/O policy: no flags, no
// printing; front ends drive it.
package model
