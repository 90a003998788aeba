package conflict

import (
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Limits on free text, so that one field can never swallow a page or the
// database.
const (
	MaxNameLen  = 200
	MaxTitleLen = 300
	MaxShortLen = 2000
	MaxBodyLen  = 100_000
	MaxURLLen   = 2048
)

// Slugify turns a name into the lower-case ASCII words used in URLs:
// "Islamic State" → "islamic-state", "Diyālā" → "diyala". A name with no
// Latin letters or digits gives "".
func Slugify(s string) string {
	var b strings.Builder
	dash := false
	// Decomposing is for letters with marks; plain ASCII has none, and
	// event lists derive a slug for every event they show.
	src := s
	if !isASCII(s) {
		src = norm.NFKD.String(s)
	}
	for _, r := range src {
		if b.Len() >= 80 {
			break
		}
		switch {
		case unicode.Is(unicode.Mn, r):
			continue
		case r < utf8.RuneSelf && (unicode.IsLetter(r) || unicode.IsDigit(r)):
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			dash = false
			b.WriteRune(unicode.ToLower(r))
		default:
			dash = true
		}
	}
	return strings.Trim(b.String(), "-")
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// FormatCount writes n with thousands separators: 10000 → "10,000".
func FormatCount(n int64) string {
	// Charts and tables write hundreds of counts a page: one allocation
	// each.
	var d [20]byte
	digits := strconv.AppendInt(d[:0], n, 10)
	b := make([]byte, 0, len(digits)+len(digits)/3)
	if digits[0] == '-' {
		b, digits = append(b, '-'), digits[1:]
	}
	for i, c := range digits {
		if i > 0 && (len(digits)-i)%3 == 0 {
			b = append(b, ',')
		}
		b = append(b, c)
	}
	return string(b)
}

// checkText records a message for field when s is required and blank, too
// long, or not valid UTF-8.
func checkText(errs FieldErrors, field, label, s string, required bool, max int) {
	switch {
	case !utf8.ValidString(s):
		errs.Add(field, label+" contains characters that are not valid text.")
	case required && strings.TrimSpace(s) == "":
		errs.Add(field, label+" is required.")
	case utf8.RuneCountInString(s) > max:
		errs.Add(field, label+" is too long: at most "+FormatCount(int64(max))+" characters.")
	}
}

// cleanList trims every entry, drops empty ones and duplicates (ignoring
// case), and keeps the first spelling.
func cleanList(in []string) []string {
	seen := make(map[string]bool, len(in))
	out := make([]string, 0, len(in))
	for _, s := range in {
		s = strings.TrimSpace(s)
		k := strings.ToLower(s)
		if s == "" || seen[k] {
			continue
		}
		seen[k] = true
		out = append(out, s)
	}
	return out
}
