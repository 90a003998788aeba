package cite

import (
	"encoding/json"
	"strings"
	"testing"
	"time"
)

var rec = Record{
	Key: "sitrep-event-1-r2", Title: "Badr fighters train in Diyala & prepare_for 50% {Mosul}", Kind: "Event record",
	Site: "sitrep", URL: "https://sitrep.example.org/events/1/rev/2", Revision: 2,
	Revised: time.Date(2016, 9, 30, 12, 0, 0, 0, time.UTC), Accessed: time.Date(2026, 11, 25, 0, 0, 0, 0, time.UTC),
}

func TestText(t *testing.T) {
	got := rec.Text()
	want := "sitrep. \u201cBadr fighters train in Diyala & prepare_for 50% {Mosul}.\u201d Event record, revision 2, 30 September 2016. " +
		"https://sitrep.example.org/events/1/rev/2 (accessed 25 November 2026)."
	if got != want {
		t.Errorf("Text() = %q, want %q", got, want)
	}
}

func TestBibTeXEscapes(t *testing.T) {
	got := rec.BibTeX()
	for _, want := range []string{"@misc{sitrep-event-1-r2,", `\&`, `prepare\_for`, `50\%`, `\{Mosul\}`,
		`howpublished = {\url{https://sitrep.example.org/events/1/rev/2}}`, "year = {2016}", "urldate = {2026-11-25}"} {
		if !strings.Contains(got, want) {
			t.Errorf("BibTeX() = %s\nwant it to contain %q", got, want)
		}
	}
}

func TestCSLJSON(t *testing.T) {
	var items []map[string]any
	if err := json.Unmarshal(rec.CSLJSON(), &items); err != nil {
		t.Fatalf("CSLJSON() is not JSON: %v", err)
	}
	if len(items) != 1 || items[0]["type"] != "webpage" || items[0]["URL"] != rec.URL || items[0]["title"] != rec.Title {
		t.Errorf("CSLJSON() = %v, want one webpage item with the URL and title", items)
	}
	issued := items[0]["issued"].(map[string]any)["date-parts"].([]any)[0].([]any)
	if issued[0].(float64) != 2016 || issued[1].(float64) != 9 || issued[2].(float64) != 30 {
		t.Errorf("issued = %v, want 2016-09-30", issued)
	}
}

// A deployment that names itself and its publisher is cited by them.
func TestNamedSite(t *testing.T) {
	r := rec
	r.Site, r.Publisher, r.Title = "Mosul Monitor", "Example Research Group", "Who holds the bridge?"
	want := "Example Research Group. \u201cWho holds the bridge?\u201d Event record, Mosul Monitor, revision 2, 30 September 2016. " +
		"https://sitrep.example.org/events/1/rev/2 (accessed 25 November 2026)."
	if got := r.Text(); got != want {
		t.Errorf("Text() = %q, want %q", got, want)
	}
	bib := r.BibTeX()
	for _, want := range []string{"author = {{Example Research Group}}", "organization = {Mosul Monitor}"} {
		if !strings.Contains(bib, want) {
			t.Errorf("BibTeX() = %s\nwant it to contain %q", bib, want)
		}
	}
	var items []map[string]any
	if err := json.Unmarshal(r.CSLJSON(), &items); err != nil {
		t.Fatalf("CSLJSON() is not JSON: %v", err)
	}
	author := items[0]["author"].([]any)[0].(map[string]any)["literal"]
	if author != "Example Research Group" || items[0]["container-title"] != "Mosul Monitor" || items[0]["publisher"] != "Example Research Group" {
		t.Errorf("CSLJSON() = %v, want the publisher as author and publisher, the site as container", items)
	}

	// Without a publisher the site is the author, named once.
	r.Publisher = ""
	if got := r.Text(); !strings.HasPrefix(got, "Mosul Monitor. \u201cWho holds the bridge?\u201d Event record, revision 2,") {
		t.Errorf("Text() = %q, want the site as author, named once", got)
	}
}
