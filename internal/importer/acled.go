package importer

import (
	"errors"
	"fmt"
	"math"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/sitrep/sitrep/internal/conflict"
	"github.com/sitrep/sitrep/internal/edtf"
)

// ACLEDColumns are the columns an ACLED-style CSV must have, in ACLED's
// order. Other columns (ACLED's exports have more) are ignored.
var ACLEDColumns = []string{"event_id_cnty", "event_date", "time_precision", "event_type", "sub_event_type",
	"actor1", "assoc_actor_1", "actor2", "assoc_actor_2", "country", "admin1", "admin2", "location",
	"latitude", "longitude", "geo_precision", "source", "source_scale", "notes", "fatalities"}

// How an ACLED row becomes a sitrep event:
//
//   - event_id_cnty is kept as the external id "acled:ID", so importing the
//     file again matches each row to the event it made.
//   - event_date and time_precision make the date: 1 is the day, 2 the day
//     approximately (ACLED: within a week), written 2016-09-27~; 3 the month.
//   - actor1, actor2 and the assoc_actor columns (several, split at ";")
//     are the event's actors, with the column as their role; each is
//     matched by name or alias, or created.
//   - country › admin1 › admin2 › location is the place, matched step by
//     step or created, the location with the row's coordinates.
//   - event_type and sub_event_type are tags, and with the actors and the
//     location make the title; notes are the body, with fatalities after.
//   - source names publishers, not articles (several, split at ";"). Each
//     publisher becomes one source whose address is
//     https://acled.invalid/source/NAME: sitrep keeps one source per
//     address, and ACLED gives none, so the address is a placeholder under
//     .invalid, a name reserved never to exist (RFC 6761), which no reader
//     can mistake for a real page. Its title says the article is not
//     identified. The citation's locator names the ACLED event.
//   - geo_precision and source_scale are checked for shape only and not
//     kept.
const acledPlaceholderHost = "acled.invalid"

var acledRoles = map[string]string{
	"actor1":        "actor 1",
	"assoc_actor_1": "associated with actor 1",
	"actor2":        "actor 2",
	"assoc_actor_2": "associated with actor 2",
}

// acledPlaceColumns name an event's place, outermost first.
var acledPlaceColumns = []placeColumn{{"country", "country"}, {"admin1", "region"}, {"admin2", "district"}, {"location", "location"}}

// acledFields says which column a problem with an event field comes from.
var acledFields = map[string]string{
	"title": "event_type", "body": "notes", "date": "event_date", "tags": "event_type", "actors": "actor1",
	"citations": "source", "place": "location", "external_id": "event_id_cnty", "status": "source",
}

// acledCSV is ACLED's CSV format, one event a row.
var acledCSV = csvEvents{what: "ACLED", columns: ACLEDColumns, idColumn: "event_id_cnty", idPrefix: "acled:", event: acledEvent}

// acledEvent turns one row into an event, or lists what is wrong with it.
// Its cells are UTF-8 text (see readCSVEvents).
func acledEvent(cells csvRow, row int, status conflict.Status) (conflict.ImportEvent, []conflict.ImportProblem) {
	var problems []conflict.ImportProblem
	bad := func(column, reason string) {
		problems = append(problems, conflict.ImportProblem{Row: row, Column: column, Reason: reason})
	}
	get := cells.get
	id := get("event_id_cnty")
	if id == "" {
		bad("event_id_cnty", "Every row needs its ACLED id.")
	}
	date, err := acledDate(get("event_date"), get("time_precision"))
	if err != nil {
		column := "event_date"
		if strings.Contains(err.Error(), "time_precision") {
			column = "time_precision"
		}
		bad(column, err.Error())
	}
	coords, column, err := coordinates(get("latitude"), get("longitude"))
	if err != nil {
		bad(column, err.Error())
	}
	if v := get("geo_precision"); v != "" && v != "1" && v != "2" && v != "3" {
		bad("geo_precision", "Geo precision is 1, 2 or 3.")
	}
	fatalities := get("fatalities")
	if fatalities != "" {
		if n, err := strconv.Atoi(fatalities); err != nil || n < 0 {
			bad("fatalities", "Fatalities is a whole number, 0 or more.")
		}
	}
	if len(problems) > 0 {
		return conflict.ImportEvent{}, problems
	}

	var actors []conflict.ImportActor
	seen := map[string]bool{}
	for _, c := range []string{"actor1", "assoc_actor_1", "actor2", "assoc_actor_2"} {
		for _, name := range splitList(get(c)) {
			k := strings.ToLower(name) + "\x00" + c
			if !seen[k] {
				seen[k] = true
				actors = append(actors, conflict.ImportActor{Name: name, Role: acledRoles[c]})
			}
		}
	}
	place := placePath(cells, acledPlaceColumns, coords)
	var citations []conflict.Citation
	for _, publisher := range splitList(get("source")) {
		citations = append(citations, conflict.Citation{Source: acledSource(publisher), Locator: "ACLED event " + id})
	}
	eventType, subType := get("event_type"), get("sub_event_type")
	body := get("notes")
	if fatalities != "" {
		if body != "" {
			body += "\n\n"
		}
		body += "Fatalities reported (ACLED): " + fatalities + "."
	}
	e := conflict.Event{
		Title:      acledTitle(eventType, subType, get("actor1"), get("actor2"), get("location")),
		Date:       date,
		Tags:       []string{eventType, subType},
		Body:       body,
		Citations:  citations,
		Status:     status,
		ExternalID: "acled:" + id,
	}
	return conflict.ImportEvent{Event: e, Place: place, Actors: actors,
		Source: conflict.RowRef{Row: row, Columns: acledFields}}, nil
}

// acledTitle makes a title from what ACLED codes: "Armed clash: Islamic
// State vs Iraqi security forces in Mosul".
func acledTitle(eventType, subType, actor1, actor2, location string) string {
	var b strings.Builder
	b.WriteString(subType)
	if subType == "" {
		b.WriteString(eventType)
	}
	if b.Len() == 0 {
		b.WriteString("Event")
	}
	if a := firstOf(actor1); a != "" {
		b.WriteString(": " + a)
		if c := firstOf(actor2); c != "" {
			b.WriteString(" vs " + c)
		}
	}
	if location != "" {
		b.WriteString(" in " + location)
	}
	title := b.String()
	if utf8.RuneCountInString(title) > conflict.MaxTitleLen {
		title = string([]rune(title)[:conflict.MaxTitleLen-1]) + "…"
	}
	return title
}

func firstOf(list string) string {
	if l := splitList(list); len(l) > 0 {
		return l[0]
	}
	return ""
}

// splitList splits ACLED's "A; B" lists.
func splitList(s string) []string {
	var out []string
	for _, part := range strings.Split(s, ";") {
		if part = strings.TrimSpace(part); part != "" {
			out = append(out, part)
		}
	}
	return out
}

// acledSource is the source standing for a publisher ACLED names.
func acledSource(publisher string) conflict.Source {
	slug := conflict.Slugify(publisher)
	if slug == "" {
		slug = url.PathEscape(strings.ToLower(publisher))
	}
	return conflict.Source{
		URL:       "https://" + acledPlaceholderHost + "/source/" + slug,
		Publisher: publisher,
		Title:     "Reports by " + publisher + " (article not identified; cited by ACLED)",
		Notes: "ACLED names the publisher of its source but not the article, so this source has no real address: " +
			"its URL is a placeholder under .invalid, a domain that never exists.",
	}
}

// acledDateLayouts are the ways ACLED's files write event_date.
var acledDateLayouts = []string{"2006-01-02", "2 January 2006", "02 January 2006", "2 Jan 2006", "02-January-2006", "2-Jan-06"}

// acledDate reads event_date and time_precision into an EDTF date.
func acledDate(s, precision string) (edtf.Date, error) {
	if s == "" {
		return edtf.Date{}, errors.New("Every row needs its event date.")
	}
	var (
		t   time.Time
		err error
	)
	for _, layout := range acledDateLayouts {
		if t, err = time.Parse(layout, s); err == nil {
			break
		}
	}
	if err != nil {
		return edtf.Date{}, fmt.Errorf("%q is not a date: write it as 2016-09-27 or 27 September 2016.", s)
	}
	if t.Year() < 1 || t.Year() > 9999 {
		return edtf.Date{}, fmt.Errorf("%q is outside the years 0001 to 9999.", s)
	}
	var text string
	switch precision {
	case "", "1":
		text = t.Format("2006-01-02")
	case "2":
		text = t.Format("2006-01-02") + "~"
	case "3":
		text = t.Format("2006-01")
	default:
		return edtf.Date{}, fmt.Errorf("time_precision is 1 (day), 2 (about that day) or 3 (month), not %q.", precision)
	}
	return edtf.Parse(text)
}

// coordinates reads a latitude and a longitude; both blank is no
// position. It returns the column at fault with its error.
func coordinates(lat, lon string) (*conflict.LatLon, string, error) {
	if lat == "" && lon == "" {
		return nil, "", nil
	}
	if lat == "" {
		return nil, "latitude", errors.New("A longitude needs a latitude.")
	}
	if lon == "" {
		return nil, "longitude", errors.New("A latitude needs a longitude.")
	}
	la, err := strconv.ParseFloat(lat, 64)
	if err != nil || math.IsNaN(la) || la < -90 || la > 90 {
		return nil, "latitude", fmt.Errorf("%q is not a latitude: a number from -90 to 90.", lat)
	}
	lo, err := strconv.ParseFloat(lon, 64)
	if err != nil || math.IsNaN(lo) || lo < -180 || lo > 180 {
		return nil, "longitude", fmt.Errorf("%q is not a longitude: a number from -180 to 180.", lon)
	}
	return &conflict.LatLon{Lat: la, Lon: lo}, "", nil
}
