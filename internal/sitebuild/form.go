//go:build !js

package sitebuild

import (
	"bytes"
	"fmt"
	"html"
	"os"
	"path/filepath"
	"strings"

	"fashionlab/wasm/protocol"
)

// formMarker is the line of site/index.html, inside the configuration
// form, that the build replaces with the form's fields (FormHTML).
const formMarker = "<!-- fields: written by the site build from protocol.Fields (internal/sitebuild/form.go) -->"

// legends names the form's fieldsets by the section of their fields; the
// fields of the start command (the step limit) join the training's.
var legends = []struct{ legend, section string }{
	{"Network", protocol.SectionConfig},
	{"Training", protocol.SectionSettings},
}

// FormHTML returns the configuration form's fields as HTML, one fieldset
// per section in the table's order: a select per choice field, a text
// input per number or list, a checkbox per boolean. Every input has the
// id "f-" + its name and the field's name; a field that applies only
// when a choice holds a value (Field.When) says so in data-when-field and
// data-when-value, for the page to hide it otherwise.
func FormHTML(fields []protocol.Field) string {
	var b strings.Builder
	for _, l := range legends {
		fmt.Fprintf(&b, "      <fieldset>\n        <legend>%s</legend>\n", l.legend)
		lists := false
		for _, f := range fields {
			section := f.Section
			if section == protocol.SectionStart {
				section = protocol.SectionSettings
			}
			if section != l.section {
				continue
			}
			lists = lists || f.Kind == protocol.KindList
			b.WriteString("        " + fieldHTML(f) + "\n")
		}
		if lists {
			b.WriteString("        <p class=\"hint\">Lists are comma-separated, one value per layer; <code>64*54</code> means 54 layers of 64.</p>\n")
		}
		b.WriteString("      </fieldset>\n")
	}
	return b.String()
}

// fieldHTML returns the HTML of one field.
func fieldHTML(f protocol.Field) string {
	id, name := html.EscapeString("f-"+f.Name), html.EscapeString(f.Name)
	label := html.EscapeString(f.Label)
	if f.Help != "" {
		label += " (" + html.EscapeString(f.Help) + ")"
	}
	class := "field"
	if f.When != nil {
		class += fmt.Sprintf(`" data-when-field="%s" data-when-value="%s`, html.EscapeString(f.When.Field), html.EscapeString(f.When.Value))
	}
	var control string
	switch f.Kind {
	case protocol.KindBoolean:
		return fmt.Sprintf(`<div class="%s"><label><input id="%s" name="%s" type="checkbox"> %s</label></div>`, class, id, name, label)
	case protocol.KindChoice:
		var opts strings.Builder
		for _, c := range f.Choices {
			fmt.Fprintf(&opts, `<option value="%s">%s</option>`, html.EscapeString(c.Value), html.EscapeString(c.Label))
		}
		control = fmt.Sprintf(`<select id="%s" name="%s">%s</select>`, id, name, opts.String())
	case protocol.KindNumber:
		mode := "decimal"
		if f.Limit != nil && f.Limit.Integer {
			mode = "numeric"
		}
		control = fmt.Sprintf(`<input id="%s" name="%s" inputmode="%s">`, id, name, mode)
	default: // a list: "64*54" needs more than digits
		control = fmt.Sprintf(`<input id="%s" name="%s" spellcheck="false">`, id, name)
	}
	return fmt.Sprintf(`<div class="%s"><label for="%s">%s</label> %s</div>`, class, id, label, control)
}

// writeForm replaces the form marker of the built index.html in dir with
// the form's fields for a subset of trainImages training images.
func writeForm(dir string, trainImages int) error {
	p := filepath.Join(dir, "index.html")
	src, err := os.ReadFile(p)
	if err != nil {
		return fmt.Errorf("sitebuild: %w", err)
	}
	if bytes.Count(src, []byte(formMarker)) != 1 {
		return fmt.Errorf("sitebuild: site/index.html must hold the line %q once, inside the configuration form", formMarker)
	}
	start := bytes.Index(src, []byte(formMarker))
	lineStart := bytes.LastIndexByte(src[:start], '\n') + 1
	end := start + len(formMarker)
	if end < len(src) && src[end] == '\n' {
		end++
	}
	out := append(append(append([]byte{}, src[:lineStart]...), FormHTML(protocol.Fields(trainImages))...), src[end:]...)
	if err := os.WriteFile(p, out, 0o644); err != nil {
		return fmt.Errorf("sitebuild: %w", err)
	}
	return nil
}
