// Package snapshot is the stored form of a curated record as its revisions
// keep it. History is forever: a revision written years ago must still show,
// diff and revert, whatever has happened to the Go types since. So the
// format is defined here, by explicitly named fields in structs of its own,
// and never by the domain's field names; renaming a field of conflict.Event
// changes nothing that was stored.
//
// Every snapshot says which version of the format wrote it:
//
//   - Version 1, the first, had no version field: it was encoding/json's
//     output for the untagged domain structs of the time, so its names are
//     the Go field names ("ID", "Title", "Citations"…). testdata/v1 holds
//     one of each kind, written by that code.
//   - Version 2 keeps those names, now frozen by tags, and adds "v":2 as the
//     first field. Keeping the names keeps the store's compression
//     dictionary, which is made of them, working as well as before.
//   - Version 3 adds "Status" and "StatusNote" to actors, places and
//     sources (in citations too), which go through review since; a
//     snapshot without them is of a record that was public. A timeline's
//     "Published" flag gives way to its status: true reads as published,
//     false as a draft.
//   - Version 4 adds "Relations" to events and estimates (their links to
//     other records of their kind, each with its source) and
//     "ClaimantRecord" to estimates (the claimant record the name
//     matched). Older snapshots have no relations and no claimant record.
//   - Version 5 leaves out an event's "Slug" when it is its title's (as
//     conflict.EventSlug makes it, which every stored event's is): every
//     event's snapshot repeated its title so. A version 5 event without
//     one reads with its title's.
//
// Encode writes the newest version; the decoders read every version ever
// written. A change to the format is a new version: new wire structs or
// fields here, a case in the decoders, and golden files in testdata/vN.
package snapshot

import (
	"encoding/json"
	"fmt"

	"github.com/sitrep/sitrep/internal/conflict"
)

// Version is the format version Encode writes.
const Version = 5

// Encode returns the snapshot of a record in the newest format. v is a
// conflict.Event, Estimate, Source, Actor, Place or Timeline, or a pointer
// to one.
func Encode(v any) ([]byte, error) {
	var w any
	switch r := v.(type) {
	case conflict.Event:
		w = fromEvent(&r)
	case *conflict.Event:
		w = fromEvent(r)
	case conflict.Estimate:
		w = fromEstimate(&r)
	case *conflict.Estimate:
		w = fromEstimate(r)
	case conflict.Source:
		w = fromSourceRecord(&r)
	case *conflict.Source:
		w = fromSourceRecord(r)
	case conflict.Actor:
		w = fromActor(&r)
	case *conflict.Actor:
		w = fromActor(r)
	case conflict.Place:
		w = fromPlace(&r)
	case *conflict.Place:
		w = fromPlace(r)
	case conflict.Timeline:
		w = fromTimeline(&r)
	case *conflict.Timeline:
		w = fromTimeline(r)
	default:
		return nil, fmt.Errorf("snapshot: cannot encode a %T", v)
	}
	return json.Marshal(w)
}

// Decode returns the record a snapshot of a record of type rt holds, as a
// value: a conflict.Event for an event, and so on. It returns an error for
// an unknown record type, for data that is not a snapshot, and for a
// version of the format newer than this program.
func Decode(rt conflict.RecordType, data []byte) (any, error) {
	switch rt {
	case conflict.EventRecord:
		return Event(data)
	case conflict.EstimateRecord:
		return Estimate(data)
	case conflict.SourceRecord:
		return Source(data)
	case conflict.ActorRecord:
		return Actor(data)
	case conflict.PlaceRecord:
		return Place(data)
	case conflict.TimelineRecord:
		return Timeline(data)
	}
	return nil, fmt.Errorf("snapshot: unknown record type %q", rt)
}

// DecodeInto decodes a snapshot into the record into points at: a
// *conflict.Event, *conflict.Estimate, *conflict.Source, *conflict.Actor,
// *conflict.Place or *conflict.Timeline. It is for code generic over the
// record kinds; it returns the errors Decode does.
func DecodeInto(data []byte, into any) error {
	var err error
	switch p := into.(type) {
	case *conflict.Event:
		*p, err = Event(data)
	case *conflict.Estimate:
		*p, err = Estimate(data)
	case *conflict.Source:
		*p, err = Source(data)
	case *conflict.Actor:
		*p, err = Actor(data)
	case *conflict.Place:
		*p, err = Place(data)
	case *conflict.Timeline:
		*p, err = Timeline(data)
	default:
		err = fmt.Errorf("snapshot: cannot decode into a %T", into)
	}
	return err
}

// Event decodes an event's snapshot.
func Event(data []byte) (conflict.Event, error) {
	var w event
	if err := unmarshal(data, &w, &w.V); err != nil {
		return conflict.Event{}, err
	}
	if w.V < 3 {
		w.upgrade()
	}
	return w.record()
}

// Estimate decodes an estimate's snapshot.
func Estimate(data []byte) (conflict.Estimate, error) {
	var w estimate
	if err := unmarshal(data, &w, &w.V); err != nil {
		return conflict.Estimate{}, err
	}
	if w.V < 3 {
		w.upgrade()
	}
	return w.record()
}

// Source decodes a source's snapshot.
func Source(data []byte) (conflict.Source, error) {
	var w sourceRecord
	if err := unmarshal(data, &w, &w.V); err != nil {
		return conflict.Source{}, err
	}
	if w.V < 3 {
		w.upgrade()
	}
	return w.record()
}

// Actor decodes an actor's snapshot.
func Actor(data []byte) (conflict.Actor, error) {
	var w actor
	if err := unmarshal(data, &w, &w.V); err != nil {
		return conflict.Actor{}, err
	}
	if w.V < 3 {
		w.upgrade()
	}
	return w.record(), nil
}

// Place decodes a place's snapshot.
func Place(data []byte) (conflict.Place, error) {
	var w place
	if err := unmarshal(data, &w, &w.V); err != nil {
		return conflict.Place{}, err
	}
	if w.V < 3 {
		w.upgrade()
	}
	return w.record(), nil
}

// Timeline decodes a timeline's snapshot.
func Timeline(data []byte) (conflict.Timeline, error) {
	var w timeline
	if err := unmarshal(data, &w, &w.V); err != nil {
		return conflict.Timeline{}, err
	}
	if w.V < 3 {
		w.upgrade()
	}
	return w.record()
}

// Status reads only the review status a snapshot of a record of type rt
// records, for lists of revisions that need no more. It reads older
// versions as Decode does, and returns Decode's errors.
func Status(rt conflict.RecordType, data []byte) (conflict.Status, error) {
	var w struct {
		V      int    `json:"v"`
		Status string `json:"Status"`
		// A timeline's flag before version 3; a source's date of
		// publication.
		Published json.RawMessage `json:"Published"`
	}
	if err := unmarshal(data, &w, &w.V); err != nil {
		return "", err
	}
	if w.V >= 3 {
		return conflict.Status(w.Status), nil
	}
	switch rt {
	case conflict.EventRecord, conflict.EstimateRecord:
		return conflict.Status(w.Status), nil
	case conflict.SourceRecord, conflict.ActorRecord, conflict.PlaceRecord:
		return conflict.Published, nil
	case conflict.TimelineRecord:
		if string(w.Published) == "true" {
			return conflict.Published, nil
		}
		return conflict.Draft, nil
	}
	return "", fmt.Errorf("snapshot: unknown record type %q", rt)
}

// unmarshal decodes data into the wire struct w and checks the version it
// read into v. Every version so far keeps the names of the one before and
// only adds fields, so one struct reads them all; a version 1 snapshot has
// no version field, leaving v at 0.
func unmarshal(data []byte, w any, v *int) error {
	if len(data) == 0 {
		return fmt.Errorf("snapshot: empty")
	}
	if err := json.Unmarshal(data, w); err != nil {
		return fmt.Errorf("snapshot: %w", err)
	}
	switch *v {
	case 0, 2, 3, 4, Version:
		return nil
	}
	return fmt.Errorf("snapshot: format version %d is not one this program reads (1 to %d)", *v, Version)
}
