package conflict

import (
	"strconv"
	"strings"
	"time"

	"github.com/sitrep/sitrep/internal/edtf"
)

// Event is something that happened, on a date that may be known only to the
// month, approximately, or as an interval.
type Event struct {
	ID        EventID
	Slug      string
	Title     string
	Date      edtf.Date
	Place     *PlaceRef
	Actors    []EventActor
	Tags      []string
	Body      string
	Citations []Citation
	// Relations link the event to others: it revises, disputes or
	// duplicates them, or is the same event with dates that disagree.
	Relations []Relation
	Status    Status
	// StatusNote is the reviewer's comment on a rejection, or the reason for
	// a retraction.
	StatusNote string
	// ExternalID identifies a record brought in from elsewhere (an import,
	// the demo data), so that loading it again changes nothing.
	ExternalID string
	Version    int
	CreatedAt  time.Time
	UpdatedAt  time.Time
}

// EventActor is an actor's part in an event.
type EventActor struct {
	Actor ActorRef
	// Role says what the actor did: "attacker", "target", "trainer"…
	Role string
}

// Normalize puts the event in the form it is stored in: a new event is a
// draft, its tags are tidied and its slug follows its title. The store runs
// it once on every write, before Validate.
func (e *Event) Normalize() {
	if e.Status == "" {
		e.Status = Draft
	}
	e.Tags = NormalizeTags(e.Tags)
	e.Slug = EventSlug(e.Title)
}

// EventSlug is the slug of an event with the given title: an event's
// address is its id, and the slug after it follows the title, so the
// store keeps no slug of its own but derives it where it reads a title.
func EventSlug(title string) string {
	if s := Slugify(title); s != "" {
		return s
	}
	return "event"
}

// Validate checks the event's fields as Normalize leaves them, changing
// nothing, so that a form can show its messages before the store writes.
// It does not check citations needed for publishing: see CanPublish.
func (e Event) Validate() error {
	errs := FieldErrors{}
	checkText(errs, "title", "Title", e.Title, true, MaxTitleLen)
	checkText(errs, "body", "Body", e.Body, false, MaxBodyLen)
	if e.Date.IsZero() {
		errs.Add("date", "Date is required.")
	}
	// No status yet is a new draft.
	if e.Status != "" && !e.Status.Valid() {
		errs.Add("status", "Unknown status.")
	}
	seen := map[ActorID]string{}
	for _, a := range e.Actors {
		checkText(errs, "actors", "An actor's role", a.Role, false, MaxNameLen)
		if a.Actor.ID == 0 {
			errs.Add("actors", "Choose each actor from the list.")
		}
		if r, ok := seen[a.Actor.ID]; ok && r == a.Role {
			errs.Add("actors", "An actor is listed twice with the same role.")
		}
		seen[a.Actor.ID] = a.Role
	}
	for _, t := range NormalizeTags(e.Tags) {
		checkText(errs, "tags", "Each tag", t, false, 60)
	}
	validateCitations(errs, e.Citations)
	validateRelations(errs, EventRecord, int64(e.ID), e.Relations, len(e.Citations))
	return errs.Err()
}

// CanPublish reports why the event may not be published yet, or nil.
func (e Event) CanPublish() error { return requireCitation(len(e.Citations)) }

func requireCitation(n int) error {
	if n == 0 {
		return &Error{Code: Invalid, Message: "Nothing is published without a source.",
			Fields: FieldErrors{"citations": "Cite at least one source before publishing."}}
	}
	return nil
}

// NormalizeTags lower-cases tags, joins inner spaces with hyphens and drops
// duplicates, so that "Air strike" and "air-strike" are one tag.
func NormalizeTags(tags []string) []string {
	out := make([]string, 0, len(tags))
	for _, t := range tags {
		out = append(out, strings.Join(strings.Fields(strings.ToLower(t)), "-"))
	}
	return cleanList(out)
}

func itoa(i int) string { return strconv.Itoa(i) }
