package sqlite

import (
	"context"
	"encoding/json"
	"reflect"

	"github.com/sitrep/sitrep/internal/conflict"
	"github.com/sitrep/sitrep/internal/snapshot"
)

// A save that changes nothing writes nothing: no revision, no pending
// edit, no new version. Otherwise every press of "Save" on an untouched
// form would add an "Edited" entry to the history that shows no
// difference, and "Save and submit for review" one more.

// errNothingChanged is what an edit that changes nothing answers to a
// caller that asked for a change, such as a revert to a revision that
// holds what the record holds now. Update* answer no error: the form was
// saved, there was just nothing to write.
var errNothingChanged = &conflict.Error{Code: conflict.Invalid,
	Message: "The record already holds exactly this, so there is nothing to change."}

// unchangedEdit is editRecord's answer to an edit that changes nothing;
// stored is the record as it is stored (and stays).
type unchangedEdit struct{ stored any }

func (u *unchangedEdit) Error() string { return errNothingChanged.Error() }
func (u *unchangedEdit) Unwrap() error { return errNothingChanged }

// recordReaders read a stored record of each kind, whatever its status,
// as its writes return it: editRecord compares the two, and the review
// actions of actors, places, sources and timelines read through them.
var recordReaders = map[conflict.RecordType]func(ctx context.Context, q querier, id int64) (any, error){
	conflict.EventRecord: func(ctx context.Context, q querier, id int64) (any, error) {
		return findEvent(ctx, q, conflict.EventID(id))
	},
	conflict.EstimateRecord: func(ctx context.Context, q querier, id int64) (any, error) {
		return findEstimate(ctx, q, conflict.EstimateID(id))
	},
	conflict.SourceRecord: func(ctx context.Context, q querier, id int64) (any, error) {
		return findSource(ctx, q, `s.id = ?`, id)
	},
	conflict.ActorRecord: func(ctx context.Context, q querier, id int64) (any, error) {
		return findActor(ctx, q, `a.id = ?`, id)
	},
	conflict.PlaceRecord: func(ctx context.Context, q querier, id int64) (any, error) {
		return findPlace(ctx, q, `p.id = ?`, id)
	},
	conflict.TimelineRecord: func(ctx context.Context, q querier, id int64) (any, error) {
		return findTimeline(ctx, q, `t.id = ?`, id)
	},
}

// readRecord reads the stored record (rt, id); nil for a kind without a
// reader, which then never counts as unchanged.
func readRecord(ctx context.Context, q querier, rt conflict.RecordType, id int64) (any, error) {
	read, ok := recordReaders[rt]
	if !ok {
		return nil, nil
	}
	return read(ctx, q, id)
}

// sameContent reports whether two states of one record, before and after
// a write, hold the same content. They are compared as their snapshots,
// every field of the format, except what any write changes: the version,
// the time of the update, and the row ids of citations, which an edit
// writes afresh. So a change no history diff would show (a citation moved
// to another source of the same title) still counts as a change.
func sameContent(before, after any) (bool, error) {
	if before == nil || after == nil {
		return false, nil
	}
	a, err := contentOf(before)
	if err != nil {
		return false, err
	}
	b, err := contentOf(after)
	if err != nil {
		return false, err
	}
	return reflect.DeepEqual(a, b), nil
}

// contentOf is a record's snapshot as generic JSON, without the fields
// every write changes.
func contentOf(v any) (map[string]any, error) {
	js, err := snapshot.Encode(v)
	if err != nil {
		return nil, err
	}
	var m map[string]any
	if err := json.Unmarshal(js, &m); err != nil {
		return nil, err
	}
	delete(m, "Version")
	delete(m, "UpdatedAt")
	if cs, ok := m["Citations"].([]any); ok {
		for _, c := range cs {
			if c, ok := c.(map[string]any); ok {
				delete(c, "ID")
			}
		}
	}
	return m, nil
}
