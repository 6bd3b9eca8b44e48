//go:build !js

package main

import (
	"strings"
	"testing"
)

func TestParseOptionsRefusesFlagsThatCannotMakeAPicture(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want string // "" for no error
	}{
		{"the defaults", nil, ""},
		{"another demo, no training", []string{"-address", "?demo=q1", "-epochs", "0"}, ""},
		{"a stray argument", []string{"docs/page.png"}, `unexpected arguments ["docs/page.png"]`},
		{"no output", []string{"-o", ""}, "-o: name the PNG to write"},
		{"negative epochs", []string{"-epochs", "-1"}, "-epochs -1: want 0 to 20"},
		{"a tiny window", []string{"-width", "10"}, "-width 10 -height 1900"},
		{"an absolute address", []string{"-address", "http://example.org/"}, "give the page's parameters"},
		{"parameters without ?", []string{"-address", "demo=q4"}, "give the page's parameters"},
		{"no time at all", []string{"-timeout", "0s"}, "-timeout 0s"},
		{"an unknown flag", []string{"-fast"}, "flag provided but not defined: -fast"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := parseOptions(tt.args)
			switch {
			case tt.want == "" && err != nil:
				t.Errorf("error %v, want none", err)
			case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
				t.Errorf("error %v, want one containing %q", err, tt.want)
			}
		})
	}
}
