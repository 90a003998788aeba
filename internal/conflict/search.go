package conflict

import "github.com/sitrep/sitrep/internal/edtf"

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
