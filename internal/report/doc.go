// Package report writes what a training run and the homework's experiments
// produced: the per-epoch log as JSON and CSV, PNG plots of accuracy, loss
// and gradient norm, overlaid curves comparing the runs of one experiment,
// the images of the equivariance probe, and a Markdown report that puts
// our numbers next to the homework's reference numbers.
//
// The pieces are independent, so that an experiment runner calls them in
// any order and points the report at whatever figures it wrote:
//
//	files, err := report.WriteRun("out/q3/mlp-64x54", h, "mlp 64*54")
//	cmp, err := report.WriteComparison("out/q3", "q3: parameters and depth", runs)
//	err = report.WriteReport("out/report.md", []report.Section{{
//		Question: "q3", Title: "Parameters and depth",
//		Runs:     runs,
//		Figures:  cmp.Figures(),
//	}})
//
// Runs are matched to the reference rows of their question by name
// (NamedHistory.Name against ReferenceRow.Run); References lists the names.
//
// Numbers that are NaN or infinite (the gradient norm before the first
// epoch, the loss of a diverged run) are null in JSON, empty cells in CSV,
// gaps in plots and "NaN" in the report.
package report
