package sqlite

import (
	"context"
	"strconv"
	"strings"
)

// recordKind is one kind of row of records_fts, the search index of
// actors, places, sources and quotes. The index keeps no text
// (0030_records_search_without_copy.sql): a row's words are read from the
// record's own table, as these say, wherever text is needed: the index's
// fills, search's marks and titles, and the sample of common words.
type recordKind struct {
	code  int64  // a row is the record's id * 8 + code
	table string // the record's table, whose id is the record's
	title string // the text of the row's first column
	body  string // the text of its second
	only  string // which of the table's rows have a row in the index, when not every
}

// recordKinds are records_fts's kinds, in the order of their codes.
var recordKinds = []recordKind{
	{code: 1, table: "actors", title: "name",
		body: `description || ' ' || coalesce((SELECT group_concat(alias, ' ') FROM actor_aliases WHERE actor_id = actors.id), '')`},
	{code: 2, table: "places", title: "name",
		body: `description || ' ' || coalesce((SELECT group_concat(name, ' ') FROM place_names WHERE place_id = places.id), '')`},
	{code: 3, table: "sources", title: "title", body: `publisher || ' ' || notes`},
	{code: 4, table: "citations", title: "''", body: "quote", only: "quote <> ''"},
}

// rows returns a query of the kind's rows as (row, title, body), of the
// records where cond holds.
func (k recordKind) rows(cond string) string {
	if k.only != "" {
		cond = k.only + " AND " + cond
	}
	return `SELECT id * 8 + ` + strconv.FormatInt(k.code, 10) + ` AS r, ` + k.title + ` AS title, ` + k.body + ` AS body` +
		` FROM ` + k.table + ` WHERE ` + cond
}

// fill returns the statement that indexes the kind's records with ids
// past the parameter last, as the triggers would have one by one.
func (k recordKind) fill(last string) string {
	cond := `id > ` + last
	if k.only != "" {
		cond += " AND " + k.only
	}
	return `INSERT INTO records_fts (rowid, title, body) SELECT id * 8 + ` + strconv.FormatInt(k.code, 10) +
		`, search_fold(` + k.title + `), search_fold(` + k.body + `) FROM ` + k.table + ` WHERE ` + cond
}

// recordText is the text of a row of records_fts.
type recordText struct{ title, body string }

// recordTexts reads the text of rows of records_fts, by row. A row whose
// record is gone, or whose citation has no quote, is absent.
func recordTexts(ctx context.Context, q querier, rows []int64) (map[int64]recordText, error) {
	ids := make([][]any, len(recordKinds)+1)
	for _, r := range rows {
		if code := r % 8; code >= 1 && int(code) <= len(recordKinds) {
			ids[code] = append(ids[code], r/8)
		}
	}
	out := make(map[int64]recordText, len(rows))
	for _, k := range recordKinds {
		if len(ids[k.code]) == 0 {
			continue
		}
		rs, err := q.QueryContext(ctx, k.rows(`id IN (SELECT value FROM json_each(?))`), jsonIDs(ids[k.code]))
		if err != nil {
			return nil, err
		}
		for rs.Next() {
			var (
				row int64
				t   recordText
			)
			if err := rs.Scan(&row, &t.title, &t.body); err != nil {
				rs.Close()
				return nil, err
			}
			out[row] = t
		}
		if err := rs.Close(); err != nil {
			return nil, err
		}
		if err := rs.Err(); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// recordsFrom is a query of the text of up to ?2 rows of records_fts in
// order, from row ?1 on: each kind's first rows past it, by their ids,
// merged.
var recordsFrom = func() string {
	var arms []string
	for _, k := range recordKinds {
		// id * 8 + code >= ?1 where id >= ceil((?1 - code) / 8); rows
		// are never negative, so integer division rounds down.
		from := `id >= (?1 - ` + strconv.FormatInt(k.code, 10) + ` + 7) / 8`
		arms = append(arms, `SELECT * FROM (`+k.rows(from)+` ORDER BY id LIMIT ?2)`)
	}
	return `SELECT title || ' ' || body FROM (` + strings.Join(arms, " UNION ALL ") + `) ORDER BY r LIMIT ?2`
}()
