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
	"fmt"
	"io"
	"os"

	"github.com/sitrep/sitrep/internal/conflict"
	"github.com/sitrep/sitrep/internal/sqlite"
)

// MaxCell is the most a CSV cell may hold, in bytes. ACLED's longest
// column, notes, stays far below it; a larger cell is refused as soon as
// it passes the limit, without reading the rest of it.
const MaxCell = 10 << 10

// Store is where imports go; *sqlite.DB is one.
type Store interface {
	ImportStream(ctx context.Context, records sqlite.ImportRecords, ch conflict.Change, opt sqlite.ImportOptions) (conflict.ImportResult, error)
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
	// Progress, when set, is told how much of the file a stage
	// ("checking", then "importing") has read, in bytes; then, with no
	// total, that the new records are being indexed ("indexing").
	Progress func(stage string, done, total int64)
	// Format names a format a file's content does not tell:
	// FormatGeoNames or FormatActors. "" reads CSV (UCDP GED's or ACLED's,
	// by the header) or JSON.
	Format string
}

// Problems counts problems in plain English: "1 problem", "2 problems".
func Problems(n int) string {
	if n == 1 {
		return "1 problem"
	}
	return fmt.Sprintf("%d problems", n)
}

// MaxProblems is how many problems an import lists; past it they are
// only counted, in ImportResult.Unlisted.
const MaxProblems = sqlite.DefaultMaxProblems

// Run reads the file in r, CSV or JSON by its first character, and
// imports it, or only works out what importing it would do when
// o.DryRun is set. The file is read a record at a time, so that memory
// does not grow with it, and imported in one transaction. A file that
// only adds records, or matches them as stored, is read once, each row
// checked as it is written; one that updates stored records is read
// twice: once to check every row against the stored records without
// writing, and, when nothing is wrong, again to import it. A reader that
// cannot seek is copied to a temporary file as it is first read.
// Problems found while reading and while matching are reported together,
// each with its row and column; when there are any, nothing is written
// and the error is Invalid. Other errors are the reader's or the store's.
func Run(ctx context.Context, s Store, r io.Reader, o Options) (conflict.ImportResult, error) {
	if o.Change.AuthorName == "" {
		o.Change.AuthorName = "import: " + o.Name
	}
	if o.Change.Summary == "" {
		o.Change.Summary = "Imported from " + o.Name
	}
	o.Change.Import = true
	// What an import makes public no second person has checked: its
	// revisions say so, in each record's history and the activity log,
	// as an admin's "Publish without review" does.
	o.Change.WithoutReview = true
	if o.Status == "" {
		o.Status = conflict.Published
	}
	// Gazetteers are named, not told by their content.
	if o.Format != "" {
		return runGazetteer(ctx, s, r, o)
	}
	src := &source{r: r}
	defer src.close()
	// A whole archive (sitrep export --what all) has its own reader.
	if ok, err := sniffArchive(src); err != nil {
		return conflict.ImportResult{}, err
	} else if ok {
		return runArchive(ctx, s, src, o)
	}
	// A CSV file's reader reports an id given twice itself (see
	// readCSVEvents); a JSON file's leaves that to the store.
	readerChecksIDs := false
	pass := func(stage string, opt sqlite.ImportOptions, problem func(conflict.ImportProblem)) (conflict.ImportResult, error) {
		opt.IDsChecked = func() bool { return readerChecksIDs }
		if o.Progress != nil {
			opt.Indexing = func() { o.Progress("indexing", 0, 0) }
		}
		// The store may read the file twice in a pass (see
		// sqlite.ImportOptions.UpdatesFirst): each reading opens it anew.
		return s.ImportStream(ctx, func(yield func(*conflict.ImportEvent, *conflict.ImportEstimate) error) error {
			in, err := src.openStage(stage, o.Progress)
			if err != nil {
				return err
			}
			return read(in, o.Status, yield, problem, &readerChecksIDs)
		}, o.Change, opt)
	}
	if !o.DryRun {
		// Most files only add records, or add some and match others as
		// stored: those are imported in one reading. One that updates
		// stored records is checked first (see
		// sqlite.ImportOptions.Direct).
		res, err := importDirect(pass)
		if !errors.Is(err, sqlite.ErrImportNeedsCheck) {
			return res, err
		}
	}
	// A file that only adds records is written faster (see
	// sqlite.ImportOptions.NothingToUpdate).
	return checkThenImport(o, pass, func(checked conflict.ImportResult) bool {
		return checked.Events.Updated == 0 && checked.Estimates.Updated == 0
	})
}

// importDirect imports a file in one reading, checking each row as it
// writes it, all in one transaction: the problems the reader finds and
// those the store finds are reported together, and when there are any
// nothing is written and the error is Invalid. It returns
// sqlite.ErrImportNeedsCheck, having written nothing, for a file that
// updates stored records.
func importDirect(pass importPass) (conflict.ImportResult, error) {
	var problems problemList
	opt := sqlite.ImportOptions{Direct: true, ReaderProblems: problems.count}
	res, err := pass("importing", opt, problems.add)
	if errors.Is(err, sqlite.ErrImportNeedsCheck) || err != nil && conflict.ErrorCode(err) != conflict.Invalid {
		return res, err
	}
	return problems.report(res)
}

// problemList gathers the problems a file's reader finds, listing the
// first MaxProblems and counting the rest.
type problemList struct {
	problems []conflict.ImportProblem
	unlisted int
}

func (l *problemList) add(p conflict.ImportProblem) {
	if len(l.problems) < MaxProblems {
		l.problems = append(l.problems, p)
	} else {
		l.unlisted++
	}
}

func (l *problemList) count() int { return len(l.problems) + l.unlisted }

// report puts the reader's problems beside the store's in res, in order
// of row, listing MaxProblems of them at most; when there are any, the
// error is Invalid.
func (l *problemList) report(res conflict.ImportResult) (conflict.ImportResult, error) {
	res.Problems = append(l.problems, res.Problems...)
	conflict.SortProblems(res.Problems)
	res.Unlisted += l.unlisted
	if n := len(res.Problems); n > MaxProblems {
		res.Problems, res.Unlisted = res.Problems[:MaxProblems], res.Unlisted+n-MaxProblems
	}
	if n := len(res.Problems) + res.Unlisted; n > 0 {
		res.Committed = false
		return res, conflict.ImportProblemsError(n)
	}
	return res, nil
}

// importPass reads the whole file into the store once, for stage
// ("checking" or "importing"), telling problem of each row the reader
// cannot make a record of.
type importPass func(stage string, opt sqlite.ImportOptions, problem func(conflict.ImportProblem)) (conflict.ImportResult, error)

// checkThenImport makes an import's two passes over its file. The first
// checks every row against the stored records and writes nothing; the
// problems the reader finds and those the store finds are reported
// together, and when there are any nothing is written and the error is
// Invalid. Otherwise, unless o.DryRun, the second imports it all in one
// transaction, told whether the check found only records to create, and
// whether none of its events was stored.
func checkThenImport(o Options, pass importPass, nothingToUpdate func(checked conflict.ImportResult) bool) (conflict.ImportResult, error) {
	var problems problemList
	res, err := pass("checking", sqlite.ImportOptions{DryRun: true}, problems.add)
	if err != nil && conflict.ErrorCode(err) != conflict.Invalid {
		return res, err
	}
	if res, err = problems.report(res); err != nil || o.DryRun {
		return res, err
	}
	// The file was checked whole; a row the reader now refuses means it
	// changed since, and the import is abandoned rather than importing
	// without that row.
	changed := false
	opt := sqlite.ImportOptions{NothingToUpdate: nothingToUpdate(res)}
	opt.NothingStored = opt.NothingToUpdate && res.Events.Matched == 0
	// A file that updates some records and adds others updates them
	// first, then adds the rest as fast as a file of new records.
	opt.UpdatesFirst = !opt.NothingToUpdate && res.Events.Created+res.Estimates.Created > 0
	res, err = pass("importing", opt, func(conflict.ImportProblem) { changed = true })
	if changed && err == nil {
		err = errors.New("the file changed while it was being imported; nothing was imported")
	}
	return res, err
}

// source reads a file more than once. A reader that can seek is read
// from its start each time; any other is copied to a temporary file as
// the first reading goes, and read from the copy after. So a check that
// stops early, at a cell too large, never reads the rest.
type source struct {
	r     io.Reader
	size  int64 // 0 when not known
	reads int
	spool *os.File
}

func (s *source) open() (io.Reader, error) {
	s.reads++
	if rs, ok := s.r.(io.ReadSeeker); ok {
		size, err := rs.Seek(0, io.SeekEnd)
		if err == nil {
			s.size = size
			_, err = rs.Seek(0, io.SeekStart)
		}
		if err == nil {
			return rs, nil
		}
	}
	if s.reads == 1 {
		f, err := os.CreateTemp("", "sitrep-import-*")
		if err != nil {
			return nil, err
		}
		s.spool = f
		return io.TeeReader(s.r, f), nil
	}
	if s.spool == nil {
		return nil, errors.New("import: the file cannot be read again")
	}
	// A reading that stopped early (a direct import that found the file
	// updates stored records) copied only what it read.
	if _, err := io.Copy(s.spool, s.r); err != nil {
		return nil, err
	}
	_, err := s.spool.Seek(0, io.SeekStart)
	return s.spool, err
}

// openStage is open for a stage of the import ("checking", "importing"),
// telling progress, when set, how much of the file the stage has read.
func (s *source) openStage(stage string, progress func(stage string, done, total int64)) (io.Reader, error) {
	in, err := s.open()
	if err != nil || progress == nil {
		return in, err
	}
	progress(stage, 0, s.size)
	return &countingReader{r: in, step: func(n int64) { progress(stage, n, s.size) }}, nil
}

func (s *source) close() {
	if s.spool != nil {
		s.spool.Close()
		os.Remove(s.spool.Name())
	}
}

// countingReader reports how much of a file has been read.
type countingReader struct {
	r    io.Reader
	n    int64
	step func(int64)
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	c.step(c.n)
	return n, err
}

// read reads a whole file, CSV or JSON by its first character (a CSV in
// UCDP GED's columns or else ACLED's, by its header), handing
// each record to yield and each row it cannot read to problem. A CSV
// header without ACLED's columns is one problem and no records. Events
// from CSV get status. It stops at yield's first error. idsChecked is set
// before the first record when the format's reader reports an external
// id given twice, and hands over only the first row with it.
func read(r io.Reader, status conflict.Status, yield func(*conflict.ImportEvent, *conflict.ImportEstimate) error, problem func(conflict.ImportProblem), idsChecked *bool) error {
	br := bufio.NewReaderSize(r, 64<<10)
	first, err := firstByte(br)
	if errors.Is(err, io.EOF) {
		problem(conflict.ImportProblem{Reason: "The file is empty."})
		return nil
	}
	if err != nil {
		return err
	}
	if first == '{' || first == '[' {
		return readJSON(br, yield, problem)
	}
	*idsChecked = true
	if isGED(br) {
		return readCSVEvents(br, gedCSV, status, yield, problem)
	}
	return readCSVEvents(br, acledCSV, status, yield, problem)
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
