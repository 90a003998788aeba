package conflict

import (
	"fmt"
	"strings"
	"testing"
)

// bracketed writes fragments with each match in [brackets].
func bracketed(fs []Fragment) string {
	var b strings.Builder
	for _, f := range fs {
		if f.Match {
			fmt.Fprintf(&b, "[%s]", f.Text)
		} else {
			b.WriteString(f.Text)
		}
	}
	return b.String()
}

// The marks themselves are compared with the search index's own in the
// database package (TestSearchMarksAsTheIndexDoes); these are about which
// passage a snippet shows.
func TestSnippetShowsTheBestPassage(t *testing.T) {
	quiet := strings.Repeat("Nothing of note happened on the road. ", 5) // 35 words
	for _, tc := range []struct {
		name, query, text, want string
	}{
		{"a short text whole", "fighting", "Heavy fighting near the bridge.",
			"Heavy [fighting] near the bridge."},
		{"no match: the beginning", "fighting", quiet,
			"Nothing of note happened on the road. Nothing of note happened on the road. Nothing of note happened on the road. Nothing of note…"},
		{"a late match, a few words before it", "fighting", quiet + "Then heavy fighting broke out near the bridge. " + quiet,
			"…road. Then heavy [fighting] broke out near the bridge. Nothing of note happened on the road. Nothing of note happened on the road. Nothing…"},
		{"the passage with more of the terms", "fighting bridge", "Fighting at dawn. " + quiet + "Fighting near the bridge.",
			"…of note happened on the road. Nothing of note happened on the road. Nothing of note happened on the road. [Fighting] near the [bridge]."},
		{"a phrase the passage begins inside", `"road nothing of note"`, strings.Repeat("word ", 30) + "road. Nothing of note",
			"…word word word word word word word word word word word word word word word word word word word word [road. Nothing of note]"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := NewHighlighter(ParseSearch(tc.query))
			got := bracketed(h.Snippet(tc.text, 24))
			if got != tc.want {
				t.Errorf("snippet of %q:\n got %s\nwant %s", tc.query, got, tc.want)
			}
			if n := len(SearchWords(got)); n > 24 {
				t.Errorf("snippet has %d words, more than 24", n)
			}
		})
	}
}
