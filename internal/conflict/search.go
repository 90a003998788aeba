package conflict

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/sitrep/sitrep/internal/edtf"
)

// SearchHit is one search result: a record and the words that matched.
type SearchHit struct {
	// Kind is "event", "estimate", "actor", "place", "source" or "quote".
	Kind  string
	ID    int64
	Slug  string
	Title []Fragment
	// Snippet is the matching passage with its matched words marked.
	Snippet []Fragment
	Date    edtf.Date
	// In names the record a quote supports, for quote hits.
	InKind  RecordType
	InID    int64
	InSlug  string
	InTitle string
}

// Fragment is a run of text, marked when it matched the query.
type Fragment struct {
	Text  string
	Match bool
}

// SearchCountLimit is where search stops counting matches: past it, a
// count is "more than SearchCountLimit".
const SearchCountLimit = 500

// SearchResults are the hits for one query.
type SearchResults struct {
	Query string
	// Broad is set when the query matched too much to rank by relevance:
	// the newest matches are listed instead.
	Broad bool
	// Named are the actors and places the query names whole, by a name,
	// an alias or a spelling of either ("ISIS", موصل), each with its
	// newest events and estimates.
	Named []NamedRecord
	// Events are the events whose words match, best first.
	Events []SearchHit
	// EventCount is how many published events match the words, counted
	// up to SearchCountLimit and past it only as one more.
	EventCount int
	// Others are the actors, places, sources and quotes whose words
	// match, best first.
	Others []SearchHit
	// OtherCounts counts the matching published records of each kind
	// listed in Others; OthersCounted is false when they matched too
	// much to count (more than SearchCountLimit records in all).
	OtherCounts   map[string]int
	OthersCounted bool
}

// NamedRecord is an actor or place a query names, with what is linked to
// it: the events it took part in or that happened there (and in the
// actors or places under it), and the estimates of it or there.
type NamedRecord struct {
	Hit SearchHit
	// EventCount is every published event linked; Events the newest.
	EventCount int64
	Events     []SearchHit
	// EstimateCount counts the published estimates linked, up to
	// SearchCountLimit and past it only as one more; Estimates the newest.
	EstimateCount int
	Estimates     []SearchHit
}

// Empty reports whether nothing matched.
func (r SearchResults) Empty() bool {
	return len(r.Events) == 0 && len(r.Others) == 0 && len(r.Named) == 0
}

// SearchGroup is the results of one kind, as a page lists them.
type SearchGroup struct {
	Kind string
	Hits []SearchHit
	// Count is how many records of the kind match; AtLeast says there
	// are more, uncounted.
	Count   int
	AtLeast bool
}

// searchKinds orders the groups a page lists.
var searchKinds = []string{"event", "actor", "place", "source", "quote"}

// Groups splits the results by kind, events first, leaving out kinds
// with no hits. Each group keeps the order of relevance.
func (r SearchResults) Groups() []SearchGroup {
	var out []SearchGroup
	for _, kind := range searchKinds {
		g := SearchGroup{Kind: kind}
		if kind == "event" {
			g.Hits, g.Count = r.Events, r.EventCount
			g.AtLeast = r.EventCount > SearchCountLimit
			if g.AtLeast {
				g.Count = SearchCountLimit
			}
		} else {
			for _, h := range r.Others {
				if h.Kind == kind {
					g.Hits = append(g.Hits, h)
				}
			}
			g.Count, g.AtLeast = max(r.OtherCounts[kind], len(g.Hits)), !r.OthersCounted
		}
		if len(g.Hits) > 0 {
			out = append(out, g)
		}
	}
	return out
}

// PrefixMinLetters is the fewest letters a prefix takes: a word typed with
// a trailing * matches every word that begins with it, and the search
// indexes keep no lists of prefixes, so FTS5 gathers the matches of every
// word that begins so each time it reads. Two letters begin a large part
// of all the words in a record; a shorter prefix is searched as the word
// itself, and pages say so.
const PrefixMinLetters = 3

// SearchTerm is one term of a query as a person typed it: a word, a
// "quoted phrase", or a word with a trailing * for a prefix, possibly
// with a leading - to leave it out.
type SearchTerm struct {
	// Typed is the term as written, its - and * included.
	Typed string
	// Words are its folded words (SearchWords); a term without any is
	// left out of the query.
	Words  []string
	Phrase bool
	Negate bool
	// Prefix is set when the term's last word is a prefix long enough
	// to search as one (PrefixMinLetters); ShortPrefix when it was typed
	// as one but is searched as a word.
	Prefix, ShortPrefix bool
}

// SearchMaxTerms bounds the work one query can ask of the search
// indexes: terms past it are not searched.
const SearchMaxTerms = 16

// ParseSearch splits what a person typed into its terms, at most
// SearchMaxTerms of them.
func ParseSearch(input string) []SearchTerm {
	var terms []SearchTerm
	rest := strings.TrimSpace(input)
	for rest != "" && len(terms) < SearchMaxTerms {
		start := rest
		var t SearchTerm
		if rest[0] == '-' {
			t.Negate = true
			rest = rest[1:]
		}
		var text string
		if strings.HasPrefix(rest, `"`) {
			end := strings.IndexByte(rest[1:], '"')
			if end < 0 {
				text, rest = rest[1:], ""
			} else {
				text, rest = rest[1:end+1], rest[end+2:]
			}
			t.Phrase = true
		} else {
			end := strings.IndexFunc(rest, unicode.IsSpace)
			if end < 0 {
				end = len(rest)
			}
			text, rest = rest[:end], rest[end:]
		}
		t.Typed = strings.TrimSpace(start[:len(start)-len(rest)])
		rest = strings.TrimSpace(rest)
		t.Words = SearchWords(text)
		if len(t.Words) == 0 {
			continue
		}
		if !t.Phrase && strings.HasSuffix(text, "*") {
			t.Prefix = utf8.RuneCountInString(t.Words[len(t.Words)-1]) >= PrefixMinLetters
			t.ShortPrefix = !t.Prefix
		}
		terms = append(terms, t)
	}
	return terms
}

// ShortPrefixes are the terms of a query typed as prefixes that are
// searched as words (PrefixMinLetters): what a page tells the reader it
// did.
func ShortPrefixes(input string) []SearchTerm {
	var short []SearchTerm
	for _, t := range ParseSearch(input) {
		if t.ShortPrefix {
			short = append(short, t)
		}
	}
	return short
}
