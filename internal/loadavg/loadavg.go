// Package loadavg reads the machine's load averages. The benchmarks print
// them beside their timings, since other work on the machine shows in every
// one of them.
package loadavg

import (
	"fmt"
	"os"
	"strings"
)

// Read returns the 1, 5 and 15 minute load averages as Linux writes them
// in /proc/loadavg, or an error where that file cannot be read or is not
// in that form (other systems).
func Read() ([3]string, error) {
	var avg [3]string
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return avg, fmt.Errorf("loadavg: %w", err)
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return avg, fmt.Errorf("loadavg: /proc/loadavg holds %q, want three load averages first", b)
	}
	copy(avg[:], f)
	return avg, nil
}
