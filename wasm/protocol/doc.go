// Package protocol defines the messages that the FashionLab page and its
// training worker exchange with postMessage, and the limits of the
// training form. It is the single schema both sides use: the worker
// decodes commands and encodes events with it, and the site build writes
// protocol.js (JSModule) from it for the page.
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
// The messages are the types in the table of kinds (Specs); their fields
// and checks come from their struct tags, so that adding a message is one
// type and one table row.
//
// # Validation
//
// Limits holds the range of every form field and the memory budget of one
// network's training. The worker reports them in ready, answers count
// with the parameter count, the memory estimate and the problems in plain
// words, and refuses a start with problems with an error event carrying
// the same problems. On the wire, ready.limits maps every limited field's
// wire name to {label, min, max, integer, max_len} (max_len, the most
// layers of a list field, is 0 for single numbers), plus memory_bytes and
// memory_reason; a problem is {field, message}, field "" meaning the
// configuration as a whole. Limits are checked on the map form before
// decoding, so that a value of the wrong kind (2.5 epochs, text for a
// learning rate) also comes back as a plain problem.
//
// # Messages
//
// Generated from the table of kinds by go generate; a test fails when it is stale.
//
// Commands (page to worker):
//
//	start            {run, config, settings, max_steps}
//	                 begin a run, replacing any run in progress
//	pause            {}
//	                 pause the run after the step in flight
//	resume           {}
//	                 resume a paused run
//	stop             {}
//	                 end the run; its results stay available
//	reset            {}
//	                 end the run and forget it
//	count            {id, config, settings, max_steps}
//	                 parameter count, memory estimate and problems of a form
//	match_depth      {id, width, target}
//	                 hidden layers of a width matching a parameter count
//	get_activations  {index}
//	                 feature maps of a validation image
//	get_predictions  {n}
//	                 predictions and confusion matrix
//	get_weights      {}
//	                 every parameter tensor
//	get_image        {set, index}
//	                 one image of the subset
//	export_weights   {}
//	                 the network as a model.safetensors file
//	export_metrics   {format}
//	                 the run's metrics.json or metrics.csv
//	load_weights     {run, name, data}
//	                 replace the network by a model.safetensors file's
//	export_report    {runs}
//	                 report.md of the page's runs, as the native -experiment report
//	load_checkpoint  {run, data, train, max_steps}
//	                 continue a run from a checkpoint file, or hold its network
//
// Events (worker to page):
//
//	ready            {train, val, test, limits}
//	                 the data subset is loaded; the limits of the form
//	started          {run, params, steps_per_epoch, epochs, layers}
//	                 a run began
//	steps            {run, epoch, first_step, loss, accuracy, grad_norm, images, seconds}
//	                 statistics of consecutive training steps
//	epoch            {run, epoch, train_loss, train_acc, val_loss, val_acc, grad_norm, seconds, zero_grad_steps, steps, images}
//	                 one line of the per-epoch log
//	state            {run, state}
//	                 the run is running, paused or idle
//	done             {run, reason, detail, steps}
//	                 a run ended
//	param_count      {id, params, bytes, problems}
//	                 answers count
//	depth_match      {id, layers, params, capped}
//	                 answers match_depth
//	activations      {index, label, pred, image, maps}
//	                 answers get_activations
//	predictions      {n, labels, preds, confusion, images}
//	                 answers get_predictions
//	weights          {tensors}
//	                 answers get_weights
//	image            {set, index, label, pixels}
//	                 answers get_image
//	weights_file     {run, name, data}
//	                 answers export_weights
//	metrics          {run, format, name, text}
//	                 answers export_metrics
//	loaded           {run, name, config, settings, params, layers, note}
//	                 answers load_weights: the network now held
//	report           {name, text}
//	                 answers export_report
//	checkpoint       {run, epoch, step, done, data}
//	                 the run's checkpoint file, at each epoch's end and when it ends
//	restored         {run, epoch, step, steps, steps_per_epoch, epochs, params, layers, training}
//	                 answers load_checkpoint: the run now held, and where it stands
//	workers          {workers, requested, simd}
//	                 how many workers train a step and whether SIMD kernels run
//	error            {command, event, run, message, problems, fatal}
//	                 a command failed; plain words, problems of the form
//
// Nested objects:
//
//	config           {net, n_channels, kernel_sizes, strides, paddings, dense_hiddens, activation, dropout}
//	settings         {optimizer, lr, momentum, batch_size, epochs, shuffle, seed, normalize, train_limit, eval_train_size, keep_best}
//	report_run       {label, demo, config, settings, params, reason, detail, epochs}
//	epoch            {epoch, train_loss, train_acc, val_loss, val_acc, grad_norm, seconds, zero_grad_steps, steps, images}
//	limits           {epochs, lr, momentum, batch_size, seed, train_limit, eval_train_size, max_steps, n_channels, kernel_sizes, strides, paddings, dense_hiddens, dropout, memory_bytes, memory_reason}
//	range            {label, min, max, integer, max_len}
//	problem          {field, message, also}
//	feature_maps     {h, w, c, data}
//	tensor           {name, shape, data}
package protocol

//go:generate go run ./internal/gendoc
