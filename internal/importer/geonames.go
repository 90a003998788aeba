package importer

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/sitrep/sitrep/internal/conflict"
	"github.com/sitrep/sitrep/internal/sqlite"
)

// Gazetteer formats, which a file's content does not tell apart from
// others: they are named (Options.Format).
const (
	FormatGeoNames = "geonames"
	FormatActors   = "actors"
)

// GazetteerStore is where gazetteer imports go; *sqlite.DB is one.
type GazetteerStore interface {
	ImportGazetteer(ctx context.Context, records sqlite.GazetteerRecords, ch conflict.Change, opt sqlite.ImportOptions) (conflict.ImportResult, error)
}

// gazetteerReader reads a whole gazetteer file, which open gives from its
// start each time it is called, handing each record to yield and each row
// it cannot read to problem.
type gazetteerReader func(open func() (io.Reader, error), yield func(*conflict.GazetteerPlace, *conflict.GazetteerActor) error, problem func(conflict.ImportProblem)) error

// runGazetteer is Run for a gazetteer file: checked whole, then imported
// in one transaction when nothing is wrong, reading it a row at a time.
func runGazetteer(ctx context.Context, s Store, r io.Reader, o Options) (conflict.ImportResult, error) {
	var read gazetteerReader
	switch o.Format {
	case FormatGeoNames:
		read = readGeoNames
	case FormatActors:
		read = readActors
	default:
		return conflict.ImportResult{}, conflict.Errorf(conflict.Invalid,
			"There is no import format %q: name geonames or actors, or none for ACLED, UCDP GED or JSON files, which are told by their content.", o.Format)
	}
	gs, ok := s.(GazetteerStore)
	if !ok {
		return conflict.ImportResult{}, errors.New("import: this store cannot import places and actors")
	}
	src := &source{r: r}
	defer src.close()
	pass := func(stage string, opt sqlite.ImportOptions, problem func(conflict.ImportProblem)) (conflict.ImportResult, error) {
		// A gazetteer reader may read the file more than once a pass.
		open := func() (io.Reader, error) { return src.openStage(stage, o.Progress) }
		return gs.ImportGazetteer(ctx, func(yield func(*conflict.GazetteerPlace, *conflict.GazetteerActor) error) error {
			return read(open, yield, problem)
		}, o.Change, opt)
	}
	return checkThenImport(o, pass, func(checked conflict.ImportResult) bool {
		return checked.Places.Updated == 0 && checked.Actors.Updated == 0
	})
}

// GeoNamesColumns are the tab-separated columns of GeoNames' gazetteer
// files, in order, with no header row.
var GeoNamesColumns = []string{"geonameid", "name", "asciiname", "alternatenames", "latitude", "longitude",
	"feature class", "feature code", "country code", "cc2", "admin1 code", "admin2 code", "admin3 code",
	"admin4 code", "population", "elevation", "dem", "timezone", "modification date"}

// How a GeoNames row becomes a sitrep place:
//
//   - name is the place's name; asciiname, when it differs, and each of
//     alternatenames (comma-separated, in every script) are its other
//     names. An other name longer than a place name may be (200
//     characters) is left out.
//   - latitude and longitude are its position.
//   - feature class and code give its kind: a country (PCL…), a region
//     (ADM1), a district (ADM2), a subdistrict (ADM3, ADM4), a populated
//     place (class P), a site, water, terrain and so on.
//   - the country and admin codes place it: a region in its country, a
//     district in its region, anything else in its district, else its
//     region, else its country — those the file has rows for. Those rows
//     are imported first, wherever they are in the file.
//
// GeoNames ids are checked for repeats but not kept: a place is matched
// again by name, parent and position (see sqlite.DB.ImportGazetteer).
const maxGeoNamesLine = 1 << 20

var geoNamesFields = map[string]string{"name": "name", "alt_names": "alternatenames", "kind": "feature code",
	"parent": "admin1 code", "latitude": "latitude", "longitude": "longitude"}

// geoNamesKinds names GeoNames' feature classes.
var geoNamesKinds = map[string]string{"A": "area", "H": "water", "L": "area", "P": "populated place", "R": "road",
	"S": "site", "T": "terrain", "U": "undersea", "V": "vegetation"}

// geoPlace is a GeoNames row read: its place and its level, 1 for a
// country, 2 a region, 3 a district, 0 anything else.
type geoPlace struct {
	place conflict.GazetteerPlace
	level int
	id    string
}

func readGeoNames(open func() (io.Reader, error), yield func(*conflict.GazetteerPlace, *conflict.GazetteerActor) error, problem func(conflict.ImportProblem)) error {
	// The first reading checks every row and keeps the countries,
	// regions and districts, which other rows lie in and so must be
	// imported first; the second reads the rest.
	in, err := open()
	if err != nil {
		return err
	}
	ids := newRowIDs()
	var admins []geoPlace
	stop, err := eachTSVRow(in, problem, func(row int, cells []string) {
		g, problems := geoNamesRow(row, cells)
		if g.id != "" {
			if first := ids.first(g.id, row); first != 0 {
				problems = append(problems, conflict.ImportProblem{Row: row, Column: "geonameid",
					Reason: fmt.Sprintf("The id %s is used again: row %d has it already.", g.id, first)})
			}
		}
		for _, p := range problems {
			problem(p)
		}
		if len(problems) == 0 && g.level > 0 {
			admins = append(admins, g)
		}
	})
	if err != nil || stop {
		return err
	}
	slices.SortStableFunc(admins, func(a, b geoPlace) int { return a.level - b.level })
	for i := range admins {
		if err := yield(&admins[i].place, nil); err != nil {
			return err
		}
	}
	admins = nil
	if in, err = open(); err != nil {
		return err
	}
	var yieldErr error
	_, err = eachTSVRow(in, func(conflict.ImportProblem) {}, func(row int, cells []string) {
		if yieldErr != nil {
			return
		}
		g, problems := geoNamesRow(row, cells)
		if len(problems) > 0 || g.level > 0 || ids.first(g.id, row) != row {
			return // reported by the first reading, or yielded already
		}
		yieldErr = yield(&g.place, nil)
	})
	if yieldErr != nil {
		return yieldErr
	}
	return err
}

// eachTSVRow calls fn with each row of a tab-separated file and its number
// from 1, skipping blank lines and a header naming geonameid. A line that
// is too long, or a first row without GeoNames' columns, is a problem; it
// returns true when the file is not worth reading on.
func eachTSVRow(r io.Reader, problem func(conflict.ImportProblem), fn func(row int, cells []string)) (bool, error) {
	br := bufio.NewReaderSize(r, 64<<10)
	if bom, err := br.Peek(3); err == nil && bytes.Equal(bom, []byte{0xef, 0xbb, 0xbf}) {
		br.Discard(3)
	}
	var line []byte
	for row := 1; ; row++ {
		line = line[:0]
		tooLong := false
		var err error
		for {
			var part []byte
			part, err = br.ReadSlice('\n')
			if len(line)+len(part) <= maxGeoNamesLine {
				line = append(line, part...)
			} else {
				tooLong = true
			}
			if !errors.Is(err, bufio.ErrBufferFull) {
				break
			}
		}
		if err != nil && !errors.Is(err, io.EOF) {
			return false, err
		}
		if tooLong {
			problem(conflict.ImportProblem{Row: row, Reason: fmt.Sprintf("The row is longer than %d KB.", maxGeoNamesLine>>10)})
		} else if text := strings.TrimRight(string(line), "\r\n"); strings.TrimSpace(text) != "" {
			cells := strings.Split(text, "\t")
			if row == 1 && strings.EqualFold(strings.TrimSpace(cells[0]), "geonameid") {
				// A header, which GeoNames' own files lack.
			} else if row == 1 && len(cells) < 9 {
				problem(conflict.ImportProblem{Row: 1, Reason: fmt.Sprintf("This is not a GeoNames file: its rows have %d tab-separated columns, not GeoNames' %d (%s).",
					len(cells), len(GeoNamesColumns), strings.Join(GeoNamesColumns, ", "))})
				return true, nil
			} else {
				fn(row, cells)
			}
		}
		if err != nil {
			return false, nil
		}
	}
}

// geoNamesRow reads one row, or lists what is wrong with it.
func geoNamesRow(row int, cells []string) (geoPlace, []conflict.ImportProblem) {
	var problems []conflict.ImportProblem
	bad := func(column, reason string) {
		problems = append(problems, conflict.ImportProblem{Row: row, Column: column, Reason: reason})
	}
	get := func(i int) string {
		if i >= len(cells) {
			return ""
		}
		return strings.TrimSpace(cells[i])
	}
	if len(cells) < 9 {
		bad("", fmt.Sprintf("The row has %d tab-separated columns; a GeoNames row has %d, the first 9 at least.", len(cells), len(GeoNamesColumns)))
		return geoPlace{}, problems
	}
	for i := range min(len(cells), len(GeoNamesColumns)) {
		if !utf8.ValidString(cells[i]) {
			bad(GeoNamesColumns[i], "The cell is not valid UTF-8 text; save the file as UTF-8.")
		}
	}
	if len(problems) > 0 {
		return geoPlace{}, problems
	}
	g := geoPlace{id: get(0)}
	if n, err := strconv.ParseInt(g.id, 10, 64); err != nil || n <= 0 {
		bad("geonameid", fmt.Sprintf("%q is not a GeoNames id: a whole number.", g.id))
	}
	coords, column, err := coordinates(get(4), get(5))
	if err != nil {
		bad(column, err.Error())
	}
	class, code := get(6), strings.ToUpper(get(7))
	kind, ok := geoNamesKinds[class]
	if !ok && class != "" {
		bad("feature class", fmt.Sprintf("%q is not a GeoNames feature class: one of A, H, L, P, R, S, T, U, V.", class))
	}
	cc, a1, a2 := strings.ToUpper(get(8)), get(10), get(11)
	if cc != "" && (len(cc) != 2 || strings.Trim(cc, "ABCDEFGHIJKLMNOPQRSTUVWXYZ") != "") {
		bad("country code", fmt.Sprintf("%q is not a country code: two letters, such as IQ.", get(8)))
	}
	if len(problems) > 0 {
		return geoPlace{}, problems
	}
	name := get(1)
	var parents []string
	add := func(k string) { parents = append(parents, k) }
	switch {
	case class == "A" && strings.HasPrefix(code, "PCL") && cc != "":
		g.level, g.place.Key, kind = 1, cc, "country"
	case class == "A" && code == "ADM1" && cc != "" && a1 != "":
		g.level, g.place.Key, kind = 2, cc+"."+a1, "region"
		add(cc)
	case class == "A" && code == "ADM2" && cc != "" && a1 != "" && a2 != "":
		g.level, g.place.Key, kind = 3, cc+"."+a1+"."+a2, "district"
		add(cc + "." + a1)
		add(cc)
	default:
		if class == "A" && (code == "ADM3" || code == "ADM4" || code == "ADM5") {
			kind = "subdistrict"
		}
		if cc != "" {
			if a1 != "" && a1 != "00" {
				if a2 != "" {
					add(cc + "." + a1 + "." + a2)
				}
				add(cc + "." + a1)
			}
			add(cc)
		}
	}
	seen := map[string]bool{strings.ToLower(name): true}
	var alt []conflict.AltName
	for _, n := range append([]string{get(2)}, strings.Split(get(3), ",")...) {
		n = strings.TrimSpace(n)
		if n == "" || seen[strings.ToLower(n)] || utf8.RuneCountInString(n) > conflict.MaxNameLen {
			continue
		}
		seen[strings.ToLower(n)] = true
		alt = append(alt, conflict.AltName{Name: n})
	}
	g.place.Parents, g.place.Name, g.place.AltNames, g.place.Kind, g.place.Coordinates = parents, name, alt, kind, coords
	g.place.Source = conflict.RowRef{Row: row, Columns: geoNamesFields}
	return g, nil
}
