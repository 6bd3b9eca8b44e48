package train

// OptimizerNames returns the names of the optimizers Settings accepts, in
// the order the page offers them.
func OptimizerNames() []string {
	return []string{Adam, SGD}
}
