package conflict

import (
	"regexp"
	"strings"
	"time"
)

// Actor is a party to the conflict: an armed group, a state force, a
// coalition, an official body.
type Actor struct {
	ID          ActorID
	Slug        string
	Name        string
	Aliases     []string
	Kind        string
	Parent      *ActorRef
	Colour      string
	Description string
	Version     int
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

// Ref returns the reference other records keep to a.
func (a Actor) Ref() ActorRef {
	return ActorRef{ID: a.ID, Slug: a.Slug, Name: a.Name, Colour: a.Colour}
}

var colourPattern = regexp.MustCompile(`^#[0-9a-f]{6}$`)

// Validate checks the actor's fields and fills in its slug.
func (a *Actor) Validate() error {
	errs := FieldErrors{}
	checkText(errs, "name", "Name", a.Name, true, MaxNameLen)
	checkText(errs, "kind", "Kind", a.Kind, false, MaxNameLen)
	checkText(errs, "description", "Description", a.Description, false, MaxBodyLen)
	a.Aliases = cleanList(a.Aliases)
	for _, al := range a.Aliases {
		checkText(errs, "aliases", "Each alias", al, false, MaxNameLen)
	}
	a.Colour = strings.ToLower(strings.TrimSpace(a.Colour))
	if a.Colour != "" && !colourPattern.MatchString(a.Colour) {
		errs.Add("colour", "Colour is a hex colour such as #1f77b4.")
	}
	if a.Parent != nil && a.ID != 0 && a.Parent.ID == a.ID {
		errs.Add("parent", "An actor cannot be its own parent.")
	}
	fillSlug(&a.Slug, a.Name, "actor")
	return errs.Err()
}

// fillSlug derives a slug from name when none is set.
func fillSlug(slug *string, name, fallback string) {
	if *slug == "" {
		*slug = Slugify(name)
	}
	if *slug == "" {
		*slug = fallback
	}
}
