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
	e.Relations = portableRelations("event", e.Relations, e.Citations)
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
	x.Relations = portableRelations("estimate", x.Relations, x.Citations)
	x.ClaimantType = ""
	x.Citations = portableCitations(x.Citations)
	return x
}

// portableRelations names each target by its external id, as the target's
// own export does, and each source by the citation that cites it.
func portableRelations(kind string, rs []Relation, cs []Citation) []Relation {
	out := make([]Relation, len(rs))
	for i, r := range rs {
		if r.Target.ExternalID == "" {
			r.Target.ExternalID = "sitrep:" + kind + ":" + itoa(r.Target.ID)
		}
		r.Target.ID = 0
		for j, c := range cs {
			if c.Source.ID == r.Source {
				r.Citation = j + 1
				break
			}
		}
		r.Source, r.Title = 0, ""
		out[i] = r
	}
	return out
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
