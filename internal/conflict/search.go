package conflict

import "github.com/sitrep/sitrep/internal/edtf"

// SearchHit is one search result: a record and the words that matched.
type SearchHit struct {
	// Kind is "event", "actor", "place", "source" or "quote".
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

// SearchResults are the hits for one query, events first.
type SearchResults struct {
	Query string
	// Broad is set when the query matched too much to rank by relevance:
	// the newest matches are listed instead.
	Broad  bool
	Events []SearchHit
	Others []SearchHit
}

// Empty reports whether nothing matched.
func (r SearchResults) Empty() bool { return len(r.Events) == 0 && len(r.Others) == 0 }
