package export

import (
	"bufio"
	"bytes"
	"context"
	_ "embed"
	"encoding/json"
	"io"
	"strconv"
)

// An archive is the whole public record in one JSON file: every published
// actor, place, source and timeline, and every published or retracted
// event and estimate, with every link between them, and, when asked for,
// every published revision of each. `sitrep import` reads it back, so
// that exporting a database, importing the file into an empty one and
// exporting that gives the same bytes.
//
// Records link each other by the ids they have in the file (an event's
// place_id is the id of a place in the file's places), which are the
// exporting database's own. Every list is in id order and every record is
// written one a line with its fields in a fixed order, so the same
// records always make the same file. Drafts, submissions, rejected
// records and edits waiting for review are never written: what readers
// cannot see stays in.
//
//	{"format":"sitrep-archive","version":1,"history":false,
//	"actors":[
//	{…},
//	{…}
//	],
//	"places":[…],"sources":[…],"claimants":[…],"events":[…],"estimates":[…],"timelines":[…]}

// ArchiveFormat is the format field that marks an archive.
const ArchiveFormat = "sitrep-archive"

// ArchiveVersion is the version of the format this package writes; an
// import reads this version only.
const ArchiveVersion = 1

// ArchiveSchema is the JSON Schema of an archive, served at
// /api/v1/schema/export.json.
//
//go:embed schema.json
var ArchiveSchema []byte

// ArchiveSections are an archive's lists in the order they are written:
// each record after the records it links to, but for an actor's or a
// place's parent, which may come later in its list.
var ArchiveSections = []string{"actors", "places", "sources", "claimants", "events", "estimates", "timelines"}

// ArchiveHeader are the fields before the lists.
type ArchiveHeader struct {
	Format  string `json:"format"`
	Version int    `json:"version"`
	// History says whether records carry their published revisions.
	History bool `json:"history"`
}

// ArchiveMeta are the fields every record has beside its own: when and
// how often it was changed, and, in an archive with history, its
// published revisions.
type ArchiveMeta struct {
	StatusNote string            `json:"status_note,omitempty"`
	Version    int               `json:"version"`
	CreatedAt  string            `json:"created_at"`
	UpdatedAt  string            `json:"updated_at"`
	Revisions  []ArchiveRevision `json:"revisions,omitempty"`
}

// ArchiveRevision is one published revision of a record: its number,
// what it did, who made it (by name: accounts are not exported) and the
// record as it then stood, in the form history keeps it.
type ArchiveRevision struct {
	Number     int             `json:"number"`
	Action     string          `json:"action"`
	Author     string          `json:"author"`
	Summary    string          `json:"summary,omitempty"`
	CreatedAt  string          `json:"created_at"`
	Unreviewed bool            `json:"unreviewed,omitempty"`
	Snapshot   json.RawMessage `json:"snapshot"`
}

// ArchiveActor is an actor.
type ArchiveActor struct {
	ID          int64    `json:"id"`
	Slug        string   `json:"slug"`
	Name        string   `json:"name"`
	Aliases     []string `json:"aliases"`
	Kind        string   `json:"kind"`
	ParentID    *int64   `json:"parent_id"`
	Colour      string   `json:"colour"`
	Description string   `json:"description"`
	ArchiveMeta
}

// ArchiveName is a place's other name, in any script.
type ArchiveName struct {
	Name string `json:"name"`
	Lang string `json:"lang,omitempty"`
}

// ArchiveCoordinates are a WGS 84 position in decimal degrees.
type ArchiveCoordinates struct {
	Lat float64 `json:"lat"`
	Lon float64 `json:"lon"`
}

// ArchivePlace is a place.
type ArchivePlace struct {
	ID          int64               `json:"id"`
	Slug        string              `json:"slug"`
	Name        string              `json:"name"`
	Names       []ArchiveName       `json:"names"`
	Kind        string              `json:"kind"`
	ParentID    *int64              `json:"parent_id"`
	Coordinates *ArchiveCoordinates `json:"coordinates"`
	Description string              `json:"description"`
	ArchiveMeta
}

// ArchiveSource is a source, with its reliability grade.
type ArchiveSource struct {
	ID        int64  `json:"id"`
	URL       string `json:"url"`
	Publisher string `json:"publisher"`
	Title     string `json:"title"`
	// Published is an EDTF date, "" when unknown.
	Published   string   `json:"published"`
	Authors     []string `json:"authors"`
	Language    string   `json:"language"`
	ArchivedURL string   `json:"archived_url"`
	Reliability string   `json:"reliability"`
	Notes       string   `json:"notes"`
	ArchiveMeta
}

// ArchiveCitation ties an event or estimate to a source of the file.
type ArchiveCitation struct {
	SourceID    int64  `json:"source_id"`
	Quote       string `json:"quote"`
	Locator     string `json:"locator"`
	Credibility int    `json:"credibility,omitempty"`
}

// ArchiveRelation links an event or an estimate to another of its list
// (Target is that record's id in the file): kind is supersedes, disputes,
// duplicates or, for events, conflicting_dates; SourceID is the source of
// the file that reports the link. A link to a record readers cannot see
// is left out, as the record is.
type ArchiveRelation struct {
	Kind     string `json:"kind"`
	Target   int64  `json:"target"`
	SourceID int64  `json:"source_id"`
}

// ArchiveClaimant is a claimant readers see (a published or retracted
// estimate names it): its kind and the actor it belongs to. Estimates name
// their claimant by name; an import matches a claimant by its name as
// conflict.ClaimantKey reads it.
type ArchiveClaimant struct {
	ID          int64  `json:"id"`
	Name        string `json:"name"`
	Type        string `json:"type"`
	ActorID     *int64 `json:"actor_id"`
	Description string `json:"description"`
	Version     int    `json:"version"`
	CreatedAt   string `json:"created_at"`
	UpdatedAt   string `json:"updated_at"`
}

// ArchiveEventActor is an actor's part in an event.
type ArchiveEventActor struct {
	ActorID int64  `json:"actor_id"`
	Role    string `json:"role"`
}

// ArchiveEvent is an event: Date is EDTF.
type ArchiveEvent struct {
	ID         int64               `json:"id"`
	ExternalID string              `json:"external_id,omitempty"`
	Slug       string              `json:"slug"`
	Title      string              `json:"title"`
	Date       string              `json:"date"`
	PlaceID    *int64              `json:"place_id"`
	Actors     []ArchiveEventActor `json:"actors"`
	Tags       []string            `json:"tags"`
	Body       string              `json:"body"`
	Citations  []ArchiveCitation   `json:"citations"`
	Relations  []ArchiveRelation   `json:"relations,omitempty"`
	Status     string              `json:"status"`
	ArchiveMeta
}

// ArchiveEstimate is an estimate: AsOf is EDTF; the claimant is who made
// it, by name and, when it is an actor, by its id.
type ArchiveEstimate struct {
	ID              int64             `json:"id"`
	ExternalID      string            `json:"external_id,omitempty"`
	ForceID         int64             `json:"force_id"`
	PlaceID         *int64            `json:"place_id"`
	AsOf            string            `json:"as_of"`
	Unit            string            `json:"unit"`
	Qualifier       string            `json:"qualifier"`
	Low             *int64            `json:"low"`
	High            *int64            `json:"high"`
	Claimant        string            `json:"claimant"`
	ClaimantActorID *int64            `json:"claimant_actor_id"`
	Notes           string            `json:"notes"`
	Citations       []ArchiveCitation `json:"citations"`
	Relations       []ArchiveRelation `json:"relations,omitempty"`
	Status          string            `json:"status"`
	ArchiveMeta
}

// ArchiveTimelineFilter chooses a timeline's events; From and To are EDTF.
type ArchiveTimelineFilter struct {
	ActorIDs []int64  `json:"actor_ids"`
	PlaceIDs []int64  `json:"place_ids"`
	Tags     []string `json:"tags"`
	From     string   `json:"from"`
	To       string   `json:"to"`
}

// ArchiveTimeline is a timeline: its filter, and the events pinned into
// it or left out of it.
type ArchiveTimeline struct {
	ID            int64                 `json:"id"`
	Slug          string                `json:"slug"`
	Title         string                `json:"title"`
	Description   string                `json:"description"`
	Filter        ArchiveTimelineFilter `json:"filter"`
	Pinned        []int64               `json:"pinned_event_ids"`
	Excluded      []int64               `json:"excluded_event_ids"`
	WithEstimates bool                  `json:"with_estimates"`
	ArchiveMeta
}

// ArchiveStore is where an archive is read from; *sqlite.DB is one.
type ArchiveStore interface {
	// ReadArchive calls section with each list's name, in
	// ArchiveSections' order, then record with each of its records (a
	// *ArchiveActor, *ArchivePlace, …) in id order, all from one
	// consistent snapshot. history adds each record's published
	// revisions.
	ReadArchive(ctx context.Context, history bool, section func(name string) error, record func(v any) error) error
}

// Archive writes the whole public record as one JSON file (see
// ArchiveFormat). o.Flush, when set, is called after every 1,000 records.
func Archive(ctx context.Context, w io.Writer, s ArchiveStore, history bool, o Options) error {
	buf := bufio.NewWriterSize(w, 64<<10)
	var line bytes.Buffer
	enc := newEncoder(&line)
	head, err := json.Marshal(ArchiveHeader{Format: ArchiveFormat, Version: ArchiveVersion, History: history})
	if err != nil {
		return err
	}
	buf.Write(head[:len(head)-1]) // the header's fields, the object left open
	count, written := 0, 0
	closeList := func() {
		if count > 0 {
			buf.WriteString("\n")
		}
		buf.WriteString("]")
	}
	first := true
	err = s.ReadArchive(ctx, history, func(name string) error {
		if !first {
			closeList()
		}
		first = false
		count = 0
		_, err := buf.WriteString(",\n" + strconv.Quote(name) + ":[")
		return err
	}, func(v any) error {
		line.Reset()
		if err := enc.Encode(v); err != nil {
			return err
		}
		if count > 0 {
			buf.WriteString(",")
		}
		buf.WriteString("\n")
		buf.Write(bytes.TrimSuffix(line.Bytes(), []byte("\n")))
		count++
		written++
		if written%pageSize == 0 {
			if err := buf.Flush(); err != nil {
				return err
			}
			if o.Flush != nil {
				o.Flush()
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	if !first {
		closeList()
	}
	buf.WriteString("}\n")
	if err := buf.Flush(); err != nil {
		return err
	}
	if o.Flush != nil {
		o.Flush()
	}
	return nil
}
