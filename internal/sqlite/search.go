package sqlite

import (
	"strings"
	"unicode"
)

// maxQueryTerms bounds the work one search can ask of FTS5.
const maxQueryTerms = 16

// ftsQuery turns what a person typed into a safe FTS5 query. Every term is
// quoted, so FTS5 operators typed by accident (AND, NEAR, a lone quote,
// a colon) are searched as words rather than failing the query. Still
// honoured: "quoted phrases", a trailing * for a prefix, and a leading - to
// leave a word out. It returns "" when nothing searchable remains.
func ftsQuery(input string) string {
	var (
		include, exclude []string
		rest             = strings.TrimSpace(input)
	)
	for rest != "" && len(include)+len(exclude) < maxQueryTerms {
		negate := false
		if rest[0] == '-' {
			negate = true
			rest = rest[1:]
		}
		var term string
		phrase := false
		if strings.HasPrefix(rest, `"`) {
			end := strings.IndexByte(rest[1:], '"')
			if end < 0 {
				term, rest = rest[1:], ""
			} else {
				term, rest = rest[1:end+1], rest[end+2:]
			}
			phrase = true
		} else {
			end := strings.IndexFunc(rest, unicode.IsSpace)
			if end < 0 {
				end = len(rest)
			}
			term, rest = rest[:end], rest[end:]
		}
		rest = strings.TrimSpace(rest)
		prefix := !phrase && strings.HasSuffix(term, "*")
		words := strings.FieldsFunc(term, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsNumber(r) && !unicode.Is(unicode.Mn, r) })
		if len(words) == 0 {
			continue
		}
		q := `"` + strings.Join(words, " ") + `"`
		if prefix {
			q += "*"
		}
		if negate {
			exclude = append(exclude, q)
		} else {
			include = append(include, q)
		}
	}
	if len(include) == 0 {
		return ""
	}
	q := strings.Join(include, " ")
	for _, x := range exclude {
		q += " NOT " + x
	}
	return q
}
