package conflict

import (
	"time"

	"github.com/sitrep/sitrep/internal/edtf"
)

// Timeline is a named, curated view of events: a filter plus events pinned
// in or left out by hand. It is what newsrooms embed.
type Timeline struct {
	ID          TimelineID
	Slug        string
	Title       string
	Description string
	Filter      TimelineFilter
	Pinned      []EventID
	Excluded    []EventID
	// WithEstimates interleaves the estimates of the filter's actors.
	WithEstimates bool
	// Status is where the timeline stands in review: one an editor creates
	// is a draft, seen only by signed-in users until it is published
	// (system writes create it published). Readers and embeds see only
	// published timelines.
	Status     Status
	StatusNote string
	Version    int
	CreatedAt  time.Time
	UpdatedAt  time.Time
}

// TimelineFilter chooses the events a timeline shows.
type TimelineFilter struct {
	Actors []ActorID
	Places []PlaceID
	Tags   []string
	From   edtf.Date
	To     edtf.Date
}

// Normalize puts the timeline in the form it is stored in: a slug from its
// title when it has none, its filter's tags tidied. The store runs it once
// on every write, before Validate.
func (t *Timeline) Normalize() {
	fillSlug(&t.Slug, t.Title, "timeline")
	t.Filter.Tags = NormalizeTags(t.Filter.Tags)
}

// Validate checks the timeline's fields, changing nothing. A blank slug is
// one Normalize fills in from the title.
func (t Timeline) Validate() error {
	errs := FieldErrors{}
	checkText(errs, "title", "Title", t.Title, true, MaxTitleLen)
	checkText(errs, "description", "Description", t.Description, false, MaxBodyLen)
	if t.Slug != "" && Slugify(t.Slug) != t.Slug {
		errs.Add("slug", "A slug is lower-case letters, digits and hyphens.")
	}
	if !t.Filter.From.IsZero() && !t.Filter.To.IsZero() && t.Filter.From.LowerKey() > t.Filter.To.UpperKey() {
		errs.Add("to", "The end of the date range is before its start.")
	}
	return errs.Err()
}
