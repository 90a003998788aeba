package importer

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/sitrep/sitrep/internal/conflict"
	"github.com/sitrep/sitrep/internal/edtf"
)

// GEDColumns are the columns a UCDP Georeferenced Event Dataset CSV must
// have. GED's files have more (ids of conflicts, dyads and sides, regions,
// precision codes), which are ignored.
var GEDColumns = []string{"id", "year", "type_of_violence", "conflict_name", "side_a", "side_b", "source_article",
	"where_coordinates", "adm_1", "adm_2", "latitude", "longitude", "country", "date_prec", "date_start", "date_end",
	"deaths_a", "deaths_b", "deaths_civilians", "deaths_unknown", "best", "high", "low"}

// How a GED row becomes a sitrep event:
//
//   - id is kept as the external id "ged:ID", so importing the file again
//     matches each row to the event it made.
//   - date_start and date_end with date_prec make the date, saying no more
//     than GED knows. date_prec 1 (the day is known): the day, or the
//     interval start/end when the event lasted several days. 2 and 3 (known
//     to a few days or a week): the day or both ends approximate,
//     2016-10-17~ or 2016-10-17~/2016-10-21~. 4 (known to the month): the
//     month, or an interval of months. 5 (known to the year, or to a span
//     longer than a month): the year when the span is the whole year, else
//     an interval of months.
//   - side_a and side_b are the actors, with "side a" and "side b" as
//     their roles, matched by name or alias or created.
//   - country › adm_1 › adm_2 › where_coordinates is the place, matched
//     step by step or created, the last with the row's coordinates.
//   - type_of_violence (1 state-based conflict, 2 non-state conflict,
//     3 one-sided violence) is a tag and with the sides and the place
//     makes the title; conflict_name goes in the body.
//   - best, low and high, and the deaths of each side, of civilians and
//     of unknown belonging, are kept in the body, as ACLED's fatalities
//     are: "Deaths (UCDP GED): best estimate 12, low 10, high 15; …".
//   - source_article lists sources, split at ";", each usually
//     "Publisher,YYYY-MM-DD,Title" and rarely with an address. One with an
//     address is matched by it; one without, a wire story or a broadcast,
//     by its publisher, title and date, and is never linked. Text in no
//     such shape is kept whole, as the title of a source whose publisher is
//     not named. The citation's locator names the GED event.
var gedViolence = map[string]string{"1": "State-based conflict", "2": "Non-state conflict", "3": "One-sided violence"}

// gedPlaceColumns name an event's place, outermost first.
var gedPlaceColumns = []placeColumn{{"country", "country"}, {"adm_1", "region"}, {"adm_2", "district"}, {"where_coordinates", "location"}}

// gedFields says which column a problem with an event field comes from.
var gedFields = map[string]string{
	"title": "type_of_violence", "body": "conflict_name", "date": "date_start", "tags": "type_of_violence",
	"actors": "side_a", "citations": "source_article", "place": "where_coordinates", "external_id": "id",
	"status": "source_article",
}

// isGED reports whether the CSV file br starts with reads as GED's: its
// header names type_of_violence, or both date_prec and side_a. ACLED's
// files have neither. The header is peeked at, not consumed.
func isGED(br *bufio.Reader) bool {
	head, _ := br.Peek(br.Size())
	if i := bytes.IndexByte(head, '\n'); i >= 0 {
		head = head[:i]
	}
	h := strings.ToLower(string(head))
	return strings.Contains(h, "type_of_violence") || (strings.Contains(h, "date_prec") && strings.Contains(h, "side_a"))
}

// gedCSV is UCDP GED's CSV format, one event a row.
var gedCSV = csvEvents{what: "UCDP GED", columns: GEDColumns, idColumn: "id", idPrefix: "ged:", event: gedEvent}

// gedEvent turns one row into an event, or lists what is wrong with it.
// Its cells are UTF-8 text (see readCSVEvents).
func gedEvent(cells csvRow, row int, status conflict.Status) (conflict.ImportEvent, []conflict.ImportProblem) {
	var problems []conflict.ImportProblem
	bad := func(column, reason string) {
		problems = append(problems, conflict.ImportProblem{Row: row, Column: column, Reason: reason})
	}
	get := cells.get
	id := get("id")
	if id == "" {
		bad("id", "Every row needs its GED id.")
	}
	if y := get("year"); y != "" {
		if n, err := strconv.Atoi(y); err != nil || n < 1 || n > 9999 {
			bad("year", fmt.Sprintf("%q is not a year.", y))
		}
	}
	violence := gedViolence[get("type_of_violence")]
	if violence == "" {
		bad("type_of_violence", fmt.Sprintf("type_of_violence is 1 (state-based conflict), 2 (non-state conflict) or 3 (one-sided violence), not %q.", get("type_of_violence")))
	}
	date, column, err := gedDate(get("date_start"), get("date_end"), get("date_prec"))
	if err != nil {
		bad(column, err.Error())
	}
	coords, column, err := coordinates(get("latitude"), get("longitude"))
	if err != nil {
		bad(column, err.Error())
	}
	deaths := map[string]int{}
	for _, c := range []string{"best", "low", "high", "deaths_a", "deaths_b", "deaths_civilians", "deaths_unknown"} {
		v := get(c)
		if v == "" {
			deaths[c] = -1
			continue
		}
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			bad(c, fmt.Sprintf("%s is a whole number of deaths, 0 or more, not %q.", c, v))
			continue
		}
		deaths[c] = n
	}
	if lo, best, hi := deaths["low"], deaths["best"], deaths["high"]; len(problems) == 0 && best >= 0 && (lo > best && lo >= 0 || hi >= 0 && hi < best) {
		bad("best", fmt.Sprintf("The best estimate, %d, must lie between low (%d) and high (%d).", best, lo, hi))
	}
	if len(problems) > 0 {
		return conflict.ImportEvent{}, problems
	}

	var actors []conflict.ImportActor
	sideA, sideB := get("side_a"), get("side_b")
	if sideA != "" {
		actors = append(actors, conflict.ImportActor{Name: sideA, Role: "side a"})
	}
	if sideB != "" && !strings.EqualFold(sideB, sideA) {
		actors = append(actors, conflict.ImportActor{Name: sideB, Role: "side b"})
	}
	place := placePath(cells, gedPlaceColumns, coords)
	var citations []conflict.Citation
	for _, text := range splitList(get("source_article")) {
		citations = append(citations, conflict.Citation{Source: gedSource(text), Locator: "UCDP GED event " + id})
	}
	where := get("where_coordinates")
	if where == "" {
		where = get("adm_1")
	}
	e := conflict.Event{
		Title:      acledTitle(violence, "", sideA, sideB, where),
		Date:       date,
		Tags:       []string{violence},
		Body:       gedBody(get("conflict_name"), deaths),
		Citations:  citations,
		Status:     status,
		ExternalID: "ged:" + id,
	}
	return conflict.ImportEvent{Event: e, Place: place, Actors: actors,
		Source: conflict.RowRef{Row: row, Columns: gedFields}}, nil
}

// gedBody names the conflict and gives GED's counts of the dead, those
// it has; -1 is a blank cell.
func gedBody(conflictName string, deaths map[string]int) string {
	var b strings.Builder
	if conflictName != "" {
		b.WriteString("Conflict (UCDP): " + conflictName + ".")
	}
	var parts []string
	for _, d := range []struct{ column, label string }{{"best", "best estimate"}, {"low", "low"}, {"high", "high"}} {
		if n := deaths[d.column]; n >= 0 {
			parts = append(parts, d.label+" "+strconv.Itoa(n))
		}
	}
	var sides []string
	for _, d := range []struct{ column, label string }{{"deaths_a", "side A"}, {"deaths_b", "side B"}, {"deaths_civilians", "civilians"}, {"deaths_unknown", "unknown"}} {
		if n := deaths[d.column]; n >= 0 {
			sides = append(sides, d.label+" "+strconv.Itoa(n))
		}
	}
	if len(parts) > 0 || len(sides) > 0 {
		if b.Len() > 0 {
			b.WriteString("\n\n")
		}
		b.WriteString("Deaths (UCDP GED): " + strings.Join(parts, ", "))
		if len(sides) > 0 {
			if len(parts) > 0 {
				b.WriteString("; ")
			}
			b.WriteString(strings.Join(sides, ", "))
		}
		b.WriteString(".")
	}
	return b.String()
}

// gedDateLayouts are the ways GED's files write date_start and date_end.
var gedDateLayouts = []string{"2006-01-02", "2006-01-02 15:04:05.000", "2006-01-02 15:04:05", "2006-01-02T15:04:05", "1/2/2006", "1/2/2006 15:04"}

func gedDay(s string) (time.Time, error) {
	for _, layout := range gedDateLayouts {
		if t, err := time.Parse(layout, s); err == nil {
			if t.Year() < 1 || t.Year() > 9999 {
				return t, fmt.Errorf("%q is outside the years 0001 to 9999.", s)
			}
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("%q is not a date: write it as 2016-10-17.", s)
}

// gedDate reads date_start, date_end and date_prec into an EDTF date that
// claims no more than GED knows (see the list above GEDColumns' use). It
// returns the column at fault with its error.
func gedDate(start, end, prec string) (edtf.Date, string, error) {
	if start == "" {
		return edtf.Date{}, "date_start", errors.New("Every row needs its date_start.")
	}
	s, err := gedDay(start)
	if err != nil {
		return edtf.Date{}, "date_start", err
	}
	e := s
	if end != "" {
		if e, err = gedDay(end); err != nil {
			return edtf.Date{}, "date_end", err
		}
	}
	if e.Before(s) {
		return edtf.Date{}, "date_end", fmt.Errorf("date_end (%s) is before date_start (%s).", end, start)
	}
	const day, month = "2006-01-02", "2006-01"
	var text string
	sameDay := s.Equal(e)
	switch prec {
	case "", "1":
		text = s.Format(day)
		if !sameDay {
			text += "/" + e.Format(day)
		}
	case "2", "3":
		text = s.Format(day) + "~"
		if !sameDay {
			text += "/" + e.Format(day) + "~"
		}
	case "4":
		text = s.Format(month)
		if s.Format(month) != e.Format(month) {
			text += "/" + e.Format(month)
		}
	case "5":
		switch {
		case s.Year() == e.Year() && s.YearDay() == 1 && e.Month() == time.December && e.Day() == 31:
			text = s.Format("2006")
		case s.Format(month) == e.Format(month):
			text = s.Format(month)
		default:
			text = s.Format(month) + "/" + e.Format(month)
		}
	default:
		return edtf.Date{}, "date_prec", fmt.Errorf("date_prec is 1 (the day), 2 or 3 (a few days or a week), 4 (the month) or 5 (the year or longer), not %q.", prec)
	}
	d, err := edtf.Parse(text)
	if err != nil {
		return d, "date_start", err
	}
	return d, "", nil
}

var (
	addressPattern = regexp.MustCompile(`https?://[^\s,;"]+`)
	gedCitation    = regexp.MustCompile(`^\s*([^,]+?)\s*,\s*(\d{4}-\d{2}-\d{2})\s*(?:,\s*(.*?))?\s*$`)
)

// gedNotNamed stands for the title of an article GED cites without one.
const gedNotNamed = "(article not named; cited by UCDP GED)"

// gedSource reads one of source_article's sources: "Publisher,YYYY-MM-DD,
// Title", perhaps with an address in it.
func gedSource(text string) conflict.Source {
	var s conflict.Source
	if u := addressPattern.FindString(text); u != "" {
		s.URL = u
		text = strings.TrimSpace(strings.Replace(text, u, "", 1))
		text = strings.TrimRight(text, ", ")
	}
	if m := gedCitation.FindStringSubmatch(text); m != nil {
		if d, err := edtf.Parse(m[2]); err == nil {
			s.Publisher, s.Published, s.Title = m[1], d, strings.Trim(m[3], ` "`)
		}
	}
	if s.Publisher == "" {
		// No publisher and date to read: the text, whole, is what GED
		// says of the source.
		s.Publisher = "Publisher not named (cited by UCDP GED)"
		s.Title = strings.Trim(text, ` "`)
	}
	if s.Title == "" && s.URL == "" {
		s.Title = gedNotNamed
	}
	if utf8.RuneCountInString(s.Publisher) > conflict.MaxNameLen {
		s.Publisher = string([]rune(s.Publisher)[:conflict.MaxNameLen-1]) + "…"
	}
	if utf8.RuneCountInString(s.Title) > conflict.MaxTitleLen {
		s.Notes = "As UCDP GED cites it: " + text
		if utf8.RuneCountInString(s.Notes) > conflict.MaxShortLen {
			s.Notes = string([]rune(s.Notes)[:conflict.MaxShortLen-1]) + "…"
		}
		s.Title = string([]rune(s.Title)[:conflict.MaxTitleLen-1]) + "…"
	}
	return s
}
