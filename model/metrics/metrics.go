// Package metrics renders a run's train.History in the forms the native
// trainer writes into its output directory and the page offers for
// download: metrics.json (the whole history, indented, non-finite numbers
// as null) and metrics.csv (one line per logged epoch, empty cells for
// non-finite numbers). It is the one implementation of both forms, so a
// run exported from the page has the same columns as a native run.
package metrics

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strconv"

	"fashionlab/model/train"
)

// File names of the two forms.
const (
	JSONFile = "metrics.json"
	CSVFile  = "metrics.csv"
)

// CSVHeader is the first line of metrics.csv: its columns.
const CSVHeader = "epoch,train_loss,train_acc,val_loss,val_acc,grad_norm,seconds"

// JSON returns the metrics.json form of h: the history indented by two
// spaces, with a final newline.
func JSON(h *train.History) ([]byte, error) {
	if h == nil {
		return nil, errors.New("metrics: no history")
	}
	b, err := json.MarshalIndent(h, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("metrics: encoding %s: %w", JSONFile, err)
	}
	return append(b, '\n'), nil
}

// CSV returns the metrics.csv form of h: CSVHeader, then one line per
// logged epoch (epoch 0 included), with an empty cell for every number
// that is not finite.
func CSV(h *train.History) []byte {
	var b bytes.Buffer
	b.WriteString(CSVHeader + "\n")
	if h == nil {
		return b.Bytes()
	}
	w := csv.NewWriter(&b)
	for _, e := range h.Epochs {
		// Writing to a bytes.Buffer cannot fail.
		_ = w.Write([]string{strconv.Itoa(e.Epoch), cell(e.TrainLoss), cell(e.TrainAcc), cell(e.ValLoss), cell(e.ValAcc), cell(e.GradNorm), cell(e.Seconds)})
	}
	w.Flush()
	return b.Bytes()
}

func cell(m train.Metric) string {
	f := float64(m)
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return ""
	}
	return strconv.FormatFloat(f, 'g', -1, 64)
}
