// Package pages holds one templ page per screen, each with its own view
// model.
package pages

import "strconv"

func statusText(code int) string { return strconv.Itoa(code) }
