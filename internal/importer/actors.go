package importer

import (
	"io"
	"strings"

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
	return eachCSVRow(in, ActorColumns, "an actors file", problem, func(row int, cells csvRow) error {
		if problems := cells.notUTF8(row, ActorColumns); len(problems) > 0 {
			for _, p := range problems {
				problem(p)
			}
			return nil
		}
		get := cells.get
		a := conflict.GazetteerActor{Name: get("name"), Kind: get("kind"), Parent: get("parent"),
			Aliases: strings.FieldsFunc(get("aliases"), func(r rune) bool { return r == '|' || r == ';' }),
			Source:  conflict.RowRef{Row: row}}
		for i := range a.Aliases {
			a.Aliases[i] = strings.TrimSpace(a.Aliases[i])
		}
		return yield(nil, &a)
	})
}
