package loadavg

import (
	"os"
	"strconv"
	"testing"
)

func TestReadGivesThreeNumbers(t *testing.T) {
	if _, err := os.Stat("/proc/loadavg"); err != nil {
		if _, err := Read(); err == nil {
			t.Error("Read without /proc/loadavg gave no error")
		}
		t.Skip("no /proc/loadavg here")
	}
	avg, err := Read()
	if err != nil {
		t.Fatal(err)
	}
	for i, a := range avg {
		if v, err := strconv.ParseFloat(a, 64); err != nil || v < 0 {
			t.Errorf("load average %d is %q, want a number of at least 0", i, a)
		}
	}
}
