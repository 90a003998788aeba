package conflict

import (
	"iter"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Search folding: one function turns text into the form the search index
// holds and the form a query is looked up in, so that spellings a reader
// takes for the same word meet. It folds
//
//   - diacritics in every Latin-script language (Jāmiʿ → jami, Łódź → lodz),
//     and the apostrophes and ʿayn and hamza signs transliterations use
//     (Jami' an-Nuri, Ba'ath → baath);
//   - Arabic-script spellings: alef and hamza forms (أ إ آ ٱ → ا, ؤ → و,
//     ئ → ي), taa marbuta (ة → ه), alef maqsura (ى → ي), tatweel and harakat,
//     Arabic-Indic and Persian digits, and the article ال (with و ب ف ك
//     before it, or as لل), so موصل finds الموصل;
//   - Kurdish and Persian letters onto the Arabic ones (ک → ك, ی → ي,
//     ە → ه, ڵ → ل, ڕ → ر, ۆ → و, پ → ب, گ → ك …), since one name is spelt
//     in each.
//
// English word forms (airstrike, airstrikes) are the index's job: its
// tokenizer stems what this function gives it (0018_search_folding.sql).
//
// FoldSearch keeps every word where it is: each run of word characters
// (as the index's tokenizer sees them) becomes exactly one folded word,
// and everything between words is left as it was. The index can then mark
// matches in the original text by word position. The index holds what
// this function gave for every stored text, and a removal from the index
// must be given the same words again: a change to the folding needs a
// migration that rebuilds the search indexes.
func FoldSearch(s string) string {
	if !needsFold(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	// What lies between words is written a rune at a time, as it always
	// was: a byte that is not UTF-8 becomes U+FFFD, and the index holds
	// what this function gave.
	between := func(sep string) {
		for _, r := range sep {
			b.WriteRune(r)
		}
	}
	at := 0
	for start, end := range wordSpans(s) {
		between(s[at:start])
		b.WriteString(foldWord(s[start:end]))
		at = end
	}
	between(s[at:])
	return b.String()
}

// wordSpans yields where each word of s begins and ends, in bytes: each
// run of the characters the index's tokenizer takes as part of a word.
func wordSpans(s string) iter.Seq2[int, int] {
	return func(yield func(int, int) bool) {
		start := -1
		for i, r := range s {
			if isSearchRune(r) {
				if start < 0 {
					start = i
				}
				continue
			}
			if start >= 0 {
				if !yield(start, i) {
					return
				}
				start = -1
			}
		}
		if start >= 0 {
			yield(start, len(s))
		}
	}
}

// SearchWords splits s into its folded, lower-case words: what a query's
// words are looked up as.
func SearchWords(s string) []string {
	f := strings.FieldsFunc(FoldSearch(s), func(r rune) bool { return !isSearchRune(r) })
	out := f[:0]
	for _, w := range f {
		if w = strings.Trim(w, apostrophes); w != "" {
			out = append(out, strings.ToLower(w))
		}
	}
	return out
}

// SearchKey is a name as search compares whole names: its folded words,
// lower case, one space apart. "Jāmiʿ an-Nūrī" and "jami an nuri" have the
// same key, as have الموصل and موصل.
func SearchKey(s string) string { return strings.Join(SearchWords(s), " ") }

// apostrophes are the marks the index keeps inside words so that folding
// can drop them without splitting a word (the tokenizer's tokenchars).
const apostrophes = "'’‘"

// isSearchRune reports whether the index's tokenizer takes r as part of a
// word: letters, numbers, private-use characters, non-spacing marks (the
// harakat) and the apostrophes.
func isSearchRune(r rune) bool {
	if r < utf8.RuneSelf {
		return r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '\''
	}
	return unicode.IsLetter(r) || unicode.IsNumber(r) || unicode.Is(unicode.Mn, r) || unicode.Is(unicode.Co, r) ||
		r == '’' || r == '‘'
}

// needsFold reports whether s holds anything folding changes: text in
// plain ASCII without apostrophes is indexed as it is.
func needsFold(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= utf8.RuneSelf || c == '\'' {
			return true
		}
	}
	return false
}

// foldWord folds one word. A word that would fold to nothing (a lone
// apostrophe or tatweel) is kept as it is, so the words stay in step.
func foldWord(w string) string {
	if !needsFold(w) {
		return w
	}
	var b strings.Builder
	for _, r := range norm.NFKD.String(w) {
		if r < utf8.RuneSelf {
			if r != '\'' && isSearchRune(r) {
				b.WriteRune(unicode.ToLower(r))
			}
			continue
		}
		if m, ok := foldRunes[r]; ok {
			b.WriteString(m)
			continue
		}
		switch {
		case r >= 0x0660 && r <= 0x0669: // Arabic-Indic digits
			b.WriteByte(byte('0' + r - 0x0660))
		case r >= 0x06F0 && r <= 0x06F9: // Persian digits
			b.WriteByte(byte('0' + r - 0x06F0))
		case unicode.Is(unicode.Mn, r), !isSearchRune(r):
			// Harakat, combining accents, and what a compatibility
			// decomposition brings that is not a letter (the spaces in
			// a ligature of several words) would move words.
		default:
			b.WriteRune(unicode.ToLower(r))
		}
	}
	f := stripArticle(b.String())
	if f == "" {
		return w
	}
	return f
}

// foldRunes maps the letters NFKD leaves alone onto the ones readers take
// them for; "" drops the letter.
var foldRunes = map[rune]string{
	// Signs transliterations write for ʿayn and hamza, and apostrophes.
	'ʿ': "", 'ʾ': "", 'ʼ': "", 'ʻ': "", '’': "", '‘': "",
	// Latin letters with no decomposition.
	'ł': "l", 'Ł': "l", 'ø': "o", 'Ø': "o", 'đ': "d", 'Đ': "d", 'ð': "d", 'Ð': "d",
	'ı': "i", 'ß': "ss", 'æ': "ae", 'Æ': "ae", 'œ': "oe", 'Œ': "oe", 'þ': "th", 'Þ': "th",
	'ħ': "h", 'Ħ': "h",
	// Arabic: tatweel, alef wasla, taa marbuta, alef maqsura, and the
	// bare hamza NFKD leaves of أ إ ؤ ئ is dropped as a mark.
	'ـ': "", 'ٱ': "ا", 'ة': "ه", 'ى': "ي",
	// Kurdish and Persian letters onto the Arabic ones.
	'ک': "ك", 'ی': "ي", 'ێ': "ي", 'ې': "ي", 'ە': "ه", 'ھ': "ه", 'ہ': "ه", 'ۃ': "ه",
	'ۆ': "و", 'ۇ': "و", 'ۉ': "و", 'ۋ': "و", 'ڵ': "ل", 'ڕ': "ر", 'ڤ': "ف",
	'پ': "ب", 'چ': "ج", 'ژ': "ز", 'گ': "ك", 'ڠ': "غ",
}

// articles are the forms of the Arabic article a word may begin with,
// longest first: with و (and), ب (by), ف (so), ك (as) before it, or لل
// (ل with the article).
var articles = []string{"وال", "بال", "فال", "كال", "ال", "لل"}

// stripArticle drops the article from an Arabic word, leaving at least two
// letters, so that the word is found with or without it.
func stripArticle(w string) string {
	for _, a := range articles {
		if rest, ok := strings.CutPrefix(w, a); ok && utf8.RuneCountInString(rest) >= 2 {
			return rest
		}
	}
	return w
}
