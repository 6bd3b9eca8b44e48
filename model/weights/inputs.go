package weights

import (
	"encoding/json"
	"fmt"

	"fashionlab/assets"
	"fashionlab/model/train"
)

// NormalizationKey holds, as JSON, the assets.Normalization that the
// weights' inputs were normalized with (float64, so that a reader applies
// exactly the same numbers): with it a reader that does not hold the
// training images prepares the same inputs.
const NormalizationKey = "fashionlab.normalization"

// Inputs says how a weights file's network expects its inputs prepared.
type Inputs struct {
	// Settings are the training settings stored under SettingsKey;
	// Normalize and TrainLimit say how inputs are prepared.
	Settings train.Settings
	// HasSettings is false for a file without SettingsKey (Settings are
	// then train.DefaultSettings).
	HasSettings bool
	// Stats are the statistics stored under NormalizationKey, or nil.
	Stats *assets.Normalization
}

// InputsMetadata returns the metadata that records how a network's inputs
// are prepared: the training settings and, when the inputs were
// normalized, the statistics (stats may be nil).
func InputsMetadata(s train.Settings, stats *assets.Normalization) (map[string]string, error) {
	settings, err := json.Marshal(s)
	if err != nil {
		return nil, fmt.Errorf("weights: encoding the settings: %w", err)
	}
	meta := map[string]string{SettingsKey: string(settings)}
	if s.Normalize && stats != nil {
		b, err := json.Marshal(stats)
		if err != nil {
			return nil, fmt.Errorf("weights: encoding the normalization statistics: %w", err)
		}
		meta[NormalizationKey] = string(b)
	}
	return meta, nil
}

// InputsOf reads how inputs are prepared from a file's metadata. A
// missing key is not an error; an unreadable one is, matching ErrCorrupt.
func InputsOf(meta map[string]string) (Inputs, error) {
	in := Inputs{Settings: train.DefaultSettings()}
	if raw, ok := meta[SettingsKey]; ok {
		s := train.DefaultSettings()
		if err := json.Unmarshal([]byte(raw), &s); err != nil {
			return Inputs{}, fmt.Errorf("weights: %w", corrupt("metadata %s is not training settings: %v", SettingsKey, err))
		}
		if s.TrainLimit < 0 {
			return Inputs{}, fmt.Errorf("weights: %w", corrupt("metadata %s has a negative train_limit %d", SettingsKey, s.TrainLimit))
		}
		in.Settings, in.HasSettings = s, true
	}
	if raw, ok := meta[NormalizationKey]; ok {
		var n assets.Normalization
		if err := json.Unmarshal([]byte(raw), &n); err != nil {
			return Inputs{}, fmt.Errorf("weights: %w", corrupt("metadata %s is not normalization statistics: %v", NormalizationKey, err))
		}
		if err := n.Check(); err != nil {
			return Inputs{}, fmt.Errorf("weights: %w", corrupt("metadata %s: %v", NormalizationKey, err))
		}
		in.Stats = &n
	}
	return in, nil
}
