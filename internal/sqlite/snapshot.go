package sqlite

import (
	"bytes"
	"compress/flate"
	"fmt"
	"io"
	"sync"

	kflate "github.com/klauspost/compress/flate"

	"github.com/sitrep/sitrep/internal/conflict"
	"github.com/sitrep/sitrep/internal/snapshot"
)

// A revision's snapshot is the record in the JSON format package snapshot
// defines, and history is most of a large database: every event has at
// least one revision, and a snapshot repeats the same field names and the
// same shapes in every row. So snapshots are stored compressed, and
// revisions.encoding says how each row's snapshot is stored. Rows written
// before compression keep their plain JSON; both decode through
// decodeSnapshot, the one function every reader of snapshots goes through
// (scanRevision). The encoding is only the outer layer: which version of
// the snapshot format is inside, the JSON itself says.
const (
	// snapshotJSON is plain JSON text.
	snapshotJSON = 0
	// snapshotDeflate is JSON compressed with DEFLATE (RFC 1951), primed
	// with snapshotDict. The dictionary is part of the format: rows stored
	// with it can only be read with it, so it must never change. A better
	// dictionary would be a new encoding beside this one.
	snapshotDeflate = 1
)

// snapshotDict holds what snapshots have in common: their field names in
// order, and typical values. Later versions of the snapshot format kept
// version 1's names so that this dictionary serves them all: a version 3
// event compresses to about 2% more than version 1 did (its leading "v":3
// and its sources' statuses). A new dictionary would be a new encoding,
// which revisions' CHECK on encoding would need a rebuild of the table to
// admit, for a few percent. DEFLATE refers back into it, so that a small
// snapshot compresses as well as a large file would. The most common
// record, the event, comes last, where references are shortest.
const snapshotDict = `{"ID":1,"Slug":"","Title":"","Description":"","Filter":{"Actors":[],"Places":[],"Tags":[],"From":"","To":""},"Pinned":[],"Excluded":[],"WithEstimates":false,"Published":true,"Version":1,` +
	`{"ID":1,"Slug":"","Name":"","AltNames":[{"Name":"","Lang":"ar"}],"Kind":"town","Parent":null,"Coordinates":null,"Description":"","Version":1,"CreatedAt":"2026-01-01T00:00:00.000000Z","UpdatedAt":"2026-01-01T00:00:00.000000Z"}` +
	`{"ID":1,"Slug":"","Name":"","Aliases":[],"Kind":"armed group","Parent":null,"Colour":"#","Description":"","Version":1,"CreatedAt":"2026-01-01T00:00:00.000000Z","UpdatedAt":"2026-01-01T00:00:00.000000Z"}` +
	`{"ID":1,"Force":{"ID":1,"Slug":"","Name":"","Colour":"#"},"Place":null,"AsOf":"","Unit":"fighters","Qualifier":"about","Low":{"Value":0,"Set":false},"High":{"Value":0,"Set":true},"Claimant":"","ClaimantActor":null,"Notes":"",` +
	`"Citations":[{"ID":0,"Source":{"ID":1,"URL":"https://","Publisher":"","Title":"","Published":"","Authors":[],"Language":"en","ArchivedURL":"","Reliability":"","Notes":"","Version":1,"CreatedAt":"2026-01-01T00:00:00.000000Z","UpdatedAt":"2026-01-01T00:00:00.000000Z"},"Quote":"","Locator":"","Credibility":0}],"Status":"published","StatusNote":"","ExternalID":"","Version":1,"CreatedAt":"2026-01-01T00:00:00.000000Z","UpdatedAt":"2026-01-01T00:00:00.000000Z"}` +
	`{"ID":1,"Slug":"","Title":"","Date":"2016-10-17","Place":{"ID":1,"Slug":"","Name":"","Coordinates":{"Lat":36.,"Lon":43.}},"Actors":[{"Actor":{"ID":1,"Slug":"","Name":"","Colour":"#"},"Role":"actor"},{"Actor":{"ID":1,"Slug":"","Name":"","Colour":"#"},"Role":"target"}],"Tags":["airstrike"],"Body":"",` +
	`"Citations":[{"ID":0,"Source":{"ID":1,"URL":"https://","Publisher":"","Title":"","Published":"","Authors":[],"Language":"","ArchivedURL":"","Reliability":"","Notes":"","Version":1,"CreatedAt":"2026-01-01T00:00:00.000000Z","UpdatedAt":"2026-01-01T00:00:00.000000Z"},"Quote":"","Locator":"","Credibility":0}],"Status":"published","StatusNote":"","ExternalID":"","Version":1,"CreatedAt":"2026-01-01T00:00:00.000000Z","UpdatedAt":"2026-01-01T00:00:00.000000Z"}`

// snapshotLevel is the level snapshots are compressed at, by
// klauspost/compress's DEFLATE encoder: a typical event's 1.7 KB comes to
// the same size as the standard library's level 4 made it (536 bytes), in
// about 60% of the time. Its output is plain DEFLATE, which the standard
// library's reader decodes with the same dictionary, as it decodes every
// snapshot stored before. A bulk import compresses one a row, so this is
// a fifth of its work.
const snapshotLevel = 6

var (
	snapshotDictBytes = []byte(snapshotDict)

	// A DEFLATE writer holds hundreds of KB of tables; reusing them keeps
	// a bulk load from allocating that for every revision.
	snapshotWriters = sync.Pool{New: func() any {
		w, err := kflate.NewWriterDict(nil, snapshotLevel, snapshotDictBytes)
		if err != nil {
			panic(err) // only for a bad level, which is a constant
		}
		return w
	}}
	snapshotReaders = sync.Pool{New: func() any {
		return flate.NewReaderDict(bytes.NewReader(nil), snapshotDictBytes)
	}}
)

// encodeSnapshot returns a record's snapshot in the newest format,
// compressed, and the encoding to store beside it. v is a conflict.Event,
// Estimate, Source, Actor, Place or Timeline, or a pointer to one. Every
// stored snapshot is written here: revisions and pending edits alike.
func encodeSnapshot(v any) (int, []byte, error) {
	js, err := snapshot.Encode(v)
	if err != nil {
		return 0, nil, err
	}
	return snapshotDeflate, compressSnapshot(js), nil
}

// compressSnapshot compresses a snapshot's JSON as snapshotDeflate.
func compressSnapshot(js []byte) []byte {
	var buf bytes.Buffer
	buf.Grow(len(js) / 3)
	w := snapshotWriters.Get().(*kflate.Writer)
	w.Reset(&buf)
	// Writing to a bytes.Buffer cannot fail.
	w.Write(js)
	w.Close()
	snapshotWriters.Put(w)
	return buf.Bytes()
}

// decodeSnapshot returns a stored snapshot's JSON, whichever way the row
// stored it. Every reader of revisions.snapshot goes through here.
func decodeSnapshot(encoding int, data []byte) ([]byte, error) {
	switch encoding {
	case snapshotJSON:
		return data, nil
	case snapshotDeflate:
		r := snapshotReaders.Get().(io.ReadCloser)
		defer snapshotReaders.Put(r)
		if err := r.(flate.Resetter).Reset(bytes.NewReader(data), snapshotDictBytes); err != nil {
			return nil, fmt.Errorf("snapshot: %w", err)
		}
		out := bytes.NewBuffer(make([]byte, 0, len(data)*4))
		if _, err := io.Copy(out, r); err != nil {
			return nil, fmt.Errorf("snapshot: %w", err)
		}
		return out.Bytes(), nil
	}
	return nil, fmt.Errorf("snapshot: unknown encoding %d", encoding)
}

// snapshotOf decodes a revision's snapshot of a record, in whichever
// version of the format it was written, into a *conflict.Event,
// *conflict.Estimate, *conflict.Source, *conflict.Actor, *conflict.Place
// or *conflict.Timeline.
func snapshotOf[T any](r conflict.Revision, into *T) error {
	if err := snapshot.DecodeInto(r.Snapshot, into); err != nil {
		return fmt.Errorf("%s %d revision %d: %w", r.RecordType, r.RecordID, r.Number, err)
	}
	return nil
}
