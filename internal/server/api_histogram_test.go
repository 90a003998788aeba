package server_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

type histogramAnswer struct {
	Kind    string `json:"kind"`
	Unit    string `json:"unit"`
	Total   int    `json:"total"`
	Peak    *int   `json:"peak"`
	Summary string `json:"summary"`
	TooMany bool   `json:"too_many"`
	Bars    []struct {
		From, To, Label, Events string
		Count                   int
	} `json:"bars"`
}

// TestAPIEventHistogram: the counts over time of a filter add up to the
// events the list of that filter holds, each bar's link lists exactly its
// own events, and bad input is refused with a reason.
func TestAPIEventHistogram(t *testing.T) {
	h := newHandler(t)
	// Lists of one start with different ends share what reaches into the
	// start from before (an event of Jul – Sep 2016 into September).
	for _, filter := range []string{"", "actor=islamic-state", "place=Mosul&from=2016-09",
		"place=Mosul&from=2016-09&to=2016-09-20", "place=Mosul&from=2016-09&to=2016-12"} {
		var hist histogramAnswer
		getJSON(t, h, "/api/v1/events/histogram?"+filter, http.StatusOK, &hist)
		var list struct {
			Data []struct{ ID int64 } `json:"data"`
		}
		getJSON(t, h, "/api/v1/events?limit=500&"+filter, http.StatusOK, &list)
		if hist.Kind != "event_histogram" || hist.TooMany {
			t.Fatalf("%q: kind %q, too_many %v", filter, hist.Kind, hist.TooMany)
		}
		if hist.Total == 0 || hist.Total != len(list.Data) {
			t.Errorf("%q: histogram counts %d events, the list holds %d", filter, hist.Total, len(list.Data))
		}
		sum := 0
		for i, b := range hist.Bars {
			sum += b.Count
			if b.Count == 0 {
				if b.Events != "" {
					t.Errorf("%q: empty bar %s links %s", filter, b.Label, b.Events)
				}
				continue
			}
			u, err := url.Parse(b.Events)
			if err != nil || u.Path != "/events" || u.Query().Get("from") == "" || u.Query().Get("to") == "" {
				t.Fatalf("%q: bar %s links %q, want /events narrowed to its dates", filter, b.Label, b.Events)
			}
			// A bar counts the events that begin in it (the first bar
			// also those reaching into the span from before); its list
			// shows every event its dates overlap.
			var bar struct {
				Data []struct {
					Date struct{ Lower string } `json:"date"`
				} `json:"data"`
			}
			getJSON(t, h, "/api/v1/events?limit=500&"+u.RawQuery, http.StatusOK, &bar)
			began := 0
			for _, e := range bar.Data {
				if i == 0 || e.Date.Lower >= b.From {
					began++
				}
			}
			if began != b.Count {
				t.Errorf("%q: bar %s (%s–%s) counts %d, its list has %d beginning in it", filter, b.Label, b.From, b.To, b.Count, began)
			}
		}
		if sum != hist.Total {
			t.Errorf("%q: bars add up to %d, total %d", filter, sum, hist.Total)
		}
		if hist.Peak == nil || hist.Bars[*hist.Peak].Count == 0 || !strings.HasPrefix(hist.Summary, "Most events: ") {
			t.Errorf("%q: peak %v, summary %q", filter, hist.Peak, hist.Summary)
		}
	}
	var none histogramAnswer
	getJSON(t, h, "/api/v1/events/histogram?from=1990&to=1991", http.StatusOK, &none)
	if none.Total != 0 || none.Peak != nil || none.Summary != "" {
		t.Errorf("a span without events: total %d, peak %v, summary %q", none.Total, none.Peak, none.Summary)
	}
	for _, bad := range []string{"from=yesterday", "limit=5", "actor=nobody-at-all"} {
		rec := do(t, h, http.MethodGet, "/api/v1/events/histogram?"+bad)
		if rec.Code != http.StatusBadRequest && rec.Code != http.StatusNotFound {
			t.Errorf("%s: %d, want a refusal", bad, rec.Code)
		}
		if !strings.Contains(rec.Body.String(), `"error"`) {
			t.Errorf("%s: %s, want a JSON error", bad, rec.Body)
		}
	}
}
