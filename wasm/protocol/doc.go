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
// the same problems.
package protocol
