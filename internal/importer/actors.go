package importer

import (
	"encoding/csv"
	"errors"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/sitrep/sitrep/internal/conflict"
)

// ActorColumns are the columns an actors file must have; others are
// ignored.
//
//   - name is the actor's name, matched against the stored actors' names
//     and aliases; a match is enriched, anything else created.
//   - aliases are its other names, separated by | or ;.
//   - kind is what it is (an armed group, a state force), kept when the
//     stored actor has none.
//   - parent names (by name or alias) the actor it belongs to, stored or
//     anywhere in the file, given when the stored actor has none.
var ActorColumns = []string{"name", "aliases", "kind", "parent"}

func readActors(open func() (io.Reader, error), yield func(*conflict.GazetteerPlace, *conflict.GazetteerActor) error, problem func(conflict.ImportProblem)) error {
	in, err := open()
	if err != nil {
		return err
	}
	cr := csv.NewReader(newCellLimiter(in, MaxCell))
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = true
	col, names, ok := csvHeader(cr, ActorColumns, "an actors file", problem)
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
		get := func(name string) string {
			i := col[name]
			if i >= len(rec) {
				return ""
			}
			return strings.TrimSpace(rec[i])
		}
		bad := false
		for _, c := range ActorColumns {
			if !utf8.ValidString(get(c)) {
				problem(conflict.ImportProblem{Row: row, Column: c, Reason: "The cell is not valid UTF-8 text; save the file as UTF-8."})
				bad = true
			}
		}
		if bad {
			continue
		}
		a := conflict.GazetteerActor{Name: get("name"), Kind: get("kind"), Parent: get("parent"),
			Aliases: strings.FieldsFunc(get("aliases"), func(r rune) bool { return r == '|' || r == ';' }),
			Source:  conflict.RowRef{Row: row}}
		for i := range a.Aliases {
			a.Aliases[i] = strings.TrimSpace(a.Aliases[i])
		}
		if err := yield(nil, &a); err != nil {
			return err
		}
	}
}
