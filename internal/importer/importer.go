// Package importer reads files of records from elsewhere — CSV in ACLED's
// columns, or sitrep's own JSON export — checks every row, and hands what
// it read to the store to import all at once or not at all. Every problem
// is reported with its row and column, and a file with any problem imports
// nothing.
package importer

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"io"

	"github.com/sitrep/sitrep/internal/conflict"
	"github.com/sitrep/sitrep/internal/sqlite"
)

// MaxCell is the most a CSV cell may hold, in bytes. ACLED's longest
// column, notes, stays far below it; a larger cell is refused as soon as
// it passes the limit, without reading the rest of it.
const MaxCell = 10 << 10

// Store is where imports go; *sqlite.DB is one.
type Store interface {
	ImportBatch(ctx context.Context, b conflict.ImportBatch, ch conflict.Change, opt sqlite.ImportOptions) (conflict.ImportResult, error)
}

// Options shape an import.
type Options struct {
	// Name is the file's name, shown in the revisions the import writes
	// ("import: acled-iraq.csv") when Change has no author name.
	Name string
	// Change is who imports; Import is set and AuthorName filled in from
	// Name when blank.
	Change conflict.Change
	// DryRun checks and counts, and writes nothing.
	DryRun bool
	// Status is given to the events of a CSV file; published by default.
	// A JSON file's records keep their own.
	Status conflict.Status
	// Progress, when set, is told how far the import has got.
	Progress func(done, total int)
}

// Run reads the file in r, CSV or JSON by its first character, and
// imports it, or only works out what importing it would do when
// o.DryRun is set. Problems found while reading and while matching are
// reported together, each with its row and column; when there are any,
// nothing is written and the error is Invalid. Other errors are the
// reader's or the store's.
func Run(ctx context.Context, s Store, r io.Reader, o Options) (conflict.ImportResult, error) {
	if o.Change.AuthorName == "" {
		o.Change.AuthorName = "import: " + o.Name
	}
	if o.Change.Summary == "" {
		o.Change.Summary = "Imported from " + o.Name
	}
	o.Change.Import = true
	if o.Status == "" {
		o.Status = conflict.Published
	}
	b, problems, err := Read(r, o.Status)
	if err != nil {
		return conflict.ImportResult{}, err
	}
	dry := o.DryRun || len(problems) > 0
	res, err := s.ImportBatch(ctx, b, o.Change, sqlite.ImportOptions{DryRun: dry, Progress: o.Progress})
	if err != nil && conflict.ErrorCode(err) != conflict.Invalid {
		return res, err
	}
	res.Problems = append(problems, res.Problems...)
	conflict.SortProblems(res.Problems)
	if len(res.Problems) > 0 {
		res.Committed = false
		return res, conflict.ImportProblemsError(len(res.Problems))
	}
	return res, err
}

// Read reads a whole file, CSV or JSON by its first character, into a
// batch, with the problems of the rows left out of it. A CSV header
// without ACLED's columns gives one problem and an empty batch. Events
// from CSV get status.
func Read(r io.Reader, status conflict.Status) (conflict.ImportBatch, []conflict.ImportProblem, error) {
	br := bufio.NewReaderSize(r, 64<<10)
	first, err := firstByte(br)
	if errors.Is(err, io.EOF) {
		return conflict.ImportBatch{}, []conflict.ImportProblem{{Reason: "The file is empty."}}, nil
	}
	if err != nil {
		return conflict.ImportBatch{}, nil, err
	}
	if first == '{' || first == '[' {
		return readJSON(br)
	}
	return readACLED(br, status)
}

// firstByte skips a byte-order mark and white space and returns the first
// other byte without consuming it.
func firstByte(br *bufio.Reader) (byte, error) {
	if bom, err := br.Peek(3); err == nil && bytes.Equal(bom, []byte{0xef, 0xbb, 0xbf}) {
		br.Discard(3)
	}
	for {
		c, err := br.ReadByte()
		if err != nil {
			return 0, err
		}
		switch c {
		case ' ', '\t', '\r', '\n':
			continue
		}
		return c, br.UnreadByte()
	}
}
