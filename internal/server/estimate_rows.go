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
const rowCacheBytes = 24 << 20

// tableRow writes the explorer's table rows from those kept written at
// the data version. A row shows one estimate and its first citation, the
// same for every reader and every date range, and the first pages of a
// force's table share most of their rows; writing a hundred rows anew for
// each page cost a third of the page.
func (s *Server) tableRow(version int64) func(conflict.Estimate) templ.Component {
	return func(x conflict.Estimate) templ.Component {
		return templ.ComponentFunc(func(ctx context.Context, w io.Writer) error {
			b, err := s.rows.get(version, x.ID, rowCacheBytes, func(b []byte) int { return len(b) + 64 }, func() ([]byte, error) {
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
		})
	}
}
