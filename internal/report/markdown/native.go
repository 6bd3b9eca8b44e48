package markdown

// SourceNative is the source of the numbers FashionLab's native trainer
// measured at full scale (60,000 training images; README.md's "Results
// at full scale", from go run ./cmd/train -experiment all).
const SourceNative = "FashionLab native, full scale"

// NativeResults returns, in a new slice, the numbers of README.md's
// "Results at full scale" as reference rows: what FashionLab's native
// trainer measured on the whole training set with the homework's epochs.
// The run names are those of References. The page sets its own runs'
// numbers beside these and the homework's.
func NativeResults() []ReferenceRow {
	r := func(q, run string, quantity Quantity, epoch int, value float64) ReferenceRow {
		return ReferenceRow{Question: q, Run: run, Quantity: quantity, Epoch: epoch, Value: value, Source: SourceNative}
	}
	return []ReferenceRow{
		// Question 2: MLP, validation accuracy after 5 epochs.
		r("q2", "lr 1e-2 normalized", ValAcc, 5, 0.817),
		r("q2", "lr 1e-2 raw", ValAcc, 5, 0.095),
		r("q2", "lr 1e-4 normalized", ValAcc, 5, 0.8785),
		r("q2", "lr 1e-4 raw", ValAcc, 5, 0.864),
		r("q2", "lr 1e-6 normalized", ValAcc, 5, 0.616),
		r("q2", "lr 1e-6 raw", ValAcc, 5, 0.668),

		// Question 3: 5 epochs.
		r("q3", "mlp 256,256", ValAcc, 5, 0.8785),
		r("q3", "mlp 256,256", GradNormMin, 5, 0.89),
		r("q3", "mlp 256,256", GradNormMax, 5, 0.96),
		r("q3", "mlp 64*54", ValAcc, 5, 0.107),
		r("q3", "mlp 64*54", GradNormMin, 5, 0.108),
		r("q3", "mlp 64*54", GradNormMax, 5, 0.116),

		// Question 4: 20 epochs.
		r("q4", "mlp", TrainAcc, 20, 0.9375),
		r("q4", "mlp", ValAcc, 20, 0.895),
		r("q4", "cnn", TrainAcc, 20, 0.894),
		r("q4", "cnn", ValAcc, 20, 0.881),

		// Question 5: validation accuracy after 5 epochs.
		r("q5", "deep", ValAcc, 5, 0.6285),
		r("q5", "deep pad2", ValAcc, 5, 0.757),
		r("q5", "shallow", ValAcc, 5, 0.875),
		r("q5", "default", ValAcc, 5, 0.839),
	}
}
