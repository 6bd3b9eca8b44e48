// Package train trains a model.Network on a FashionMNIST split with the
// homework's protocol: batches in order (or shuffled per epoch from the
// seed), the clamped softmax cross-entropy, an optimizer from the registry
// of Methods (OptimizerNames: Adam, SGD with momentum), dropout masks drawn
// from the seed and the step's number (model.Masks), and
// a log line per epoch (and one before the first) with the loss and
// accuracy on the first 2,000 training images and on the validation set,
// and the gradient norm of the epoch's last batch.
//
// A Trainer advances one step at a time so that front ends can pause,
// resume, stream metrics and checkpoint between any two steps; Run is the
// loop for native training. NaN or infinite losses and gradients end the
// run with a Divergence in the History instead of a crash, and steps whose
// gradient is exactly zero (a saturated, clamped softmax) are counted.
package train
