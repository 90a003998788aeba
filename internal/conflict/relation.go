package conflict

import "fmt"

// RelationKind says how one claim stands to another of the same kind.
type RelationKind string

// The relation kinds. A relation belongs to the record it starts from
// (the later claim, the dissenting one, the relay), is reviewed with it,
// and names the source that reports it.
const (
	// Supersedes: a claimant's later claim revises its earlier one. The
	// earlier claim stays, citable, shown as revised.
	Supersedes RelationKind = "supersedes"
	// Disputes: one claim contests another.
	Disputes RelationKind = "disputes"
	// Duplicates: the same report relayed elsewhere.
	Duplicates RelationKind = "duplicates"
	// ConflictingDates: two event records are the same event, reported
	// with dates that disagree. Events only.
	ConflictingDates RelationKind = "conflicting_dates"
)

// RelationKinds lists the kinds a record type may use, in the order forms
// offer them.
func RelationKinds(rt RecordType) []RelationKind {
	switch rt {
	case EstimateRecord:
		return []RelationKind{Supersedes, Disputes, Duplicates}
	case EventRecord:
		return []RelationKind{Supersedes, Disputes, Duplicates, ConflictingDates}
	}
	return nil
}

// ValidFor reports whether records of type rt may be linked by k.
func (k RelationKind) ValidFor(rt RecordType) bool {
	for _, x := range RelationKinds(rt) {
		if k == x {
			return true
		}
	}
	return false
}

// Label names the kind in a form.
func (k RelationKind) Label() string {
	switch k {
	case Supersedes:
		return "revises (supersedes)"
	case Disputes:
		return "disputes"
	case Duplicates:
		return "duplicates (relays)"
	case ConflictingDates:
		return "same event, conflicting dates"
	}
	return string(k)
}

// Phrase is how a page words the link, from the record it starts from
// (outgoing) or from its target (incoming): "Revises", "Revised by".
func (k RelationKind) Phrase(incoming bool) string {
	switch k {
	case Supersedes:
		if incoming {
			return "Revised by"
		}
		return "Revises"
	case Disputes:
		if incoming {
			return "Disputed by"
		}
		return "Disputes"
	case Duplicates:
		if incoming {
			return "Relayed by"
		}
		return "Relays"
	case ConflictingDates:
		return "Same event, conflicting dates:"
	}
	return string(k)
}

// Relation links a record to another record of its kind.
type Relation struct {
	Kind RelationKind
	// Target is the other record's id. An import may name it by external
	// id instead (TargetExternalID), which the store resolves.
	Target           int64
	TargetExternalID string
	// Source is the source that reports the link. Zero means the source
	// of the record's citation number SourceCitation (from 1), as imports
	// name it, or else of its first citation; the store fills it in.
	Source         SourceID
	SourceCitation int
	// TargetTitle and SourceTitle name the two ends for pages; they are
	// read, not written.
	TargetTitle string
	SourceTitle string
}

// RelationLink is a relation as a page shows it on one of its two records:
// Other is the record at the other end.
type RelationLink struct {
	Kind       RelationKind
	Incoming   bool
	Other      int64
	OtherTitle string
	// OtherStatus lets a page mark a link to a retracted record.
	OtherStatus Status
	Source      SourceID
	SourceTitle string
}

// Phrase words the link as its page shows it.
func (l RelationLink) Phrase() string { return l.Kind.Phrase(l.Incoming) }

// validateRelations checks a record's relations: known kinds for its
// type, a target, no link to itself, no link given twice, and a source
// for each (given, or the record's first citation).
func validateRelations(errs FieldErrors, rt RecordType, self int64, rels []Relation, cited int) {
	seen := map[string]bool{}
	for i, r := range rels {
		field := fmt.Sprintf("relations.%d", i)
		switch {
		case !r.Kind.ValidFor(rt):
			if rt == EstimateRecord && r.Kind == ConflictingDates {
				errs.Add(field, "\"Same event, conflicting dates\" links events only; an estimate may revise, dispute or duplicate another.")
			} else {
				errs.Add(field, "Choose how the records are linked.")
			}
		case r.Target == 0 && r.TargetExternalID == "":
			errs.Add(field, "Say which "+string(rt)+" this one is linked to: its number or its address.")
		case r.Target < 0:
			errs.Add(field, "Record numbers are positive.")
		case self != 0 && r.Target == self:
			errs.Add(field, "A record cannot be linked to itself.")
		case r.Source == 0 && cited == 0:
			errs.Add(field, "A link needs the source that reports it: cite a source for this record first.")
		}
		key := fmt.Sprintf("%s/%d/%s", r.Kind, r.Target, r.TargetExternalID)
		if seen[key] {
			errs.Add(field, "This link is given twice.")
		}
		seen[key] = true
	}
}

// CheckSupersedes applies the rule that only a claimant's own later claim
// revises its earlier one: an estimate supersedes only an estimate by the
// same claimant (another claimant's claim disputes it instead). The store
// calls it with the target as stored.
func CheckSupersedes(from, target Estimate, field string) error {
	if SameClaimant(from.Claimant, target.Claimant) {
		return nil
	}
	return &Error{Code: Invalid, Message: "An estimate revises only its own claimant's earlier estimate.",
		Fields: FieldErrors{field: fmt.Sprintf("Estimate %d was claimed by %s, not %s: a claim by someone else disputes it rather than revising it.",
			target.ID, target.Claimant, from.Claimant)}}
}
