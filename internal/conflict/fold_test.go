package conflict

import (
	"strings"
	"testing"
	"unicode"
)

func TestSearchKeyFoldsSpellingsTogether(t *testing.T) {
	for _, same := range [][]string{
		{"Jāmiʿ an-Nūrī", "Jami an-Nuri", "jami' an nuri", "JAMI AN-NURI"},
		{"Łódź", "lodz"},
		{"الموصل", "موصل", "المَوْصِل", "الـمـوصـل"},
		{"إدلب", "ادلب", "أدلب"},
		{"محافظة", "محافظه"},
		{"مستشفى", "مستشفي"},
		{"ٱلرقة", "الرقه", "رقة"},
		{"سلێمانی", "سليماني"},
		{"کرکوک", "كركوك"},
		{"ھەولێر", "ههولير"},
		{"٢٠١٦", "۲۰۱۶", "2016"},
	} {
		want := SearchKey(same[0])
		for _, s := range same[1:] {
			if got := SearchKey(s); got != want {
				t.Errorf("SearchKey(%q) = %q; want %q, as for %q", s, got, want, same[0])
			}
		}
	}
	// The article is not taken from a word too short to keep two letters.
	if got := SearchKey("الي"); got != "الي" {
		t.Errorf("SearchKey(الي) = %q; want it kept", got)
	}
}

// FoldSearch keeps every word where it is, so that the index can mark
// matches in the text as it was written.
func TestFoldSearchKeepsWordsInPlace(t *testing.T) {
	words := func(s string) int {
		return len(strings.FieldsFunc(s, func(r rune) bool { return !isSearchRune(r) }))
	}
	for _, s := range []string{
		"Fighting at the Jāmiʿ an-Nūrī, near the Ḥadbāʾ minaret.",
		"قصف جوي على الموصل؛ مُحافَظة نينوى — ـ ' ’",
		"Kurdistan's fighters' positions ʿ ﷺ ﬁre",
		"plain ASCII text, left alone",
	} {
		f := FoldSearch(s)
		if words(f) != words(s) {
			t.Errorf("FoldSearch(%q) = %q: %d words, want %d", s, f, words(f), words(s))
		}
		for i, r := range []rune(f) {
			if unicode.Is(unicode.Mn, r) {
				t.Errorf("FoldSearch(%q) keeps a mark at %d: %q", s, i, f)
			}
		}
	}
	if s := "plain ASCII text"; FoldSearch(s) != s {
		t.Errorf("FoldSearch changed plain text")
	}
}
