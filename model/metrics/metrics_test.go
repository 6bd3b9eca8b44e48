package metrics

import (
	"encoding/json"
	"math"
	"strings"
	"testing"

	"fashionlab/model"
	"fashionlab/model/train"
)

func history() *train.History {
	nan := train.Metric(math.NaN())
	return &train.History{
		Config:   model.Config{Net: "mlp", Hidden: []int{8}, Activation: "relu"},
		Settings: train.DefaultSettings(),
		Params:   6370,
		Epochs: []train.Epoch{
			{Epoch: 0, TrainLoss: 2.5, TrainAcc: 0.1, ValLoss: 2.25, ValAcc: 0.125, GradNorm: nan},
			{Epoch: 1, TrainLoss: 0.5, TrainAcc: 0.75, ValLoss: train.Metric(math.Inf(1)), ValAcc: 0.5, GradNorm: 1.5, Seconds: 0.25, Steps: 3, Images: 96},
		},
	}
}

func TestCSVHasTheNativeColumnsAndEmptyCellsForNonFiniteNumbers(t *testing.T) {
	tests := []struct {
		name string
		h    *train.History
		want string
	}{
		{"two epochs", history(), CSVHeader + "\n0,2.5,0.1,2.25,0.125,,0\n1,0.5,0.75,,0.5,1.5,0.25\n"},
		{"no history", nil, CSVHeader + "\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := string(CSV(tt.h)); got != tt.want {
				t.Errorf("CSV =\n%s\nwant\n%s", got, tt.want)
			}
		})
	}
}

func TestJSONIsTheIndentedHistoryWithNullsThatReadsBack(t *testing.T) {
	b, err := JSON(history())
	if err != nil {
		t.Fatal(err)
	}
	s := string(b)
	if !strings.Contains(s, "\n  \"epochs\": [") || !strings.HasSuffix(s, "}\n") || !strings.Contains(s, `"grad_norm": null`) || !strings.Contains(s, `"val_loss": null`) {
		t.Errorf("metrics.json is not the indented history with nulls:\n%s", s)
	}
	var back train.History
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if back.Params != 6370 || len(back.Epochs) != 2 || back.Epochs[1].Images != 96 || !math.IsNaN(float64(back.Epochs[0].GradNorm)) {
		t.Errorf("read back %+v", back)
	}
	if _, err := JSON(nil); err == nil {
		t.Error("JSON(nil) succeeded")
	}
}
