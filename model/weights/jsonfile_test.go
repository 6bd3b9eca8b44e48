package weights

import (
	"errors"
	"strings"
	"testing"
)

// TestAJSONFileIsNamedAsSuch: a JSON file renamed .safetensors (metrics.json,
// say) is refused as a JSON text file, not with the header length its first
// bytes would give.
func TestAJSONFileIsNamedAsSuch(t *testing.T) {
	for _, text := range []string{`{"config": {"net": "mlp"}, "epochs": []}`, "[1, 2, 3]"} {
		_, err := decode([]byte(text))
		if !errors.Is(err, ErrCorrupt) || !strings.Contains(err.Error(), "JSON text file") || strings.Contains(err.Error(), "header length") {
			t.Errorf("decode(%.20q) = %v, want a corrupt-file error naming a JSON text file", text, err)
		}
	}
}
