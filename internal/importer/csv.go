package importer

import (
	"encoding/csv"
	"errors"
	"fmt"
	"hash/maphash"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/sitrep/sitrep/internal/conflict"
)

// What the CSV formats (ACLED's, UCDP GED's, actors files) share: the
// header, the rows, and the problems a file that is not CSV, or not in
// the format's columns, has.

// eachCSVRow reads a CSV file whose header (row 1) names the columns want,
// calling fn with each later row and its number. A header without those
// columns is one problem, naming what it lacks, and no rows; a row that is
// not valid CSV is a problem and the reading goes on; a cell longer than
// MaxCell is a problem and ends the reading, so that the rest of a file
// that is not what it claims is never read. It stops at fn's first error,
// which it returns.
func eachCSVRow(r io.Reader, want []string, what string, problem func(conflict.ImportProblem), fn func(row int, cells csvRow) error) error {
	cr := csv.NewReader(newCellLimiter(r, MaxCell))
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = true
	col, names, ok := csvHeader(cr, want, what, problem)
	if !ok {
		return nil
	}
	for row := 2; ; row++ {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			if p, ok := tooLong(err, names); ok {
				problem(p)
				return nil
			}
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				problem(csvProblem(err, row, names))
				continue
			}
			return err
		}
		if err := fn(row, csvRow{rec: rec, col: col}); err != nil {
			return err
		}
	}
}

// csvRow is one row of a CSV file, its cells found by their column's name.
// Its cells are reused by the next row: keep the strings, not the row.
type csvRow struct {
	rec []string
	col map[string]int
}

// get returns the named column's cell, trimmed; "" when the row stops
// short of it.
func (c csvRow) get(name string) string {
	i := c.col[name]
	if i >= len(c.rec) {
		return ""
	}
	return strings.TrimSpace(c.rec[i])
}

// notUTF8 lists a problem for each of columns whose cell in the row is not
// UTF-8 text, which nothing else about the row can be checked without.
func (c csvRow) notUTF8(row int, columns []string) []conflict.ImportProblem {
	var problems []conflict.ImportProblem
	for _, name := range columns {
		if !utf8.ValidString(c.get(name)) {
			problems = append(problems, conflict.ImportProblem{Row: row, Column: name, Reason: "The cell is not valid UTF-8 text; save the file as UTF-8."})
		}
	}
	return problems
}

// csvEvents is a CSV format of events, one a row.
type csvEvents struct {
	// what names the format in a header problem: "ACLED", "UCDP GED".
	what    string
	columns []string
	// idColumn holds the row's id; idPrefix stands before it in the
	// event's external id ("acled:").
	idColumn, idPrefix string
	// event makes a row's event, or lists what is wrong with the row,
	// whose cells are UTF-8 text.
	event func(cells csvRow, row int, status conflict.Status) (conflict.ImportEvent, []conflict.ImportProblem)
}

// readCSVEvents reads a CSV file of events in format f, handing each row's
// event to yield and each problem to problem. A row with any problem, or
// whose id an earlier row has, is not yielded. A row's cells are checked
// to be UTF-8 text before f.event reads them. Events get status.
func readCSVEvents(r io.Reader, f csvEvents, status conflict.Status, yield func(*conflict.ImportEvent, *conflict.ImportEstimate) error, problem func(conflict.ImportProblem)) error {
	ids := newRowIDs()
	return eachCSVRow(r, f.columns, f.what, problem, func(row int, cells csvRow) error {
		var ev conflict.ImportEvent
		rowProblems := cells.notUTF8(row, f.columns)
		if len(rowProblems) == 0 {
			ev, rowProblems = f.event(cells, row, status)
		}
		if id := ev.Event.ExternalID; id != "" {
			if first := ids.first(id, row); first != 0 {
				rowProblems = append(rowProblems, conflict.ImportProblem{Row: row, Column: f.idColumn,
					Reason: fmt.Sprintf("The id %s is used again: row %d has it already.", strings.TrimPrefix(id, f.idPrefix), first)})
			}
		}
		if len(rowProblems) > 0 {
			for _, p := range rowProblems {
				problem(p)
			}
			return nil
		}
		return yield(&ev, nil)
	})
}

// placeColumn is a column naming one step of an event's place, and the
// kind of place it names.
type placeColumn struct{ column, kind string }

// placePath makes an event's place from steps, outermost first, leaving out
// blank cells; the innermost gets coords. A name repeating the one before
// it is one place, of the inner kind: ACLED and GED often repeat a
// district's name as its location. No names is no place.
func placePath(cells csvRow, steps []placeColumn, coords *conflict.LatLon) *conflict.ImportPlace {
	var path []conflict.PlaceName
	for _, step := range steps {
		name := cells.get(step.column)
		if name == "" {
			continue
		}
		if n := len(path); n > 0 && strings.EqualFold(path[n-1].Name, name) {
			path[n-1].Kind = step.kind
			continue
		}
		path = append(path, conflict.PlaceName{Name: name, Kind: step.kind})
	}
	if len(path) == 0 {
		return nil
	}
	path[len(path)-1].Coordinates = coords
	return &conflict.ImportPlace{Path: path}
}

// csvHeader reads a CSV header and finds the columns want names; a
// header without them is one problem on row 1, naming what it lacks.
func csvHeader(cr *csv.Reader, want []string, what string, problem func(conflict.ImportProblem)) (map[string]int, []string, bool) {
	header, err := cr.Read()
	if err != nil {
		problem(csvProblem(err, 1, nil))
		return nil, nil, false
	}
	col := map[string]int{}
	names := make([]string, len(header))
	for i, h := range header {
		h = strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")))
		names[i] = h
		if _, dup := col[h]; !dup {
			col[h] = i
		}
	}
	var missing []string
	for _, c := range want {
		if _, ok := col[c]; !ok {
			missing = append(missing, c)
		}
	}
	if len(missing) > 0 {
		problem(conflict.ImportProblem{Row: 1, Reason: "The header lacks " + what + "'s columns " + strings.Join(missing, ", ") +
			". The first row must name the columns: " + strings.Join(want, ", ") + "."})
		return nil, nil, false
	}
	return col, names, true
}

// rowIDs finds an id given twice in a file, keeping a hash of each with
// its row: a few bytes a row, however long the ids.
type rowIDs struct {
	seen map[uint64]int
	seed maphash.Seed
}

func newRowIDs() *rowIDs { return &rowIDs{seen: map[uint64]int{}, seed: maphash.MakeSeed()} }

// first returns the row that gave id before, or 0 after noting row as
// its first.
func (r *rowIDs) first(id string, row int) int {
	k := maphash.String(r.seed, id)
	if first, ok := r.seen[k]; ok {
		return first
	}
	r.seen[k] = row
	return 0
}

// tooLong reports a cell that passed MaxCell; the file is not read past it.
func tooLong(err error, names []string) (conflict.ImportProblem, bool) {
	var e *errCellTooLong
	if !errors.As(err, &e) {
		return conflict.ImportProblem{}, false
	}
	column := strconv.Itoa(e.Col + 1)
	if e.Col < len(names) {
		column = names[e.Col]
	}
	return conflict.ImportProblem{Row: e.Row, Column: column,
		Reason: fmt.Sprintf("This cell is longer than %s KB, the most one cell may hold; the file was not read past it.", conflict.FormatCount(int64(e.Max>>10)))}, true
}

func csvProblem(err error, row int, names []string) conflict.ImportProblem {
	if p, ok := tooLong(err, names); ok {
		return p
	}
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return conflict.ImportProblem{Row: row,
			Reason: fmt.Sprintf("The row is not valid CSV (line %d, character %d): %v.", pe.Line, pe.Column, pe.Err)}
	}
	return conflict.ImportProblem{Row: row, Reason: "The file cannot be read as CSV: " + err.Error() + "."}
}
