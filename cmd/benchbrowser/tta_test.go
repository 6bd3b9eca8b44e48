//go:build !js

package main

import "testing"

func TestTTAAddressStartsTheDemoOrQuery(t *testing.T) {
	tests := []struct{ flag, want string }{
		{"fast", "?demo=fast&autostart=1"},
		{"q4", "?demo=q4&autostart=1"},
		{"?demo=custom&net=cnn&lr=0.002", "?demo=custom&net=cnn&lr=0.002&autostart=1"},
		{"?demo=custom&autostart=1&seed=3", "?demo=custom&autostart=1&seed=3"},
	}
	for _, tt := range tests {
		if got := ttaAddress(tt.flag); got != tt.want {
			t.Errorf("ttaAddress(%q) = %q, want %q", tt.flag, got, tt.want)
		}
	}
}

func TestBestAccIsTheHighestOfTheCurve(t *testing.T) {
	tests := []struct {
		curve []ttaPoint
		want  float64
	}{
		{nil, 0},
		{[]ttaPoint{{0, 0.1, 3}, {1, 0.8815, 20}, {2, 0.87, 30}}, 0.8815},
	}
	for _, tt := range tests {
		if got := bestAcc(tt.curve); got != tt.want {
			t.Errorf("bestAcc(%v) = %g, want %g", tt.curve, got, tt.want)
		}
	}
}
