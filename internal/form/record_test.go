package form_test

import (
	"context"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/sitrep/sitrep/internal/conflict"
	"github.com/sitrep/sitrep/internal/edtf"
	"github.com/sitrep/sitrep/internal/form"
)

// records is a Resolver over a few records of the worked example.
type records struct{}

var (
	isis  = conflict.ActorRef{ID: 1, Slug: "islamic-state", Name: "Islamic State"}
	badr  = conflict.ActorRef{ID: 2, Slug: "badr-organization", Name: "Badr Organization"}
	mosul = conflict.PlaceRef{ID: 1, Slug: "mosul", Name: "Mosul"}
	voa   = conflict.Source{ID: 7, URL: "https://www.voanews.com/a/islamic-state-mosul/3530000.html",
		Publisher: "Voice of America", Title: "Islamic State Struggling to Reinforce Mosul Ahead of Iraqi Offensive"}
)

func (records) FindActorsByName(_ context.Context, name string) ([]conflict.ActorRef, error) {
	switch strings.ToLower(name) {
	case "islamic state", "isis", "daesh":
		return []conflict.ActorRef{isis}, nil
	case "badr organization":
		return []conflict.ActorRef{badr}, nil
	}
	return nil, nil
}

func (records) FindPlacesByName(_ context.Context, name string) ([]conflict.PlaceRef, error) {
	if strings.EqualFold(name, "Mosul") || name == "الموصل" {
		return []conflict.PlaceRef{mosul}, nil
	}
	return nil, nil
}

func (records) FindSourceByID(_ context.Context, id conflict.SourceID) (conflict.Source, error) {
	if id == voa.ID {
		return voa, nil
	}
	return conflict.Source{}, conflict.Errorf(conflict.NotFound, "No such source.")
}

func (records) FindSourceByURL(_ context.Context, u string) (conflict.Source, error) {
	key, err := conflict.URLKey(u)
	if err != nil {
		return conflict.Source{}, err
	}
	if want, _ := conflict.URLKey(voa.URL); key == want {
		return voa, nil
	}
	return conflict.Source{}, conflict.Errorf(conflict.NotFound, "No such source.")
}

func (records) FindSourcesByTitle(_ context.Context, title string) ([]conflict.Source, error) {
	if strings.EqualFold(title, voa.Title) {
		return []conflict.Source{voa}, nil
	}
	return nil, nil
}

// validEvent is the form of an event from the worked example that passes.
func validEvent() url.Values {
	return url.Values{
		"version":                 {"0"},
		"title":                   {"Badr Organization fighters train in Diyala province"},
		"date":                    {"2016-09-27"},
		"place":                   {"Mosul"},
		"actors.0.name":           {"Badr Organization"},
		"actors.0.role":           {"trainer"},
		"tags":                    {"Training, militia"},
		"body":                    {"Fighters of the **Badr Organization** train ahead of the battle."},
		"citations.0.source":      {form.SourceOption(voa)},
		"citations.0.quote":       {"Badr fighters train in Diyala"},
		"citations.0.locator":     {"paragraph 9"},
		"citations.0.credibility": {"2"},
	}
}

func validEstimate() url.Values {
	return url.Values{
		"force":                 {"ISIS"},
		"place":                 {"Mosul"},
		"as_of":                 {"2016-09-29"},
		"unit":                  {"fighters"},
		"qualifier":             {"range"},
		"low":                   {"3,000"},
		"high":                  {"4,500"},
		"claimant":              {"U.S. military officials"},
		"notes":                 {"Col. John Dorrian"},
		"citations.0.url":       {"https://www.voanews.com/a/other/1.html?utm_source=x"},
		"citations.0.publisher": {"Voice of America"},
		"citations.0.title":     {"Another report"},
		"citations.0.published": {"29 Sep 2016"},
	}
}

func with(v url.Values, kv ...string) url.Values {
	out := url.Values{}
	for k, vs := range v {
		out[k] = append([]string(nil), vs...)
	}
	for i := 0; i+1 < len(kv); i += 2 {
		out.Set(kv[i], kv[i+1])
	}
	return out
}

var (
	tooLong = strings.Repeat("x", 10_001)
	script  = `<script>alert("x")</script>`
	sqlBit  = `'; DROP TABLE events; --`
)

func TestParseEventValid(t *testing.T) {
	f, err := form.ParseEvent(t.Context(), validEvent(), records{})
	if err != nil {
		t.Fatalf("ParseEvent: %v", err)
	}
	if len(f.Errors) != 0 {
		t.Fatalf("ParseEvent(valid) errors = %v, want none", f.Errors)
	}
	e := f.Event
	if e.Date.String() != "2016-09-27" || e.Place == nil || e.Place.ID != mosul.ID {
		t.Errorf("date %s, place %v", e.Date, e.Place)
	}
	if len(e.Actors) != 1 || e.Actors[0].Actor.ID != badr.ID || e.Actors[0].Role != "trainer" {
		t.Errorf("actors = %+v", e.Actors)
	}
	// The store normalises the event, as every write does once.
	if e.Normalize(); strings.Join(e.Tags, ",") != "training,militia" {
		t.Errorf("tags = %q", e.Tags)
	}
	if len(e.Citations) != 1 || e.Citations[0].Source.ID != voa.ID || e.Citations[0].Credibility != 2 {
		t.Errorf("citations = %+v", e.Citations)
	}
}

// TestParseEventFields tries every field of the event form with empty,
// too long, wrong and hostile input: each gets a clear message, or is kept
// verbatim as text (which templ escapes when it is shown).
func TestParseEventFields(t *testing.T) {
	tests := []struct {
		name, field, value string
		// errKey and want: the message expected, "" for none.
		errKey, want string
		// kept checks the parsed event when no message is expected.
		kept func(conflict.Event) string
	}{
		{name: "empty title", field: "title", value: "", errKey: "title", want: "Title is required."},
		{name: "long title", field: "title", value: tooLong, errKey: "title", want: "Title is too long: at most 300 characters."},
		{name: "script title", field: "title", value: script, kept: func(e conflict.Event) string { return e.Title }},
		{name: "SQL title", field: "title", value: sqlBit, kept: func(e conflict.Event) string { return e.Title }},
		{name: "empty date", field: "date", value: "", errKey: "date", want: "Date is required."},
		{name: "long date", field: "date", value: tooLong, errKey: "date", want: "This is too long to be a date."},
		{name: "wrong date", field: "date", value: "yesterday-ish", errKey: "date", want: form.DateHint},
		{name: "numeric date", field: "date", value: "09/10/2016", errKey: "date", want: form.DateHint},
		{name: "script date", field: "date", value: script, errKey: "date", want: form.DateHint},
		{name: "SQL date", field: "date", value: sqlBit, errKey: "date", want: form.DateHint},
		{name: "empty place", field: "place", value: "", kept: func(e conflict.Event) string {
			if e.Place != nil {
				return "a place"
			}
			return ""
		}},
		{name: "long place", field: "place", value: tooLong, errKey: "place", want: "too long"},
		{name: "unknown place", field: "place", value: "Atlantis", errKey: "place", want: `No place called "Atlantis": create it first.`},
		{name: "script place", field: "place", value: script, errKey: "place", want: "No place called"},
		{name: "SQL place", field: "place", value: sqlBit, errKey: "place", want: "No place called"},
		{name: "unknown actor", field: "actors.0.name", value: "Nobody", errKey: "actors.0.name", want: `No actor called "Nobody": create it first.`},
		{name: "long actor", field: "actors.0.name", value: tooLong, errKey: "actors.0.name", want: "too long"},
		{name: "SQL actor", field: "actors.0.name", value: sqlBit, errKey: "actors.0.name", want: "No actor called"},
		{name: "long role", field: "actors.0.role", value: tooLong, errKey: "actors", want: "too long"},
		{name: "long tags", field: "tags", value: tooLong, errKey: "tags", want: "too long"},
		{name: "script tags", field: "tags", value: script, kept: func(e conflict.Event) string { return strings.Join(e.Tags, " ") }},
		{name: "empty body", field: "body", value: "", kept: func(e conflict.Event) string { return e.Body }},
		{name: "long body is kept", field: "body", value: tooLong, kept: func(e conflict.Event) string { return e.Body }},
		{name: "too long body", field: "body", value: strings.Repeat("y", 100_001), errKey: "body", want: "Body is too long: at most 100,000 characters."},
		{name: "script body", field: "body", value: script, kept: func(e conflict.Event) string { return e.Body }},
		{name: "SQL body", field: "body", value: sqlBit, kept: func(e conflict.Event) string { return e.Body }},
		{name: "unknown source", field: "citations.0.source", value: "No such report", errKey: "citations.0.source", want: `No source called "No such report"`},
		{name: "source by URL", field: "citations.0.source", value: voa.URL + "?utm_campaign=x", kept: func(e conflict.Event) string {
			return e.Citations[0].Source.Title
		}},
		{name: "source by title", field: "citations.0.source", value: strings.ToUpper(voa.Title), kept: func(e conflict.Event) string {
			return e.Citations[0].Source.Title
		}},
		{name: "missing source id", field: "citations.0.source", value: "Something #999", errKey: "citations.0.source", want: "There is no source #999"},
		{name: "long source", field: "citations.0.source", value: tooLong, errKey: "citations.0.source", want: "too long"},
		{name: "long quote", field: "citations.0.quote", value: tooLong, errKey: "citations.0.quote", want: "Quote is too long: at most 2,000 characters."},
		{name: "script quote", field: "citations.0.quote", value: script, kept: func(e conflict.Event) string { return e.Citations[0].Quote }},
		{name: "long locator", field: "citations.0.locator", value: tooLong, errKey: "citations.0.locator", want: "too long"},
		{name: "wrong credibility", field: "citations.0.credibility", value: "seven", errKey: "citations.0.credibility", want: "Credibility is a grade from 1 to 6, or empty."},
		{name: "credibility out of range", field: "citations.0.credibility", value: "7", errKey: "citations.0.credibility", want: "from 1 to 6"},
		{name: "SQL credibility", field: "citations.0.credibility", value: sqlBit, errKey: "citations.0.credibility", want: "from 1 to 6"},
		{name: "wrong version", field: "version", value: "abc", errKey: "version", want: "reload the page"},
		{name: "long summary", field: "summary", value: tooLong, errKey: "summary", want: "The edit summary is too long: at most 2,000 characters."},
		{name: "script summary", field: "summary", value: script, kept: func(e conflict.Event) string { return script }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, err := form.ParseEvent(t.Context(), with(validEvent(), tt.field, tt.value), records{})
			if err != nil {
				t.Fatalf("ParseEvent: %v", err)
			}
			if tt.want == "" {
				if len(f.Errors) != 0 {
					t.Fatalf("ParseEvent(%s=%.40q) errors = %v, want none", tt.field, tt.value, f.Errors)
				}
				if got := tt.kept(f.Event); tt.field != "place" && tt.field != "tags" && !strings.HasPrefix(tt.field, "citations.0.source") && got != tt.value {
					t.Errorf("ParseEvent(%s=%.40q) kept %.40q, want it verbatim", tt.field, tt.value, got)
				}
				return
			}
			msg := f.Errors[tt.errKey]
			if !strings.Contains(msg, tt.want) {
				t.Errorf("ParseEvent(%s=%.40q) message for %s = %q, want it to contain %q (all: %v)", tt.field, tt.value, tt.errKey, msg, tt.want, f.Errors)
			}
			// Every raw value is kept to show back.
			if tt.field == "title" && f.Title != tt.value {
				t.Errorf("the typed title was not kept")
			}
			if tt.field == "date" && f.Date != strings.TrimSpace(tt.value) {
				t.Errorf("the typed date was not kept: %.40q", f.Date)
			}
		})
	}
}

func TestParseEventInlineSource(t *testing.T) {
	v := with(validEvent(), "citations.0.source", "",
		"citations.0.url", "HTTPS://WWW.VOANEWS.COM/a/new-report/1.html/?utm_source=twitter",
		"citations.0.publisher", "Voice of America",
		"citations.0.title", "A new report",
		"citations.0.published", "Sep 29, 2016")
	f, err := form.ParseEvent(t.Context(), v, records{})
	if err != nil || len(f.Errors) != 0 {
		t.Fatalf("ParseEvent(inline source) = %v, %v", f.Errors, err)
	}
	src := f.Event.Citations[0].Source
	src.Normalize()
	if src.ID != 0 || src.URL != "HTTPS://WWW.VOANEWS.COM/a/new-report/1.html/?utm_source=twitter" || src.Published.String() != "2016-09-29" {
		t.Errorf("inline source = %+v, want a new source with the address as typed", src)
	}

	tests := []struct {
		name   string
		kv     []string
		errKey string
		want   string
	}{
		{"no URL and no title", []string{"citations.0.url", "", "citations.0.title", ""}, "citations.0.url", "its publisher and title"},
		{"script URL", []string{"citations.0.url", "javascript:alert(1)"}, "citations.0.url", "URL must be a web address"},
		{"long URL", []string{"citations.0.url", "https://example.org/" + tooLong}, "citations.0.url", "URL is too long"},
		{"no publisher", []string{"citations.0.publisher", ""}, "citations.0.publisher", "Publisher is required."},
		{"long title", []string{"citations.0.title", tooLong}, "citations.0.title", "Title is too long"},
		{"wrong date", []string{"citations.0.published", "soon"}, "citations.0.published", form.DateHint},
		{"both", []string{"citations.0.source", form.SourceOption(voa)}, "citations.0.source", "not both"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, err := form.ParseEvent(t.Context(), with(v, tt.kv...), records{})
			if err != nil {
				t.Fatal(err)
			}
			if msg := f.Errors[tt.errKey]; !strings.Contains(msg, tt.want) {
				t.Errorf("message for %s = %q, want %q (all: %v)", tt.errKey, msg, tt.want, f.Errors)
			}
		})
	}
}

func TestParseEventRows(t *testing.T) {
	v := with(validEvent(), "actors.3.name", "ISIS", "actors.3.role", "target", "actors.1.name", "", "actors.1.role", "")
	f, err := form.ParseEvent(t.Context(), v, records{})
	if err != nil || len(f.Errors) != 0 {
		t.Fatalf("ParseEvent = %v, %v", f.Errors, err)
	}
	if len(f.Actors) != 2 || f.Actors[1].Name != "ISIS" || len(f.Event.Actors) != 2 || f.Event.Actors[1].Actor.ID != isis.ID {
		t.Errorf("rows = %+v, actors = %+v: want blank rows dropped, order kept", f.Actors, f.Event.Actors)
	}

	add := form.ReadEvent(v, form.ActionOf(with(v, "add_actor", "1")))
	if len(add.Actors) != 4 {
		t.Errorf("add_actor: %d rows, want the 3 sent and a new one", len(add.Actors))
	}
	rm := form.ReadEvent(v, form.ActionOf(with(v, "remove_actor", "0")))
	if len(rm.Actors) != 2 || rm.Actors[0].Name != "" || rm.Actors[1].Name != "ISIS" {
		t.Errorf("remove_actor 0: rows = %+v", rm.Actors)
	}
	if a := form.ActionOf(with(v, "preview", "1")); a.Name != "preview" || a.Save() {
		t.Errorf("ActionOf(preview) = %+v", a)
	}
	if a := form.ActionOf(v); !a.Save() {
		t.Errorf("ActionOf(no button) = %+v, want save", a)
	}
	// A hostile number of rows is cut, not stored.
	many := with(validEvent())
	for i := 0; i < 500; i++ {
		many.Set("actors."+strconv.Itoa(i)+".name", "ISIS")
		many.Set("actors."+strconv.Itoa(i)+".role", "r"+strconv.Itoa(i))
	}
	f, err = form.ParseEvent(t.Context(), many, records{})
	if err != nil {
		t.Fatal(err)
	}
	if len(f.Actors) > 50 {
		t.Errorf("%d actor rows read, want at most 50", len(f.Actors))
	}
}

func TestParseEstimateFields(t *testing.T) {
	f, err := form.ParseEstimate(t.Context(), validEstimate(), records{})
	if err != nil || len(f.Errors) != 0 {
		t.Fatalf("ParseEstimate(valid) = %v, %v", f.Errors, err)
	}
	x := f.Estimate
	if x.Force.ID != isis.ID || x.Low != conflict.Count(3000) || x.High != conflict.Count(4500) || x.AsOf != edtf.MustParse("2016-09-29") {
		t.Errorf("estimate = %+v", x)
	}

	tests := []struct {
		name   string
		kv     []string
		errKey string
		want   string
	}{
		{"empty force", []string{"force", ""}, "force", "Choose the force this estimate counts."},
		{"unknown force", []string{"force", "Atlantean army"}, "force", `No actor called "Atlantean army"`},
		{"SQL force", []string{"force", sqlBit}, "force", "No actor called"},
		{"long force", []string{"force", tooLong}, "force", "too long"},
		{"empty as of", []string{"as_of", ""}, "as_of", "Say when the estimate holds"},
		{"wrong as of", []string{"as_of", "next Tuesday"}, "as_of", form.DateHint},
		{"empty unit", []string{"unit", ""}, "unit", "Unit is required."},
		{"long unit", []string{"unit", tooLong}, "unit", "too long"},
		{"empty qualifier", []string{"qualifier", ""}, "qualifier", "Choose how the number was put"},
		{"wrong qualifier", []string{"qualifier", script}, "qualifier", "Choose how the number was put"},
		{"word low", []string{"low", "three thousand"}, "low", "Type a whole number, such as 3000 or 3,000."},
		{"decimal low", []string{"low", "3.5"}, "low", "whole number"},
		{"SQL low", []string{"low", sqlBit}, "low", "whole number"},
		{"long low", []string{"low", tooLong}, "low", "too long"},
		{"huge low", []string{"low", "99999999999999999999"}, "low", "too large"},
		{"negative low", []string{"low", "-5"}, "low", "A count cannot be negative."},
		{"range without high", []string{"high", ""}, "high", "A range needs its highest number."},
		{"range upside down", []string{"low", "5000"}, "high", "must not be below the lowest"},
		{"at most with low", []string{"qualifier", "at_most"}, "low", `An "as many as" estimate has no lowest number.`},
		{"empty claimant", []string{"claimant", ""}, "claimant", "Claimant is required."},
		{"long claimant", []string{"claimant", tooLong}, "claimant", "too long"},
		{"unknown claimant actor", []string{"claimant_actor", "Nobody"}, "claimant_actor", "No actor called"},
		{"long notes", []string{"notes", tooLong}, "notes", "Notes is too long"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, err := form.ParseEstimate(t.Context(), with(validEstimate(), tt.kv...), records{})
			if err != nil {
				t.Fatal(err)
			}
			if msg := f.Errors[tt.errKey]; !strings.Contains(msg, tt.want) {
				t.Errorf("ParseEstimate(%s=%.40q) message for %s = %q, want %q (all: %v)", tt.kv[0], tt.kv[1], tt.errKey, msg, tt.want, f.Errors)
			}
			if f.Low != strings.TrimSpace(with(validEstimate(), tt.kv...).Get("low")) {
				t.Errorf("the typed lowest number was not kept")
			}
		})
	}

	// Hostile text where free text belongs is kept verbatim.
	f, err = form.ParseEstimate(t.Context(), with(validEstimate(), "claimant", script, "notes", sqlBit), records{})
	if err != nil || len(f.Errors) != 0 {
		t.Fatalf("ParseEstimate = %v, %v", f.Errors, err)
	}
	if f.Estimate.Claimant != script || f.Estimate.Notes != sqlBit {
		t.Errorf("claimant %q, notes %q: want them verbatim", f.Estimate.Claimant, f.Estimate.Notes)
	}
	// "as many as 10,000": an upper bound only.
	f, _ = form.ParseEstimate(t.Context(), with(validEstimate(), "qualifier", "at_most", "low", "", "high", "10 000", "as_of", "July 2016"), records{})
	if len(f.Errors) != 0 || f.Estimate.High != conflict.Count(10000) || f.Estimate.Low.Set || f.Estimate.AsOf.String() != "2016-07" {
		t.Errorf("as many as 10,000 in July 2016: %+v, %v", f.Estimate, f.Errors)
	}
}

func TestParseRecords(t *testing.T) {
	ctx := t.Context()
	t.Run("source", func(t *testing.T) {
		f := form.ParseSource(url.Values{"url": {"ftp://x"}, "publisher": {""}, "title": {tooLong}, "published": {"soon"}, "reliability": {"Z"}})
		for k, want := range map[string]string{"url": "web address", "publisher": "Publisher is required.", "title": "too long",
			"published": form.DateHint, "reliability": "A to F"} {
			if !strings.Contains(f.Errors[k], want) {
				t.Errorf("source %s: %q, want %q", k, f.Errors[k], want)
			}
		}
		if f.Title != tooLong || f.URL != "ftp://x" {
			t.Errorf("typed values not kept")
		}
		f = form.ParseSource(url.Values{"url": {"https://example.org/a?utm_medium=x"}, "publisher": {script}, "title": {sqlBit}, "authors": {"A. Writer\r\nB. Writer"}})
		f.Source.Normalize()
		if len(f.Errors) != 0 || f.Source.Publisher != script || f.Source.Title != sqlBit || len(f.Source.Authors) != 2 || f.Source.URL != "https://example.org/a?utm_medium=x" {
			t.Errorf("source = %+v, %v", f.Source, f.Errors)
		}
	})
	t.Run("actor", func(t *testing.T) {
		f, err := form.ParseActor(ctx, url.Values{"name": {""}, "colour": {"red"}, "parent": {"Nobody"}}, records{})
		if err != nil {
			t.Fatal(err)
		}
		for k, want := range map[string]string{"name": "Name is required.", "colour": "hex colour", "parent": "No actor called"} {
			if !strings.Contains(f.Errors[k], want) {
				t.Errorf("actor %s: %q, want %q", k, f.Errors[k], want)
			}
		}
		f, _ = form.ParseActor(ctx, url.Values{"name": {"Popular Mobilization Forces"}, "aliases": {"PMF\nHashd al-Shaabi\n\n"}, "colour": {"#1F77B4"}}, records{})
		f.Actor.Normalize()
		if len(f.Errors) != 0 || len(f.Actor.Aliases) != 2 || f.Actor.Colour != "#1f77b4" {
			t.Errorf("actor = %+v, %v", f.Actor, f.Errors)
		}
	})
	t.Run("place", func(t *testing.T) {
		f, err := form.ParsePlace(ctx, url.Values{"name": {"Mosul"}, "latitude": {"north"}, "longitude": {"200"}}, records{})
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(f.Errors["latitude"], "decimal degrees") {
			t.Errorf("latitude: %q", f.Errors["latitude"])
		}
		f, _ = form.ParsePlace(ctx, url.Values{"name": {"Mosul"}, "latitude": {"36.34"}, "longitude": {"200"}}, records{})
		if !strings.Contains(f.Errors["longitude"], "from -180 to 180") {
			t.Errorf("longitude: %q", f.Errors["longitude"])
		}
		f, _ = form.ParsePlace(ctx, url.Values{"name": {"Mosul"}, "alt_names": {"ar: الموصل\nMossoul"}, "latitude": {"36.34"}, "longitude": {"43.13"}}, records{})
		if len(f.Errors) != 0 || len(f.Place.AltNames) != 2 || f.Place.AltNames[0] != (conflict.AltName{Lang: "ar", Name: "الموصل"}) {
			t.Errorf("place = %+v, %v", f.Place, f.Errors)
		}
	})
	t.Run("timeline", func(t *testing.T) {
		f, err := form.ParseTimeline(ctx, url.Values{"title": {""}, "slug": {"Not A Slug!"}, "pinned": {"1, two"}, "actors": {"ISIS\nNobody"}, "from": {"2017"}, "to": {"2016"}}, records{})
		if err != nil {
			t.Fatal(err)
		}
		for k, want := range map[string]string{"title": "Title is required.", "slug": "lower-case", "pinned": "by their numbers",
			"actors": "No actor called \"Nobody\"", "to": "before its start"} {
			if !strings.Contains(f.Errors[k], want) {
				t.Errorf("timeline %s: %q, want %q", k, f.Errors[k], want)
			}
		}
		// A "published" field left over from the old form publishes nothing:
		// only a review action does.
		f, _ = form.ParseTimeline(ctx, url.Values{"title": {"Battle for Mosul"}, "actors": {"ISIS"}, "places": {"Mosul"}, "pinned": {"3, 5"}, "published": {"1"}}, records{})
		f.Timeline.Normalize()
		if len(f.Errors) != 0 || f.Timeline.Slug != "battle-for-mosul" || len(f.Timeline.Pinned) != 2 || f.Timeline.Status != "" {
			t.Errorf("timeline = %+v, %v", f.Timeline, f.Errors)
		}
	})
}

func TestParseDate(t *testing.T) {
	tests := []struct{ in, want string }{
		{"2016-09-27", "2016-09-27"},
		{"Sep 2016", "2016-09"},
		{"2016-07/2016-09", "2016-07/2016-09"},
		{"~2016-09", "2016-09~"},
		{"2016-09~", "2016-09~"},
		{"?2016-09-27", "2016-09-27?"},
		{"~2016-07/2016-09", "2016-07~/2016-09"},
		{"about July 2016", "2016-07~"},
	}
	for _, tt := range tests {
		d, err := form.ParseDate(tt.in)
		if err != nil || d.String() != tt.want {
			t.Errorf("ParseDate(%q) = %q, %v; want %q", tt.in, d.String(), err, tt.want)
		}
	}
	for _, bad := range []string{"~", "~~2016", "09/10/2016", "soon"} {
		if _, err := form.ParseDate(bad); err == nil {
			t.Errorf("ParseDate(%q) succeeded, want an error", bad)
		}
	}
}
