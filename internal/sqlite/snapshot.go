package sqlite

import (
	"bytes"
	"compress/flate"
	"context"
	"database/sql"
	"encoding/binary"
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

// decodeSnapshot returns a snapshot's JSON, stored alone in a row as
// encoding says. Every reader of revisions.snapshot goes through here, by
// way of storedSnapshot for those that may be in a block.
func decodeSnapshot(encoding int, data []byte) ([]byte, error) {
	return inflate(encoding, data, len(data)*4)
}

// inflate decodes data stored as encoding; size is a guess of the result's
// length, which saves growing it.
func inflate(encoding int, data []byte, size int) ([]byte, error) {
	switch encoding {
	case snapshotJSON:
		return data, nil
	case snapshotDeflate:
		r := snapshotReaders.Get().(io.ReadCloser)
		defer snapshotReaders.Put(r)
		if err := r.(flate.Resetter).Reset(bytes.NewReader(data), snapshotDictBytes); err != nil {
			return nil, fmt.Errorf("snapshot: %w", err)
		}
		out := bytes.NewBuffer(make([]byte, 0, size))
		if _, err := io.Copy(out, r); err != nil {
			return nil, fmt.Errorf("snapshot: %w", err)
		}
		return out.Bytes(), nil
	}
	return nil, fmt.Errorf("snapshot: unknown encoding %d", encoding)
}

// A bulk write (an import, `sitrep synth`) stores its revisions' snapshots
// in blocks (migration 0033): the snapshots of consecutive revisions, one
// after the other, compressed together as snapshotDeflate into
// snapshot_blocks.data. Each such revision names its block in block_id,
// and its snapshot column holds where its snapshot lies in the block's
// JSON: the offset and the length, two uvarints.
//
// Records written together say much the same things — the same actors,
// places and sources, the same times — which a snapshot compressed alone
// cannot refer back to. At a million events made by `synth`, an event's
// snapshot took 498 bytes alone, 188 in blocks of 16 and 154 in blocks of
// 32. Reading one from a block of 32 means inflating the block, 72 µs
// against 6 alone, which only history pages and exports pay; compressing
// costs a quarter as much a snapshot as alone.
//
// A block is a row, and SQLite keeps a row of less than a page within one
// page: blocks of 4.6 KB on 8 KB pages left 38% of their pages empty. So a
// block ends once its JSON would compress to about half a page, which it
// learns from the ratio of the blocks before (blockSizer): two blocks
// share a page. maxSnapshotsPerBlock bounds what reading one costs.
const maxSnapshotsPerBlock = 64

// snapshotBlock is a block's snapshots on their way to being stored.
type snapshotBlock struct {
	id   int64
	json []byte
	// n is how many snapshots json holds.
	n int
}

// add puts a snapshot's JSON in the block and returns its place there, the
// value of its revision's snapshot column.
func (b *snapshotBlock) add(js []byte) []byte {
	span := binary.AppendUvarint(nil, uint64(len(b.json)))
	span = binary.AppendUvarint(span, uint64(len(js)))
	b.json = append(b.json, js...)
	b.n++
	return span
}

// data is the block as snapshot_blocks.data stores it.
func (b *snapshotBlock) data() []byte { return compressSnapshot(b.json) }

// blockSizer ends blocks so that two fit in a page of the database.
type blockSizer struct {
	// target is the most a block's data should take; budget is the JSON
	// that compresses to about that, by the blocks so far.
	target, budget int
}

// newBlockSizer sizes blocks for a database of pages of pageSize bytes.
// Two rows of target bytes fit in a page beside the page's header and
// theirs; the first block assumes snapshots compress eightfold, about
// what synth's do.
func newBlockSizer(pageSize int) blockSizer {
	target := pageSize/2 - 64
	return blockSizer{target: target, budget: target * 8}
}

// full reports whether the block should take no more snapshots.
func (z *blockSizer) full(b *snapshotBlock) bool {
	return len(b.json) >= z.budget || b.n >= maxSnapshotsPerBlock
}

// seal compresses the block and learns from it how much JSON the next
// should take: aimed a tenth under the target, so that few pass it.
func (z *blockSizer) seal(b *snapshotBlock) []byte {
	data := b.data()
	// A block cut short by the end of a batch compresses worse than a
	// full one would: only blocks near the budget teach it, and each
	// moves it halfway, which evens out the odd block.
	if len(data) > 0 && len(b.json) >= z.budget/2 {
		want := z.target * 9 / 10 * len(b.json) / len(data)
		z.budget = max((z.budget+want)/2, 1024)
	}
	return data
}

// blockPacker puts the revisions of a bulk write in blocks: each
// revision's row is held until its block ends, and then both are written,
// the block first. Every bulk writer (an import, an archive import, a
// Loader) packs through one.
type blockPacker struct {
	lastID int64 // the id the last block took
	sizer  blockSizer
	block  snapshotBlock
	rows   [][]any
}

// newBlockPacker starts packing into the database q writes to, numbering
// blocks after the last stored.
func newBlockPacker(ctx context.Context, q querier) (*blockPacker, error) {
	var (
		p    blockPacker
		page int
	)
	if err := q.QueryRowContext(ctx, `SELECT (SELECT coalesce(max(id), 0) FROM snapshot_blocks), (SELECT page_size FROM pragma_page_size)`).Scan(&p.lastID, &page); err != nil {
		return nil, err
	}
	p.sizer = newBlockSizer(page)
	return &p, nil
}

// insertBlockSQL and insertBlockedRevisionSQL store what a blockPacker
// takes: a block, and a revision's row.
const (
	insertBlockSQL           = `INSERT INTO snapshot_blocks (id, data) VALUES (?, ?)`
	insertBlockedRevisionSQL = `INSERT INTO revisions
		(record_type, record_id, number, action, encoding, snapshot, block_id, author_id, author_name, summary, created_at, unreviewed)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`
	blockedRevisionCols = 12
)

// add puts a revision, js its snapshot, in the current block, and reports
// whether the block is full, when take should end it.
func (p *blockPacker) add(js []byte, rt conflict.RecordType, id int64, number int, action string, author any, authorName, summary, created string, unreviewed bool) bool {
	if p.block.n == 0 {
		p.lastID++
		p.block.id = p.lastID
	}
	span := p.block.add(js)
	p.rows = append(p.rows, []any{string(rt), id, number, action, snapshotDeflate, span, p.block.id, author, authorName, summary, created, unreviewed})
	return p.sizer.full(&p.block)
}

// take ends the current block, returning its row (id, data) and its
// revisions' rows (insertBlockedRevisionSQL's), or nothing when it is
// empty. The rows are the caller's.
func (p *blockPacker) take() (block []any, revisions [][]any) {
	if p.block.n == 0 {
		return nil, nil
	}
	block, revisions = []any{p.block.id, p.sizer.seal(&p.block)}, p.rows
	p.block = snapshotBlock{json: p.block.json[:0]}
	p.rows = nil
	return block, revisions
}

// storedSnapshot is a revision's snapshot as its row stores it: alone, or
// in a block, whose data the row is read with (snapshotColumns).
type storedSnapshot struct {
	encoding int
	data     []byte
	block    sql.NullInt64
	blocked  []byte
}

// snapshotColumns are the columns a storedSnapshot is scanned from, of
// the revisions table named or aliased r: the block's data is read with
// the row, one lookup by its id, only for a row in a block.
func snapshotColumns(r string) string {
	return r + `.encoding, ` + r + `.snapshot, ` + r + `.block_id, (SELECT b.data FROM snapshot_blocks b WHERE b.id = ` + r + `.block_id)`
}

// dest is what Scan fills from snapshotColumns.
func (s *storedSnapshot) dest() []any { return []any{&s.encoding, &s.data, &s.block, &s.blocked} }

// blockReader decodes stored snapshots, keeping the last block it
// inflated: revisions read in order (an archive, the changes feed) are
// mostly of one block after another. The zero value is ready to use.
type blockReader struct {
	id   int64
	json []byte
}

// decode returns a stored snapshot's JSON. Snapshots from one block share
// its memory, which is never written to again.
func (br *blockReader) decode(s storedSnapshot) ([]byte, error) {
	if !s.block.Valid {
		return decodeSnapshot(s.encoding, s.data)
	}
	if br.json == nil || br.id != s.block.Int64 {
		if s.blocked == nil {
			return nil, fmt.Errorf("snapshot: block %d is missing", s.block.Int64)
		}
		js, err := inflate(s.encoding, s.blocked, len(s.blocked)*10)
		if err != nil {
			return nil, fmt.Errorf("snapshot block %d: %w", s.block.Int64, err)
		}
		br.id, br.json = s.block.Int64, js
	}
	off, n := binary.Uvarint(s.data)
	length, m := binary.Uvarint(s.data[max(n, 0):])
	if n <= 0 || m <= 0 || off > uint64(len(br.json)) || length > uint64(len(br.json))-off {
		return nil, fmt.Errorf("snapshot: bad place %x in block %d", s.data, s.block.Int64)
	}
	return br.json[off : off+length : off+length], nil
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
