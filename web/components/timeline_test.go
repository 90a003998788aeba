package components

import (
	"testing"

	"github.com/sitrep/sitrep/internal/conflict"
	"github.com/sitrep/sitrep/internal/edtf"
)

func eventOn(date string) Entry {
	return Entry{Event: &conflict.Event{Date: edtf.MustParse(date)}}
}

// Spaced by time, each entry says how long after the one before it began,
// in the largest unit that fits; a gap under a week is not worth a mark,
// and an interval open at its start has no first day to measure from.
func TestSpaceByTime(t *testing.T) {
	entries := SpaceByTime([]Entry{
		eventOn("2016-07"),
		eventOn("2016-07-03"),
		eventOn("2016-07-24"),
		eventOn("2016-09-29"),
		eventOn("2017-03-01"),
		eventOn("2019-03-02"),
		eventOn("../2019-04"),
		eventOn("2019-06-01"),
	}, false)
	want := []struct {
		gap  string
		size int
	}{{"", 0}, {"", 0}, {"3 weeks later", 1}, {"2 months later", 2}, {"5 months later", 3}, {"2 years later", 4}, {"", 0}, {"", 0}}
	for i, w := range want {
		if entries[i].Gap != w.gap || entries[i].GapSize != w.size {
			t.Errorf("entry %d (%s): gap %q size %d, want %q size %d", i, entries[i].Date(), entries[i].Gap, entries[i].GapSize, w.gap, w.size)
		}
	}
	newest := SpaceByTime([]Entry{eventOn("2016-09-29"), eventOn("2016-09-21"), eventOn("2015-08-01")}, true)
	if newest[1].Gap != "1 week earlier" || newest[2].Gap != "1 year earlier" {
		t.Errorf("newest first: gaps %q, %q; want \"1 week earlier\", \"1 year earlier\"", newest[1].Gap, newest[2].Gap)
	}
}

// The count names what the list holds, in plain English.
func TestBrowserSummary(t *testing.T) {
	for _, c := range []struct {
		v    BrowserView
		want string
	}{
		{BrowserView{}, "No events match."},
		{BrowserView{Total: 1}, "1 event"},
		{BrowserView{Total: 2310}, "2,310 events"},
		{BrowserView{Total: 200, More: true}, "More than 200 events"},
		{BrowserView{Total: 3, Estimates: 2}, "3 events and 2 estimates"},
		{BrowserView{Total: 1, Estimates: 1}, "1 event and 1 estimate"},
		{BrowserView{Total: 0, Estimates: 4}, "0 events and 4 estimates"},
		{BrowserView{Total: 1000, More: true, Estimates: 1000, EstimatesMore: true}, "More than 1,000 events and more than 1,000 estimates"},
	} {
		if got := c.v.summary(); got != c.want {
			t.Errorf("summary of %d (more %v) events and %d estimates = %q, want %q", c.v.Total, c.v.More, c.v.Estimates, got, c.want)
		}
	}
}
