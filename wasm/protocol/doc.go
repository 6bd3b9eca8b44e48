// Package protocol defines the messages that the FashionLab page and its
// training worker exchange with postMessage. It is the single schema both
// sides use: the worker decodes commands and encodes events with it, and the
// page's JavaScript builds and reads the same field names.
//
// # Map form
//
// A message travels as a JavaScript object. In Go that object is a
// map[string]any whose values are float64 or int (numbers), string, bool,
// []any (arrays), map[string]any (objects) and []float32 (Float32Array,
// transferred rather than copied). Every message has a "kind" field.
// Encode produces this form and Decode reads it back, checking every field
// and returning an error that names the message kind and the field.
//
// # Commands (page to worker)
//
//	start            {run, config, settings, max_steps}
//	pause, resume, stop, reset
//	count            {id, config}           parameter count of a configuration
//	get_activations  {index}                feature maps of a validation image
//	get_predictions  {n}                    predictions and confusion matrix
//	get_weights      {}                     every parameter tensor
//	get_image        {set, index}           one image of the subset
//
// # Events (worker to page)
//
//	ready        {train, val, test}          the data subset is loaded
//	started      {run, params, steps_per_epoch, epochs, layers}
//	steps        {run, epoch, first_step, loss, accuracy, grad_norm, images, seconds}
//	epoch        {run, epoch, train_loss, train_acc, val_loss, val_acc, grad_norm, seconds, zero_grad_steps, steps}
//	state        {run, state}                running, paused or idle
//	done         {run, reason, detail, steps}
//	param_count  {id, params}
//	activations  {index, label, pred, image, maps}
//	predictions  {n, labels, preds, confusion, images}
//	weights      {tensors}
//	image        {set, index, label, pixels}
//	error        {command, message}
package protocol
