package startup

import (
	"testing"

	"fashionlab/model/train"
)

func TestNeedCoversTheImagesTheNextStepReads(t *testing.T) {
	inOrder := train.Settings{BatchSize: 128}
	shuffled := train.Settings{BatchSize: 128, Shuffle: true}
	limited := train.Settings{BatchSize: 100, TrainLimit: 1000}
	tests := []struct {
		name               string
		s                  train.Settings
		epoch, step        int
		wantTrain, wantVal int
	}{
		{"the first in-order step reads the first batch", inOrder, 0, 0, 128, 0},
		{"the fifth in-order step reads five batches' worth", inOrder, 0, 4, 640, 0},
		{"the step that ends the first epoch also evaluates", inOrder, 0, 93, 12000, 2000},
		{"the second epoch reads everything", inOrder, 1, 0, 12000, 2000},
		{"a shuffled epoch may pick any image", shuffled, 0, 0, 12000, 0},
		{"a training limit bounds the images read", limited, 0, 3, 400, 0},
		{"a shuffled limited epoch reads only the first images", train.Settings{BatchSize: 64, Shuffle: true, TrainLimit: 500}, 0, 2, 500, 0},
		{"the last step of a limited epoch evaluates", limited, 0, 9, 12000, 2000},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			gotTrain, gotVal := Need(tt.s, tt.epoch, tt.step, 12000, 2000)
			if gotTrain != tt.wantTrain || gotVal != tt.wantVal {
				t.Errorf("Need = %d training, %d validation images, want %d, %d", gotTrain, gotVal, tt.wantTrain, tt.wantVal)
			}
		})
	}
}
