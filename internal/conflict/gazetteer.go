package conflict

// A gazetteer file (GeoNames' places, a list of actors) brings places and
// actors in on their own, to be found later by the events that name them:
// each row creates a record, or enriches the stored one it matches with
// the names, position, kind or parent it lacks. Like any import it is all
// or nothing, and importing the same file again changes nothing.

// GazetteerPlace is a place from a gazetteer file.
type GazetteerPlace struct {
	// Key names the place within the file's hierarchy ("IQ.08" for an
	// Iraqi province in GeoNames), for the places inside it; "" when
	// nothing can lie inside it.
	Key string
	// Parents are the keys of the places it may lie in, nearest first:
	// it lies in the first the file has given before it.
	Parents     []string
	Name        string
	AltNames    []AltName
	Kind        string
	Coordinates *LatLon
	Source      RowRef
}

// GazetteerActor is an actor from a gazetteer file.
type GazetteerActor struct {
	Name    string
	Aliases []string
	Kind    string
	// Parent is the name or an alias of the actor it belongs to, stored or
	// anywhere in the file; "" for none.
	Parent string
	Source RowRef
}
