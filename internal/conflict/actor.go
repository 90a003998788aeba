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
	// Status is where the actor stands in review: one an editor creates
	// is a draft, seen only by signed-in users until it is published
	// (system writes, such as imports, create it published).
	Status     Status
	StatusNote string
	Version    int
	CreatedAt  time.Time
	UpdatedAt  time.Time
}

// Ref returns the reference other records keep to a.
func (a Actor) Ref() ActorRef {
	return ActorRef{ID: a.ID, Slug: a.Slug, Name: a.Name, Colour: a.Colour}
}

var colourPattern = regexp.MustCompile(`^#[0-9a-f]{6}$`)

// IsColour reports whether c is a colour an actor may have, as Normalize
// leaves it: "#" and six lower-case hex digits.
func IsColour(c string) bool { return colourPattern.MatchString(c) }

// Normalize puts the actor in the form it is stored in: aliases without
// blanks or repeats, the colour in lower case, a slug from the name when
// it has none. The store runs it once on every write, before Validate.
func (a *Actor) Normalize() {
	a.Aliases = cleanList(a.Aliases)
	a.Colour = normalColour(a.Colour)
	fillSlug(&a.Slug, a.Name, "actor")
}

func normalColour(c string) string { return strings.ToLower(strings.TrimSpace(c)) }

// Validate checks the actor's fields as Normalize leaves them, changing
// nothing.
func (a Actor) Validate() error {
	errs := FieldErrors{}
	checkText(errs, "name", "Name", a.Name, true, MaxNameLen)
	checkText(errs, "kind", "Kind", a.Kind, false, MaxNameLen)
	checkText(errs, "description", "Description", a.Description, false, MaxBodyLen)
	for _, al := range cleanList(a.Aliases) {
		checkText(errs, "aliases", "Each alias", al, false, MaxNameLen)
	}
	if c := normalColour(a.Colour); c != "" && !IsColour(c) {
		errs.Add("colour", "Colour is a hex colour such as #1f77b4.")
	}
	if a.Parent != nil && a.ID != 0 && a.Parent.ID == a.ID {
		errs.Add("parent", "An actor cannot be its own parent.")
	}
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
