package components

import (
	"strings"

	"github.com/a-h/templ"
)

// FieldID is the element id of a form field named name: "citations.0.url"
// becomes "f-citations-0-url". An error summary links to it.
func FieldID(name string) string { return "f-" + strings.ReplaceAll(name, ".", "-") }

func inputType(t string) string {
	if t == "" {
		return "text"
	}
	return t
}

// describedByIDs lists the ids of the hint and the error of a field.
func describedByIDs(f Field) string {
	var ids []string
	if f.Hint != "" {
		ids = append(ids, f.ID+"-hint")
	}
	if f.Error != "" {
		ids = append(ids, f.ID+"-error")
	}
	return strings.Join(ids, " ")
}

func fieldAria(f Field) templ.Attributes {
	a := templ.Attributes{}
	if d := describedByIDs(f); d != "" {
		a["aria-describedby"] = d
	}
	if f.Error != "" {
		a["aria-invalid"] = "true"
	}
	return a
}
