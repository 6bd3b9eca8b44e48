// Package equivariance probes how a map-to-map model reacts to shifting and
// rotating its input: question 1 of the homework.
//
// The homework's model is f(x) = relu(conv(relu(conv(x)))) with one random
// 3×3 convolution (one input and one output channel, no padding) applied
// twice, so a 28×28 image gives a 24×24 map. The probe compares
// T(f(x)) with f(T(x)) for a transformation T applied to maps of any size
// about their own centre: a shift by whole pixels with zero fill, and a
// rotation about the centre with zero fill.
//
// # Frames and the valid region
//
// Maps are compared as the model returns them, in the model's output frame,
// as the homework's PyTorch code does (padding 0, then the torchvision
// transform on the smaller map). A model whose output is cropped evenly on
// every side (a stack of stride-1 convolutions with odd kernels, padded or
// not) keeps the centre of its output on the centre of its input, so
// output pixel (i, j) lies over input pixel (i+c, j+c) where c is the crop.
// Shifting the output by (dx, dy) output pixels is then the same
// displacement as shifting the input by (dx, dy) input pixels, and rotating
// the output about its centre is the same rotation as rotating the input
// about its own.
//
// The interior, where the summary numbers are taken, is the set of output
// pixels whose input-frame position is at least the model's reach (its
// receptive-field radius, 2 for the homework's model) away from every
// border, and also at least |dx| (or |dy|) away from the border the shift
// fills with zeros. For the homework's model the shift difference there is
// exactly zero: the convolutions compute the same sums of the same pixels.
// Outside it the difference shows the border: where the shift filled in
// zeros, f(shift(x)) treats them as input (and f of zeros is not zero when
// a bias is positive) while shift(f(x)) is filled with zeros after f. For a
// padded model, zero padding of an intermediate map is also not the same as
// the map computed on zero fill.
//
// For the rotation the interior is the same rectangle without the shift
// margin for right angles on square maps, where rotation is an exact
// permutation of the pixels, and otherwise the disc inscribed in it, less
// one pixel for the interpolation.
//
// # Models
//
// A Model is a function of a Map and its reach. HomeworkModel builds the
// homework's model from a Conv; FirstLayer probes one channel of a trained
// network's first convolution layer and its activation, computed by the
// network's own code. Per-pixel normalization, applied to the network's
// inputs in training, is not part of FirstLayer: it subtracts a different
// mean at every pixel and so is itself not shift-equivariant.
//
// Everything here is pure computation, for native and GOOS=js GOARCH=wasm
// builds alike.
package equivariance
