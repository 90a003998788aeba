package conflict

import (
	"math"
	"time"
)

// Place is where something happened: a city, a province, a country.
type Place struct {
	ID       PlaceID
	Slug     string
	Name     string
	AltNames []AltName
	Kind     string
	Parent   *PlaceRef
	// Coordinates are nil when the place has not been located.
	Coordinates *LatLon
	Description string
	// Status is where the place stands in review: one an editor creates
	// is a draft, seen only by signed-in users until it is published
	// (system writes, such as imports, create it published).
	Status     Status
	StatusNote string
	Version    int
	CreatedAt  time.Time
	UpdatedAt  time.Time
}

// AltName is another name of a place, in any script: الموصل for Mosul.
type AltName struct {
	Name string
	// Lang is a BCP 47 language tag such as "ar"; "" when unknown.
	Lang string
}

// LatLon is a position in decimal degrees (WGS 84).
type LatLon struct {
	Lat, Lon float64
}

// Ref returns the reference other records keep to p.
func (p Place) Ref() PlaceRef {
	return PlaceRef{ID: p.ID, Slug: p.Slug, Name: p.Name, Coordinates: p.Coordinates}
}

// Normalize fills in the place's slug from its name when it has none. The
// store runs it once on every write, before Validate.
func (p *Place) Normalize() { fillSlug(&p.Slug, p.Name, "place") }

// Validate checks the place's fields, changing nothing.
func (p Place) Validate() error {
	errs := FieldErrors{}
	checkText(errs, "name", "Name", p.Name, true, MaxNameLen)
	checkText(errs, "kind", "Kind", p.Kind, false, MaxNameLen)
	checkText(errs, "description", "Description", p.Description, false, MaxBodyLen)
	for _, n := range p.AltNames {
		checkText(errs, "alt_names", "Each alternate name", n.Name, true, MaxNameLen)
	}
	if c := p.Coordinates; c != nil {
		if math.IsNaN(c.Lat) || c.Lat < -90 || c.Lat > 90 {
			errs.Add("latitude", "Latitude is a number from -90 to 90.")
		}
		if math.IsNaN(c.Lon) || c.Lon < -180 || c.Lon > 180 {
			errs.Add("longitude", "Longitude is a number from -180 to 180.")
		}
	}
	if p.Parent != nil && p.ID != 0 && p.Parent.ID == p.ID {
		errs.Add("parent", "A place cannot be inside itself.")
	}
	return errs.Err()
}
