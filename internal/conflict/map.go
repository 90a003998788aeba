package conflict

// MapPlace is a place as a map places it: its own position when it has
// one, and its parent, whose position it takes when it has none.
type MapPlace struct {
	ID          PlaceID
	Slug        string
	Name        string
	Parent      PlaceID // 0 for none
	Coordinates *LatLon
	// Public is set for a published place: only those can be named in a
	// reader's filter.
	Public bool
}

// PlaceTally is how many events of a filtered list are at each place:
// the events at the place itself, not those inside it.
type PlaceTally struct {
	Counts map[PlaceID]int
	// Total is the number of events the filter matches, those without a
	// place included, when it is known without counting them; else -1.
	Total int
	// Partial is set when the list was too long to count event by event
	// and only its first Read events, in date order, were counted.
	Partial bool
	Read    int
}
