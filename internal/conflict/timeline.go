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
	Published     bool
	Version       int
	CreatedAt     time.Time
	UpdatedAt     time.Time
}

// TimelineFilter chooses the events a timeline shows.
type TimelineFilter struct {
	Actors []ActorID
	Places []PlaceID
	Tags   []string
	From   edtf.Date
	To     edtf.Date
}

// Validate checks the timeline's fields and fills in its slug.
func (t *Timeline) Validate() error {
	errs := FieldErrors{}
	checkText(errs, "title", "Title", t.Title, true, MaxTitleLen)
	checkText(errs, "description", "Description", t.Description, false, MaxBodyLen)
	fillSlug(&t.Slug, t.Title, "timeline")
	if Slugify(t.Slug) != t.Slug {
		errs.Add("slug", "A slug is lower-case letters, digits and hyphens.")
	}
	t.Filter.Tags = NormalizeTags(t.Filter.Tags)
	if !t.Filter.From.IsZero() && !t.Filter.To.IsZero() && t.Filter.From.LowerKey() > t.Filter.To.UpperKey() {
		errs.Add("to", "The end of the date range is before its start.")
	}
	return errs.Err()
}
