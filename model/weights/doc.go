// Package weights saves and loads networks and training checkpoints as
// safetensors files (cmd/train writes and resumes them).
//
// # Weights files
//
// Save and WriteFile store a model.Network's parameters as one F32 tensor
// each, named and shaped as in the equivalent PyTorch nn.Sequential
// ("0.weight" of shape [16 1 3 3]), with the network's model.Config as JSON
// in the metadata under ConfigKey. Such a file loads in PyTorch with
// load_state_dict(strict=True) into the homework's nn.Sequential built
// from that configuration, and a state_dict saved from PyTorch in the same
// format loads here; testdata/torch_roundtrip.py does both without the
// safetensors Python package.
//
// Load and ReadFile fill an existing network. They check every tensor
// (present, F32, right shape, nothing extra) and the stored configuration
// before changing anything, so a failed load leaves the network as it
// was. ReadConfig and DecodeHeader return the stored configuration, and
// ReadNetwork and NewNetwork rebuild the network from the file alone.
//
// WriteFile writes atomically: a temporary file in the same directory is
// synced and renamed over the target, so a crash or error never leaves a
// partial file behind. The io.Reader and io.Writer forms need no file
// system.
//
// # Checkpoints
//
// A Checkpoint is a training run stopped between two steps: the
// configuration, the weights and a train.State (settings, position, log,
// optimizer and the accumulators of the epoch in progress). It is stored
// as a single safetensors file with the parameters under ParamPrefix, the
// optimizer's state slots under their names (train.Method.Slots: adam_m/
// and adam_v/, or momentum/), and the state as JSON under StateKey. Checkpoint.Resume continues the
// run so that it ends with the same weights, bit for bit, and the same
// log, apart from the measured seconds, as a run that never stopped.
//
// # Errors
//
// Errors start with "weights: " and, for files, the path. A file that is
// truncated or damaged gives an error matching ErrCorrupt; one whose
// tensors or configuration do not fit the network gives an error matching
// ErrMismatch that names the tensor, for example
//
//	weights: cnn.safetensors: tensor 3.weight has shape [32 16 3 3], the network wants [32 16 5 5]
package weights
