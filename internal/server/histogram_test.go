package server_test

import (
	"encoding/csv"
	"html"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// histoBar is one bar of a page's histogram as the HTML carries it.
type histoBar struct {
	url   string
	label string
	n     int
}

var (
	barPattern   = regexp.MustCompile(`<a href="([^"]*)"(?: class="histo__peak")?><title>([^<]*): (\d+|1) events?</title>`)
	countPattern = regexp.MustCompile(`data-testid="results-count">(\d+) events?( and|<)`)
)

func histogramBars(t *testing.T, body string) []histoBar {
	t.Helper()
	var out []histoBar
	for _, m := range barPattern.FindAllStringSubmatch(body, -1) {
		n, _ := strconv.Atoi(m[3])
		out = append(out, histoBar{url: html.UnescapeString(m[1]), label: m[2], n: n})
	}
	return out
}

func resultsCount(t *testing.T, body string) int {
	t.Helper()
	m := countPattern.FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no count of results in the page")
	}
	n, _ := strconv.Atoi(m[1])
	return n
}

// The histogram above a list counts the list's own events, and each bar
// links to the same list narrowed to the bar's dates, every other filter
// kept: following a bar lists at least the bar's events, and the bars of
// the narrowed list add up to it again.
func TestHistogramCountsTheListAndItsBarsNarrowIt(t *testing.T) {
	h := newHandler(t)
	for _, target := range []string{"/events", "/events?actor=ISIS", "/events?view=table&tag=airstrikes",
		"/timelines/mosul-2016", "/actors/islamic-state", "/places/mosul"} {
		t.Run(target, func(t *testing.T) {
			body := get(t, h, target, http.StatusOK, `data-testid="histogram"`, "Most events: ")
			bars := histogramBars(t, body)
			if len(bars) == 0 {
				t.Fatal("no bar links")
			}
			sum := 0
			for _, b := range bars {
				sum += b.n
			}
			if want := resultsCount(t, body); sum != want {
				t.Errorf("bars add up to %d, the list has %d", sum, want)
			}
			path, _, _ := strings.Cut(target, "?")
			for _, b := range bars {
				bp, q, _ := strings.Cut(b.url, "?")
				if bp != path || !strings.Contains(q, "from=") || !strings.Contains(q, "to=") {
					t.Errorf("bar %q links to %q: not this list with dates", b.label, b.url)
				}
				if strings.Contains(target, "view=table") && !strings.Contains(q, "view=table") {
					t.Errorf("bar %q leaves the table view: %q", b.label, b.url)
				}
				narrowed := get(t, h, b.url, http.StatusOK)
				if n := resultsCount(t, narrowed); n < b.n {
					t.Errorf("bar %q says %d events, its list has %d", b.label, b.n, n)
				}
				sum := 0
				for _, nb := range histogramBars(t, narrowed) {
					sum += nb.n
				}
				if want := resultsCount(t, narrowed); sum != want {
					t.Errorf("narrowed to %q, the bars add up to %d, the list has %d", b.url, sum, want)
				}
			}
		})
	}
	// A filter other than the dates is kept by every bar.
	for _, b := range histogramBars(t, get(t, h, "/events?actor=ISIS", http.StatusOK)) {
		if !strings.Contains(b.url, "actor=ISIS") {
			t.Errorf("bar %q drops the actor: %q", b.label, b.url)
		}
	}
	// The demo's events begin in July, at the end of August and in
	// September 2016: three of the weeks between them.
	bars := histogramBars(t, get(t, h, "/events", http.StatusOK, "by week they begin in"))
	if len(bars) != 3 || bars[2].label != "week of 26 September 2016" || !strings.Contains(bars[2].url, "from=2016-09-26&to=2016-09-27") {
		t.Errorf("bars of /events: %+v", bars)
	}
	// A list with nothing in it has no strip.
	if body := get(t, h, "/events?place=Syria", http.StatusOK); strings.Contains(body, `data-testid="histogram"`) {
		t.Error("an empty list draws a histogram")
	}
}

var (
	rowPattern  = regexp.MustCompile(`(?s)<tr data-testid="table-row">(.*?)</tr>`)
	cellPattern = regexp.MustCompile(`(?s)<td[^>]*>(.*?)</td>`)
	tagPattern  = regexp.MustCompile(`<[^>]*>`)
)

// tableRows reads the cells of a page's table as text.
func tableRows(t *testing.T, body string) [][]string {
	t.Helper()
	var out [][]string
	for _, r := range rowPattern.FindAllStringSubmatch(body, -1) {
		var row []string
		for _, c := range cellPattern.FindAllStringSubmatch(r[1], -1) {
			text := html.UnescapeString(tagPattern.ReplaceAllString(c[1], ""))
			row = append(row, strings.Join(strings.Fields(text), " "))
		}
		out = append(out, row)
	}
	return out
}

var csvLinkPattern = regexp.MustCompile(`<a href="([^"]*)" download data-format="csv"[^>]*>CSV of this table</a>`)

// The table view sorts by date, place and number of sources through its
// headings, and its CSV download holds the same rows in the same order
// with the same columns.
func TestTableSortsAndItsCSVIsTheTable(t *testing.T) {
	h := newHandler(t)
	tests := []struct {
		target string
		column int
		want   []string
		sort   string // the heading's aria-sort
	}{
		{"/events?view=table", 0, []string{"Jul – Sep 2016", "September 2016 (approx.)", "27 Sep 2016"}, `aria-sort="ascending"><a class="etable__sort" href="/events?order=newest&amp;view=table"`},
		{"/events?view=table&order=newest", 0, []string{"27 Sep 2016", "September 2016 (approx.)", "Jul – Sep 2016"}, `aria-sort="descending"`},
		{"/events?view=table&sort=place", 2, []string{"Diyala province", "Mosul", "Mosul"}, `aria-sort="ascending"><a class="etable__sort" href="/events?sort=-place&amp;view=table"`},
		{"/events?view=table&sort=-place", 2, []string{"Mosul", "Mosul", "Diyala province"}, `aria-sort="descending"`},
		{"/events?view=table&sort=-sources", 5, []string{"2", "2", "1"}, `aria-sort="descending"><a class="etable__sort" href="/events?sort=sources&amp;view=table"`},
		{"/events?view=table&sort=sources", 5, []string{"1", "2", "2"}, `aria-sort="ascending"`},
		{"/events?view=table&sort=place&actor=ISIS", 2, []string{"Mosul", "Mosul"}, `aria-sort="ascending"`},
		{"/timelines/mosul-2016?view=table&sort=place", 2, []string{"Diyala province", "Mosul", "Mosul"}, `aria-sort="ascending"`},
	}
	for _, tt := range tests {
		t.Run(tt.target, func(t *testing.T) {
			body := get(t, h, tt.target, http.StatusOK, `data-testid="event-table"`, tt.sort,
				`<input type="hidden" name="view" value="table">`)
			rows := tableRows(t, body)
			var got []string
			for _, r := range rows {
				if len(r) != 7 {
					t.Fatalf("row of %d cells: %q", len(r), r)
				}
				got = append(got, r[tt.column])
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("column %d reads %q, want %q", tt.column, got, tt.want)
			}
			m := csvLinkPattern.FindStringSubmatch(body)
			if m == nil {
				t.Fatal("no CSV of the table")
			}
			rec := do(t, h, http.MethodGet, html.UnescapeString(m[1]))
			if rec.Code != http.StatusOK {
				t.Fatalf("GET %s = %d", m[1], rec.Code)
			}
			records, err := csv.NewReader(rec.Body).ReadAll()
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(records[0], []string{"Date", "Title", "Place", "Actors", "Tags", "Sources", "Fatalities"}) {
				t.Errorf("CSV header %q", records[0])
			}
			if len(records)-1 != len(rows) {
				t.Fatalf("CSV has %d rows, the table %d", len(records)-1, len(rows))
			}
			for i, r := range rows {
				if !slices.Equal(records[i+1], r) {
					t.Errorf("row %d: CSV %q, table %q", i+1, records[i+1], r)
				}
			}
		})
	}
	// The view is kept in the URL: the switch back to cards, the next
	// page and the filter form carry it.
	get(t, h, "/events?view=table&sort=place&tag=airstrikes", http.StatusOK,
		`<a href="/events?tag=airstrikes" data-testid="view-cards">Cards</a>`,
		`href="/events?tag=airstrikes&amp;view=table" data-testid="sort-Date"`,
		`<input type="hidden" name="sort" value="place">`)
	get(t, h, "/events?tag=airstrikes", http.StatusOK, `href="/events?tag=airstrikes&amp;view=table" data-testid="view-table"`)
	get(t, h, "/events?view=grid", http.StatusOK, "The view is cards or table.")
	get(t, h, "/events?view=table&sort=size", http.StatusOK, "The table sorts by date, place or sources")
}
