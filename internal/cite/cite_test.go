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
