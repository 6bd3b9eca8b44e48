package model

// ActivationNames returns the names of the activations a Config accepts,
// in the order the page offers them.
func ActivationNames() []string {
	return []string{"relu", "tanh", "sigmoid"}
}
