package markdown

import "testing"

// TestNativeResultsMeetTheReferenceRuns checks that every native number
// names a run and a quantity the homework's reference rows have for the
// same question, so that the page sets them side by side.
func TestNativeResultsMeetTheReferenceRuns(t *testing.T) {
	type key struct {
		question, run string
		quantity      Quantity
	}
	known := map[key]bool{}
	for _, r := range References() {
		known[key{r.Question, r.Run, r.Quantity}] = true
	}
	for _, r := range NativeResults() {
		if r.Source != SourceNative {
			t.Errorf("%s %s: source %q, want %q", r.Question, r.Run, r.Source, SourceNative)
		}
		if !known[key{r.Question, r.Run, r.Quantity}] {
			t.Errorf("%s %q %s: no reference row of the homework has this run and quantity", r.Question, r.Run, r.Quantity)
		}
		if !(r.Value >= 0 && r.Value <= 2) || r.Epoch < 1 {
			t.Errorf("%s %q %s: value %v at epoch %d is not a measured number", r.Question, r.Run, r.Quantity, r.Value, r.Epoch)
		}
	}
}
