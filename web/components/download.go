package components

import (
	"net/url"
	"strings"
)

// Download is a link to an export of the view a page shows.
type Download struct {
	Label, URL, Format string
}

// exportFormats are the formats offered, with their labels.
var exportFormats = [][2]string{{"csv", "CSV"}, {"json", "JSON"}, {"geojson", "GeoJSON"}, {"timelinejs", "TimelineJS"}}

// downloads links every format of the export at path ("events",
// "timelines/SLUG", "estimates") with the view's filter q.
func downloads(path string, q url.Values) []Download {
	out := make([]Download, 0, len(exportFormats))
	for _, f := range exportFormats {
		v := url.Values{}
		for k, vs := range q {
			v[k] = vs
		}
		v.Set("format", f[0])
		out = append(out, Download{Label: f[1], Format: f[0], URL: "/api/v1/export/" + path + "?" + v.Encode()})
	}
	return out
}

// Downloads links exports of the events the view lists, with its filter:
// the events page, a timeline, an actor's or a place's events. A filter
// the page could not read in full offers none, as the export would refuse
// it.
func (v BrowserView) Downloads() []Download {
	for field := range v.Filter.Errors {
		if field != "cursor" {
			return nil
		}
	}
	q := v.Filter.Values()
	switch {
	case v.Action == "/events":
		return downloads("events", q)
	case strings.HasPrefix(v.Action, "/timelines/"):
		return downloads("timelines/"+strings.TrimPrefix(v.Action, "/timelines/"), q)
	case strings.HasPrefix(v.Action, "/actors/"):
		slug, _ := url.PathUnescape(strings.TrimPrefix(v.Action, "/actors/"))
		q.Add("actor", slug)
		return downloads("events", q)
	case strings.HasPrefix(v.Action, "/places/"):
		slug, _ := url.PathUnescape(strings.TrimPrefix(v.Action, "/places/"))
		q.Add("place", slug)
		return downloads("events", q)
	}
	return nil
}

// TableDownloads links the CSV of the table the view shows: its filter,
// its sort and its columns, row for row; the other formats hold whole
// records, in the list's date order.
func (v BrowserView) TableDownloads() []Download {
	out := v.Downloads()
	if v.Table == nil {
		return out
	}
	for i := range out {
		if out[i].Format == "csv" {
			out[i] = Download{Label: "CSV of this table", Format: "csv", URL: v.Table.CSVURL}
		}
	}
	return out
}

// TableCSVURL is the address of the CSV of the table view: the export of
// the view's events with view=table and its sort.
func (v BrowserView) TableCSVURL() string {
	for _, d := range v.Downloads() {
		if d.Format == "csv" {
			u := d.URL + "&view=table"
			if v.Filter.Sort != "" {
				u += "&sort=" + url.QueryEscape(v.Filter.Sort)
			}
			return u
		}
	}
	return ""
}

// EstimateDownloads links exports of the estimates matching the
// explorer's filter q.
func EstimateDownloads(q url.Values) []Download {
	return downloads("estimates", q)
}
