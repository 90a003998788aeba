package server

import (
	"bytes"
	"context"
	"io"

	"github.com/a-h/templ"

	"github.com/sitrep/sitrep/internal/conflict"
	"github.com/sitrep/sitrep/internal/versioned"
	"github.com/sitrep/sitrep/web/pages"
)

// rowCacheBytes bounds the written rows kept, about a kilobyte each: the
// first pages of a hundred-odd forces.
const rowCacheBytes = 12 << 20

// tableRow writes the explorer's table rows from those kept written at
// the data version. A row shows one estimate and its first citation, the
// same for every reader and every date range, and the first pages of a
// force's table share most of their rows; writing a hundred rows anew for
// each page cost a third of the page. The rows kept are taken when the
// page begins, so that one emptied meanwhile (the cache empties when
// full, and under load it fills often) is still written from them. Rows
// listed without their citations (uncited, cut from a small force's kept
// points) have them read here, in one query for the rows not kept: a
// force's first page reads a hundred, not its every claim's.
func (s *Server) tableRow(ctx context.Context, version int64, rows []conflict.Estimate, uncited bool) (func(*conflict.Estimate) templ.Component, error) {
	kept := make(map[conflict.EstimateID][]byte, len(rows))
	var missing []conflict.EstimateID
	for i := range rows {
		if b, ok := s.rows.Peek(version, rows[i].ID); ok {
			kept[rows[i].ID] = b
		} else {
			missing = append(missing, rows[i].ID)
		}
	}
	var cites map[conflict.EstimateID]conflict.Citation
	if uncited && len(missing) > 0 {
		var err error
		if cites, err = s.db.FindFirstCitations(ctx, missing); err != nil {
			return nil, err
		}
	}
	return func(x *conflict.Estimate) templ.Component {
		return keptRow{s: s, version: version, x: x, written: kept[x.ID], uncited: uncited, cites: cites}
	}, nil
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
	b, err := r.s.rows.Get(r.version, r.x.ID, versioned.Scaled(rowCacheBytes), rowWeight, func() ([]byte, error) {
		x := *r.x
		if r.uncited {
			if c, ok := r.cites[x.ID]; ok {
				x.Citations = []conflict.Citation{c}
			}
		}
		var buf bytes.Buffer
		if err := pages.EstimateRow(x).Render(ctx, &buf); err != nil {
			return nil, err
		}
		// At its size: the buffer grew by doubling, and a row is kept
		// for as long as the data stands.
		return bytes.Clone(buf.Bytes()), nil
	})
	if err != nil {
		return err
	}
	_, err = w.Write(b)
	return err
}

// rowWeight is what a written row counts against rowCacheBytes.
func rowWeight(b []byte) int { return len(b) + 64 }
