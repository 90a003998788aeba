package importer

import (
	"fmt"
	"io"
)

// cellLimiter passes a CSV file through while following its quoting, and
// fails as soon as one cell grows past max bytes. encoding/csv would read
// a 10 MB cell whole before anyone could look at it; behind a cellLimiter
// it never sees more than max bytes of one.
type cellLimiter struct {
	r   io.Reader
	max int
	// row counts records from 1 (the header); col counts cells in the
	// record from 0.
	row, col int
	cell     int
	quoted   bool
	err      error
}

// errCellTooLong reports the cell that passed the limit.
type errCellTooLong struct {
	Row, Col int
	Max      int
}

func (e *errCellTooLong) Error() string {
	return fmt.Sprintf("row %d, cell %d: longer than %d bytes", e.Row, e.Col+1, e.Max)
}

func newCellLimiter(r io.Reader, max int) *cellLimiter {
	return &cellLimiter{r: r, max: max, row: 1}
}

func (l *cellLimiter) Read(p []byte) (int, error) {
	if l.err != nil {
		return 0, l.err
	}
	n, err := l.r.Read(p)
	for i := 0; i < n; i++ {
		c := p[i]
		switch {
		case c == '"':
			// An escaped quote ("") toggles twice; an opening or closing
			// one once.
			l.quoted = !l.quoted
		case l.quoted:
		case c == ',':
			l.col++
			l.cell = 0
			continue
		case c == '\n':
			l.row++
			l.col, l.cell = 0, 0
			continue
		case c == '\r':
			continue
		}
		l.cell++
		if l.cell > l.max {
			l.err = &errCellTooLong{Row: l.row, Col: l.col, Max: l.max}
			// Hand over what came before the cell's excess, so the
			// rows before it are still read and reported.
			return i, nil
		}
	}
	return n, err
}
