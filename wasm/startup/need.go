package startup

import "fashionlab/model/train"

// Need returns how many of the first training images and of the
// validation images a trainer's next step reads, for a run with settings
// s on trainN training and valN validation images that has finished
// epoch epochs and step steps of the current epoch (train.Trainer's
// Position). In-order batches of the first epoch read only the images up
// to the end of their batch, so they can train while the rest of the data
// arrives; a shuffled epoch may pick any image; the step that ends an
// epoch also evaluates, which reads the validation images.
func Need(s train.Settings, epoch, step, trainN, valN int) (trainImages, valImages int) {
	n := trainN
	if s.TrainLimit > 0 && s.TrainLimit < n {
		n = s.TrainLimit
	}
	if s.BatchSize < 1 || n == 0 {
		return trainN, valN
	}
	steps := (n + s.BatchSize - 1) / s.BatchSize
	if step+1 >= steps || epoch > 0 {
		return trainN, valN
	}
	if s.Shuffle {
		return n, 0
	}
	return min(n, (step+1)*s.BatchSize), 0
}
