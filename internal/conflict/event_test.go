package conflict_test

import (
	"fmt"
	"maps"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/sitrep/sitrep/internal/conflict"
	"github.com/sitrep/sitrep/internal/edtf"
)

func validEvent() conflict.Event {
	return conflict.Event{
		Title: "Badr Organization fighters train in Diyala ahead of the battle for Mosul",
		Date:  edtf.MustParse("2016-09-27"),
		Tags:  []string{"Training", "Mosul offensive", "training"},
		Body:  "Members of the Shi'ite **Badr Organization** trained in Diyala province.",
	}
}

func TestEventValidate(t *testing.T) {
	e := validEvent()
	if err := e.Validate(); err != nil {
		t.Fatalf("Validate() = %v, want nil", err)
	}
	if !reflect.DeepEqual(e, validEvent()) {
		t.Errorf("Validate() changed the event: %+v", e)
	}
	e.Normalize()
	if want := "badr-organization-fighters-train-in-diyala-ahead-of-the-battle-for-mosul"; e.Slug != want {
		t.Errorf("Normalize() slug = %q, want %q", e.Slug, want)
	}
	if want := []string{"training", "mosul-offensive"}; !slices.Equal(e.Tags, want) {
		t.Errorf("Normalize() tags = %q, want %q", e.Tags, want)
	}
	if e.Status != conflict.Draft {
		t.Errorf("Normalize() status = %q, want %q", e.Status, conflict.Draft)
	}
	once := e
	once.Tags = slices.Clone(e.Tags)
	if e.Normalize(); !reflect.DeepEqual(e, once) {
		t.Errorf("Normalize() twice = %+v, want %+v", e, once)
	}
	if err := e.Validate(); err != nil {
		t.Errorf("Validate() after Normalize = %v, want nil", err)
	}
}

func TestEventValidateLimits(t *testing.T) {
	tests := []struct {
		name   string
		modify func(e *conflict.Event)
	}{
		{"title of 300 characters", func(e *conflict.Event) { e.Title = strings.Repeat("a", 300) }},
		// Limits count characters, not bytes: 300 Arabic letters are 600 bytes.
		{"Arabic title of 300 characters", func(e *conflict.Event) { e.Title = strings.Repeat("م", 300) }},
		{"body of 100,000 characters", func(e *conflict.Event) { e.Body = strings.Repeat("a", 100_000) }},
		{"empty body", func(e *conflict.Event) { e.Body = "" }},
		{"interval date", func(e *conflict.Event) { e.Date = edtf.MustParse("2016-07/2016-09") }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := validEvent()
			tt.modify(&e)
			if err := e.Validate(); err != nil {
				t.Errorf("Validate() = %v, want nil", err)
			}
		})
	}
}

func TestEventValidateRejects(t *testing.T) {
	tests := []struct {
		name   string
		modify func(e *conflict.Event)
		want   conflict.FieldErrors
	}{
		{"empty title", func(e *conflict.Event) { e.Title = "" },
			conflict.FieldErrors{"title": "Title is required."}},
		{"blank title", func(e *conflict.Event) { e.Title = " \t " },
			conflict.FieldErrors{"title": "Title is required."}},
		{"title of 301 characters", func(e *conflict.Event) { e.Title = strings.Repeat("a", 301) },
			conflict.FieldErrors{"title": "Title is too long: at most 300 characters."}},
		{"body over 100,000 characters", func(e *conflict.Event) { e.Body = strings.Repeat("a", 100_001) },
			conflict.FieldErrors{"body": "Body is too long: at most 100,000 characters."}},
		{"invalid UTF-8 in title", func(e *conflict.Event) { e.Title = "Mosul \xff\xfe" },
			conflict.FieldErrors{"title": "Title contains characters that are not valid text."}},
		{"invalid UTF-8 in body", func(e *conflict.Event) { e.Body = "\xc3\x28" },
			conflict.FieldErrors{"body": "Body contains characters that are not valid text."}},
		{"missing date", func(e *conflict.Event) { e.Date = edtf.Date{} },
			conflict.FieldErrors{"date": "Date is required."}},
		{"unknown status", func(e *conflict.Event) { e.Status = "live" },
			conflict.FieldErrors{"status": "Unknown status."}},
		{"actor not chosen", func(e *conflict.Event) { e.Actors = []conflict.EventActor{{Role: "target"}} },
			conflict.FieldErrors{"actors": "Choose each actor from the list."}},
		{"actor twice in one role", func(e *conflict.Event) {
			a := conflict.ActorRef{ID: 3}
			e.Actors = []conflict.EventActor{{Actor: a, Role: "target"}, {Actor: a, Role: "target"}}
		}, conflict.FieldErrors{"actors": "An actor is listed twice with the same role."}},
		{"tag of 61 characters", func(e *conflict.Event) { e.Tags = []string{strings.Repeat("t", 61)} },
			conflict.FieldErrors{"tags": "Each tag is too long: at most 60 characters."}},
		{"citation without a source", func(e *conflict.Event) { e.Citations = []conflict.Citation{{}, {Source: conflict.Source{ID: 1}}} },
			conflict.FieldErrors{"citations.0.source": "Choose the source this citation comes from."}},
		{"every field wrong", func(e *conflict.Event) { e.Title, e.Date = "", edtf.Date{} },
			conflict.FieldErrors{"title": "Title is required.", "date": "Date is required."}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := validEvent()
			tt.modify(&e)
			err := e.Validate()
			if code := conflict.ErrorCode(err); code != conflict.Invalid {
				t.Fatalf("Validate() = %v (code %q), want code %q", err, code, conflict.Invalid)
			}
			if got := conflict.ErrorFields(err); !maps.Equal(got, tt.want) {
				t.Errorf("Validate() fields = %v, want %v", got, tt.want)
			}
			if got := conflict.ErrorMessage(err); got != "Some fields need attention." {
				t.Errorf("Validate() message = %q, want %q", got, "Some fields need attention.")
			}
		})
	}
}

func TestEventSlugWithoutLatinLetters(t *testing.T) {
	e := validEvent()
	e.Title = "اشتباكات في الموصل"
	if err := e.Validate(); err != nil {
		t.Fatalf("Validate() = %v, want nil", err)
	}
	if e.Normalize(); e.Slug != "event" {
		t.Errorf("Normalize() slug for an Arabic title = %q, want %q", e.Slug, "event")
	}
}

func TestErrorCodeThroughWrapping(t *testing.T) {
	err := fmt.Errorf("load event 7: %w", conflict.Errorf(conflict.NotFound, "No such event."))
	if got := conflict.ErrorCode(err); got != conflict.NotFound {
		t.Errorf("ErrorCode(%v) = %q, want %q", err, got, conflict.NotFound)
	}
	if got := conflict.ErrorMessage(err); got != "No such event." {
		t.Errorf("ErrorMessage(%v) = %q, want %q", err, got, "No such event.")
	}
}
