package conflict

// Typed ids keep an event's id from being passed where an actor's is meant.
type (
	EventID    int64
	EstimateID int64
	SourceID   int64
	CitationID int64
	ActorID    int64
	PlaceID    int64
	TimelineID int64
	UserID     int64
	RevisionID int64
)

// ActorRef is what a record needs to show and link an actor it mentions.
type ActorRef struct {
	ID     ActorID
	Slug   string
	Name   string
	Colour string
}

// PlaceRef is what a record needs to show and link a place it mentions.
type PlaceRef struct {
	ID   PlaceID
	Slug string
	Name string
	// Coordinates are those of the place itself, when known.
	Coordinates *LatLon
}
