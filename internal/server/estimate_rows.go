package server

import (
	"bytes"
	"context"
	"io"

	"github.com/a-h/templ"

	"github.com/sitrep/sitrep/internal/conflict"
	"github.com/sitrep/sitrep/web/pages"
)

// rowCacheBytes bounds the written rows kept, about a kilobyte each: the
// first pages of a few hundred forces.
const rowCacheBytes = 12 << 20

// tableRow writes the explorer's table rows from those kept written at
// the data version. A row shows one estimate and its first citation, the
// same for every reader and every date range, and the first pages of a
// force's table share most of their rows; writing a hundred rows anew for
// each page cost a third of the page. cite, when not nil, gives a row its
// first citation (kept points are listed without theirs).
func (s *Server) tableRow(version int64, cite func(conflict.Estimate) conflict.Estimate) func(*conflict.Estimate) templ.Component {
	return func(x *conflict.Estimate) templ.Component {
		return keptRow{s: s, version: version, x: x, cite: cite}
	}
}

// keptRow is one row of the explorer's table, written once per version.
type keptRow struct {
	s       *Server
	version int64
	x       *conflict.Estimate
	cite    func(conflict.Estimate) conflict.Estimate
}

func (r keptRow) Render(ctx context.Context, w io.Writer) error {
	b, err := r.s.rows.get(r.version, r.x.ID, rowCacheBytes, rowWeight, func() ([]byte, error) {
		x := *r.x
		if r.cite != nil {
			x = r.cite(x)
		}
		var buf bytes.Buffer
		if err := pages.EstimateRow(x).Render(ctx, &buf); err != nil {
			return nil, err
		}
		return buf.Bytes(), nil
	})
	if err != nil {
		return err
	}
	_, err = w.Write(b)
	return err
}

// rowWeight is what a written row counts against rowCacheBytes.
func rowWeight(b []byte) int { return len(b) + 64 }
