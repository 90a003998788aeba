package sqlite

import (
	"context"
	"strings"

	"github.com/sitrep/sitrep/internal/conflict"
)

// Suggestion is one answer to what an editor is typing in a form: the
// record's name, and the other name that matched when it was not the name
// itself (an alias of an actor, an alternate name of a place).
type Suggestion struct {
	ID      int64
	Name    string
	Matched string
	// Detail says more about the record: a source's publisher and date.
	Detail string
}

// maxSuggestions bounds a suggestion list: a few are all a list under an
// input can usefully show.
const maxSuggestions = 20

func suggestLimit(n int) int {
	if n <= 0 || n > maxSuggestions {
		return maxSuggestions
	}
	return n
}

// SuggestActors returns up to limit actors whose name or alias contains q,
// ignoring case: names that begin with q first, then those with the most
// published events (from the maintained tallies), then by name. Matched
// is the alias that matched when the name did not. Drafts are among them,
// for editors' forms; readers' boxes use SuggestPublicActors.
func (db *DB) SuggestActors(ctx context.Context, q string, limit int) ([]Suggestion, error) {
	return db.suggestActors(ctx, q, limit, false)
}

// SuggestPublicActors is SuggestActors among published actors only.
func (db *DB) SuggestPublicActors(ctx context.Context, q string, limit int) ([]Suggestion, error) {
	return db.suggestActors(ctx, q, limit, true)
}

func (db *DB) suggestActors(ctx context.Context, q string, limit int, public bool) ([]Suggestion, error) {
	q = strings.TrimSpace(q)
	if q == "" {
		return nil, nil
	}
	// instr, not LIKE, so that % and _ typed by an editor are plain text.
	return db.suggest(ctx, `
		SELECT a.id, a.name, m.matched FROM actors a JOIN (
			SELECT id, '' AS matched, instr(lower(name), lower(?1)) AS pos FROM actors
			WHERE instr(lower(name), lower(?1)) > 0
			UNION ALL
			SELECT actor_id, alias, instr(lower(alias), lower(?1)) FROM actor_aliases
			WHERE instr(lower(alias), lower(?1)) > 0
		) m ON m.id = a.id
		LEFT JOIN event_key_counts k ON k.key = 'a:' || a.id
		`+publicOnly(public, "a")+`
		ORDER BY m.pos <> 1, m.matched <> '', coalesce(k.n, 0) DESC, a.name COLLATE NOCASE
		LIMIT 200`, q, limit)
}

// SuggestPlaces returns up to limit places whose name or alternate name
// contains q, ignoring case, as SuggestActors does for actors, drafts
// among them; readers' boxes use SuggestPublicPlaces.
func (db *DB) SuggestPlaces(ctx context.Context, q string, limit int) ([]Suggestion, error) {
	return db.suggestPlaces(ctx, q, limit, false)
}

// SuggestPublicPlaces is SuggestPlaces among published places only.
func (db *DB) SuggestPublicPlaces(ctx context.Context, q string, limit int) ([]Suggestion, error) {
	return db.suggestPlaces(ctx, q, limit, true)
}

func (db *DB) suggestPlaces(ctx context.Context, q string, limit int, public bool) ([]Suggestion, error) {
	q = strings.TrimSpace(q)
	if q == "" {
		return nil, nil
	}
	return db.suggest(ctx, `
		SELECT p.id, p.name, m.matched FROM places p JOIN (
			SELECT id, '' AS matched, instr(lower(name), lower(?1)) AS pos FROM places
			WHERE instr(lower(name), lower(?1)) > 0
			UNION ALL
			SELECT place_id, name, instr(lower(name), lower(?1)) FROM place_names
			WHERE instr(lower(name), lower(?1)) > 0
		) m ON m.id = p.id
		LEFT JOIN event_key_counts k ON k.key = 'p:' || p.id
		`+publicOnly(public, "p")+`
		ORDER BY m.pos <> 1, m.matched <> '', coalesce(k.n, 0) DESC, p.name COLLATE NOCASE
		LIMIT 200`, q, limit)
}

// publicOnly is the condition keeping a query of actors, places or
// sources (aliased as alias) to the published ones, when public is set.
func publicOnly(public bool, alias string) string {
	if !public {
		return ""
	}
	return "WHERE " + alias + ".status = 'published'"
}

// suggest runs a query of (id, name, matched) rows and keeps the first row
// of each record, up to limit.
func (db *DB) suggest(ctx context.Context, query, q string, limit int) ([]Suggestion, error) {
	rows, err := db.read.QueryContext(ctx, query, q)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	limit = suggestLimit(limit)
	seen := map[int64]bool{}
	var out []Suggestion
	for rows.Next() {
		var s Suggestion
		if err := rows.Scan(&s.ID, &s.Name, &s.Matched); err != nil {
			return nil, err
		}
		if seen[s.ID] || len(out) >= limit {
			continue
		}
		seen[s.ID] = true
		out = append(out, s)
	}
	return out, rows.Err()
}

// SuggestSources returns up to limit sources whose title, publisher or URL
// contains q, ignoring case, most recently published first.
func (db *DB) SuggestSources(ctx context.Context, q string, limit int) ([]conflict.Source, error) {
	q = strings.TrimSpace(q)
	if q == "" {
		return nil, nil
	}
	rows, err := db.read.QueryContext(ctx, `SELECT `+sourceColumns+` FROM sources s
		WHERE instr(lower(s.title), lower(?1)) > 0 OR instr(lower(s.publisher), lower(?1)) > 0
		   OR instr(lower(s.url), lower(?1)) > 0
		ORDER BY s.published_lo DESC, s.id DESC LIMIT ?2`, q, suggestLimit(limit))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []conflict.Source
	for rows.Next() {
		s, err := scanSource(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

// FindSourcesByTitle returns the sources whose title equals title,
// ignoring case, so that a form can resolve a source typed by its title.
func (db *DB) FindSourcesByTitle(ctx context.Context, title string) ([]conflict.Source, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT `+sourceColumns+` FROM sources s
		WHERE s.title = ? COLLATE NOCASE ORDER BY s.id LIMIT 10`, strings.TrimSpace(title))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []conflict.Source
	for rows.Next() {
		s, err := scanSource(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

// SuggestTags returns up to limit tags of published events that contain
// q, those that begin with it first, then the most used. An empty q gives
// the most used tags. It reads the maintained tallies, never the events,
// so it costs the same at any size.
func (db *DB) SuggestTags(ctx context.Context, q string, limit int) ([]string, error) {
	if tags := conflict.NormalizeTags([]string{q}); len(tags) > 0 {
		q = tags[0]
	} else {
		q = ""
	}
	return queryColumn[string](ctx, db.read, `SELECT substr(key, 3) FROM event_key_counts
		WHERE key >= 't:' AND key < 't;' AND n > 0 AND (?1 = '' OR instr(substr(key, 3), ?1) > 0)
		ORDER BY instr(substr(key, 3), ?1) <> 1, n DESC, key LIMIT ?2`, q, suggestLimit(limit))
}
