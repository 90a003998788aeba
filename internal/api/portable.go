package api

// An export is meant to be imported again, here or into another sitrep,
// so its records leave out what only the exporting database knows (ids,
// page addresses, versions, timestamps) and each carries an external id
// to be matched by. A record that came from elsewhere keeps the external
// id it came with; one entered here gets "sitrep:event:ID" (or
// "sitrep:estimate:ID"), which stays the same from one export to the next.

// PortableEvent returns e as an export writes it.
func PortableEvent(e Event) Event {
	if e.ExternalID == "" && e.ID != 0 {
		e.ExternalID = "sitrep:event:" + itoa(e.ID)
	}
	e.ID, e.Local = 0, Local{}
	e.Place = portablePlace(e.Place)
	actors := make([]EventActor, len(e.Actors))
	for i, a := range e.Actors {
		a.ID = 0
		actors[i] = a
	}
	e.Actors = actors
	e.Citations = portableCitations(e.Citations)
	return e
}

// PortableEstimate returns x as an export writes it.
func PortableEstimate(x Estimate) Estimate {
	if x.ExternalID == "" && x.ID != 0 {
		x.ExternalID = "sitrep:estimate:" + itoa(x.ID)
	}
	x.ID, x.Local = 0, Local{}
	x.Force.ID = 0
	x.Place = portablePlace(x.Place)
	if x.ClaimantActor != nil {
		c := *x.ClaimantActor
		c.ID = 0
		x.ClaimantActor = &c
	}
	x.Citations = portableCitations(x.Citations)
	return x
}

func portablePlace(p *PlaceRef) *PlaceRef {
	if p == nil {
		return nil
	}
	c := *p
	c.ID = 0
	return &c
}

func portableCitations(cs []Citation) []Citation {
	out := make([]Citation, len(cs))
	for i, c := range cs {
		c.Source.ID, c.Source.Local = 0, Local{}
		out[i] = c
	}
	return out
}
