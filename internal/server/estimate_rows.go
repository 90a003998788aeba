package server

import (
	"bytes"
	"context"
	"io"
	"sync/atomic"

	"github.com/a-h/templ"
	"github.com/maypok86/otter/v2"

	"github.com/sitrep/sitrep/internal/conflict"
	"github.com/sitrep/sitrep/internal/spill"
	"github.com/sitrep/sitrep/web/pages"
)

// rowCacheBytes bounds the written rows kept in the heap, about a
// kilobyte each: the first pages of a hundred-odd forces. Kept in a spill
// store beside the database, out of the heap, rowSpillBytes bound them:
// the first pages of every force the benchmark's addresses go round, so
// that a reader of /estimates over every force does not push out the
// rows of each force's own page.
const (
	rowCacheBytes = 12 << 20
	rowSpillBytes = 48 << 20
	// rowSegmentBytes sizes the store's segments; it may hold twice the
	// bound in them, for rows let go while pages still write them.
	rowSegmentBytes = 8 << 20
)

// writtenRows keeps the explorer's table rows written, by data version
// and estimate: in a spill store when there is one, else in the heap.
type writtenRows struct {
	kept  *otter.Cache[writtenKey, writtenRow]
	store *spill.Store
	tidy  spill.Tidier
	// version is the newest data version a row was kept at: rows of
	// older ones are never read again, and are let go at once.
	version atomic.Int64
}

type writtenKey struct {
	version int64
	id      conflict.EstimateID
}

// writtenRow is a row in the heap, or where it is in the store.
type writtenRow struct {
	b   []byte
	ref spill.Ref
}

func (r writtenRow) size() int { return len(r.b) + r.ref.Len() }

// newWrittenRows makes the rows' cache, kept in files in dir ("" for
// none, and the heap when none can be made there).
func newWrittenRows(dir string) *writtenRows {
	w := &writtenRows{}
	bound := rowCacheBytes
	if dir != "" {
		if w.store, _ = spill.Open(dir, rowSegmentBytes, 2*rowSpillBytes/rowSegmentBytes+2); w.store != nil {
			bound = rowSpillBytes
		}
	}
	w.kept = otter.Must(&otter.Options[writtenKey, writtenRow]{
		MaximumWeight: uint64(bound),
		Weigher:       func(_ writtenKey, r writtenRow) uint32 { return uint32(r.size() + 64) },
		// Pages writing the row hold their views.
		OnDeletion: func(e otter.DeletionEvent[writtenKey, writtenRow]) { w.store.Free(e.Value.ref) },
	})
	return w
}

// keep keeps a row written at version.
func (w *writtenRows) keep(version int64, id conflict.EstimateID, b []byte) {
	if last := w.version.Load(); version < last {
		return
	} else if version > last && w.version.CompareAndSwap(last, version) {
		w.kept.InvalidateAll()
	}
	r := writtenRow{b: b}
	if w.store != nil {
		// Bounded for the store, not the heap: a row the store has no
		// room for is not kept.
		ref, ok := w.store.Put(b)
		if !ok {
			w.tidy.Refused(w.store, w.moveOut)
			return
		}
		w.tidy.Maybe(w.store, w.moveOut)
		r = writtenRow{ref: ref}
	}
	w.kept.Set(writtenKey{version, id}, r)
}

// read returns the row kept for id at version, and the view to release
// once it is written (the zero View for a row in the heap).
func (w *writtenRows) read(version int64, id conflict.EstimateID) ([]byte, spill.View, bool) {
	r, ok := w.kept.GetIfPresent(writtenKey{version, id})
	if !ok {
		return nil, spill.View{}, false
	}
	if r.b != nil {
		return r.b, spill.View{}, true
	}
	v, ok := w.store.View(r.ref)
	if !ok {
		return nil, spill.View{}, false
	}
	return v.Bytes, v, true
}

// moveOut moves the rows kept in segments of the store being emptied
// (spill.Tidier) to its current one.
func (w *writtenRows) moveOut() {
	for key, r := range w.kept.All() {
		w.store.Move(r.ref, func(to spill.Ref) bool {
			got, _ := w.kept.ComputeIfPresent(key, func(old writtenRow) (writtenRow, otter.ComputeOp) {
				if old.b != nil || old.ref != r.ref {
					return old, otter.CancelOp
				}
				return writtenRow{ref: to}, otter.WriteOp
			})
			return got.ref == to
		})
	}
}

// tableRow writes the explorer's table rows from those kept written at
// the data version. A row shows one estimate and its first citation, the
// same for every reader and every date range, and the first pages of a
// force's table share most of their rows; writing a hundred rows anew for
// each page cost a third of the page. The rows kept are taken when the
// page begins, so that one let go meanwhile is still written from them;
// release ends their reading once the page is written. Rows listed
// without their citations (uncited, cut from a small force's kept
// points) have them read here, in one query for the rows not kept: a
// force's first page reads a hundred, not its every claim's.
func (s *Server) tableRow(ctx context.Context, version int64, rows []conflict.Estimate, uncited bool) (row func(*conflict.Estimate) templ.Component, release func(), err error) {
	kept := make(map[conflict.EstimateID][]byte, len(rows))
	var views []spill.View
	release = func() {
		for _, v := range views {
			v.Release()
		}
	}
	var missing []conflict.EstimateID
	for i := range rows {
		if b, v, ok := s.rows.read(version, rows[i].ID); ok {
			kept[rows[i].ID] = b
			views = append(views, v)
		} else {
			missing = append(missing, rows[i].ID)
		}
	}
	var cites map[conflict.EstimateID]conflict.Citation
	if uncited && len(missing) > 0 {
		if cites, err = s.db.FindFirstCitations(ctx, missing); err != nil {
			release()
			return nil, nil, err
		}
	}
	return func(x *conflict.Estimate) templ.Component {
		return keptRow{s: s, version: version, x: x, written: kept[x.ID], uncited: uncited, cites: cites}
	}, release, nil
}

// keptRow is one row of the explorer's table, written once per version.
type keptRow struct {
	s       *Server
	version int64
	x       *conflict.Estimate
	// written is the row as kept when the page began, if it was.
	written []byte
	// uncited rows not kept have their first citation in cites.
	uncited bool
	cites   map[conflict.EstimateID]conflict.Citation
}

func (r keptRow) Render(ctx context.Context, w io.Writer) error {
	if r.written != nil {
		_, err := w.Write(r.written)
		return err
	}
	x := *r.x
	if r.uncited {
		if c, ok := r.cites[x.ID]; ok {
			x.Citations = []conflict.Citation{c}
		}
	}
	var buf bytes.Buffer
	if err := pages.EstimateRow(x).Render(ctx, &buf); err != nil {
		return err
	}
	// At its size: the buffer grew by doubling, and a row is kept for as
	// long as the data stands.
	r.s.rows.keep(r.version, x.ID, bytes.Clone(buf.Bytes()))
	_, err := w.Write(buf.Bytes())
	return err
}
