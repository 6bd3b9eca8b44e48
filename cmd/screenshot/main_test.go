//go:build !js

package main

import (
	"strings"
	"testing"
)

func TestParseOptionsTakesTheDefaultsAndOtherPages(t *testing.T) {
	for _, args := range [][]string{nil, {"-address", "?demo=q1", "-epochs", "0"}, {"-address", "", "-width", "390"}} {
		if _, err := parseOptions(args); err != nil {
			t.Errorf("parseOptions(%q): %v", args, err)
		}
	}
}

func TestParseOptionsRefusesFlagsThatCannotMakeAPicture(t *testing.T) {
	// Each command line, by the error it must give.
	refused := map[string][]string{
		`unexpected arguments ["docs/page.png"]`: {"docs/page.png"},
		"-o: name the PNG to write":              {"-o", ""},
		"-epochs -1: want 0 to 20":               {"-epochs", "-1"},
		"-width 10 -height 1900":                 {"-width", "10"},
		`-address "http://example.org/": give`:   {"-address", "http://example.org/"},
		`-address "demo=q4": give`:               {"-address", "demo=q4"},
		"-timeout 0s: want a positive duration":  {"-timeout", "0s"},
		"flag provided but not defined: -fast":   {"-fast"},
		`invalid value "many" for flag -epochs`:  {"-epochs", "many"},
	}
	for want, args := range refused {
		if _, err := parseOptions(args); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("parseOptions(%q) = %v, want an error containing %q", args, err, want)
		}
	}
}
