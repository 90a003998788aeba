package pages

import (
	"net/url"
	"strconv"
	"strings"
	"unicode"

	"github.com/sitrep/sitrep/internal/conflict"
	"github.com/sitrep/sitrep/web/components"
)

func searchCount(r conflict.SearchResults, limit int) string {
	n := len(r.Events) + len(r.Others)
	for _, x := range r.Named {
		n += len(x.Events) + len(x.Estimates)
	}
	switch {
	case n == 0:
		return "No results"
	case limit > 0 && (len(r.Events) >= limit || len(r.Others) >= limit):
		return "The best " + strconv.Itoa(n) + " results"
	case n == 1:
		return "1 result"
	}
	return strconv.Itoa(n) + " results"
}

// searchKindLabel names a group of results.
func searchKindLabel(kind string) string {
	switch kind {
	case "actor":
		return "Actors"
	case "place":
		return "Places"
	case "source":
		return "Sources"
	case "quote":
		return "Quotes"
	}
	return "Events"
}

// searchGroupCount says how many records of a group match: "500+" when
// counting stopped there.
func searchGroupCount(g conflict.SearchGroup) string {
	if g.AtLeast {
		return conflict.FormatCount(int64(g.Count)) + "+"
	}
	return conflict.FormatCount(int64(g.Count))
}

func fragmentText(fs []conflict.Fragment) string {
	var b strings.Builder
	for _, f := range fs {
		b.WriteString(f.Text)
	}
	return b.String()
}

func namedEventsURL(n conflict.NamedRecord) string {
	param := "actor"
	if n.Hit.Kind == "place" {
		param = "place"
	}
	return "/events?" + param + "=" + url.QueryEscape(n.Hit.Slug)
}

func namedEventsText(n conflict.NamedRecord) string {
	if n.EventCount == 1 {
		return "The 1 event of"
	}
	if n.Hit.Kind == "place" {
		return "All " + conflict.FormatCount(n.EventCount) + " events in"
	}
	return "All " + conflict.FormatCount(n.EventCount) + " events of"
}

func namedEstimatesURL(n conflict.NamedRecord) string {
	param := "force"
	if n.Hit.Kind == "place" {
		param = "place"
	}
	return "/estimates?" + param + "=" + url.QueryEscape(n.Hit.Slug)
}

func namedEstimatesText(n conflict.NamedRecord) string {
	count := conflict.FormatCount(int64(n.EstimateCount))
	if n.EstimateCount > conflict.SearchCountLimit {
		count = "more than " + conflict.FormatCount(conflict.SearchCountLimit)
	}
	switch {
	case n.EstimateCount == 1:
		return "The 1 estimate of"
	case n.Hit.Kind == "place":
		return "All " + count + " estimates in"
	}
	return "All " + count + " estimates of"
}

func hitKind(h conflict.SearchHit) string {
	switch h.Kind {
	case "quote":
		if h.InKind == conflict.EstimateRecord {
			return "Quote cited by an estimate"
		}
		return "Quote cited by an event"
	case "actor":
		return "Actor"
	case "place":
		return "Place"
	case "source":
		return "Source"
	case "estimate":
		return "Estimate"
	}
	return "Event"
}

func hitPath(h conflict.SearchHit) string {
	switch h.Kind {
	case "actor":
		return components.ActorPath(h.Slug)
	case "place":
		return components.PlacePath(h.Slug)
	case "source":
		return components.SourcePath(conflict.SourceID(h.ID))
	case "estimate":
		return components.EstimatePath(conflict.EstimateID(h.ID))
	case "quote":
		if h.InKind == conflict.EstimateRecord {
			return components.EstimatePath(conflict.EstimateID(h.InID))
		}
		return components.EventPath(conflict.EventID(h.InID), h.InSlug)
	}
	return components.EventPath(conflict.EventID(h.ID), h.Slug)
}

// hitDir is the direction a hit is laid out in: that of the first letter
// of its title (or, for a quote, of the record it supports). A result in
// Arabic script reads from the right, its date and passage with it.
func hitDir(h conflict.SearchHit) string {
	s := fragmentText(h.Title)
	if h.Kind == "quote" {
		s = h.InTitle
	}
	for _, r := range s {
		switch {
		case unicode.In(r, unicode.Arabic, unicode.Hebrew, unicode.Syriac, unicode.Thaana, unicode.Nko):
			return "rtl"
		case unicode.IsLetter(r):
			return "ltr"
		}
	}
	return "ltr"
}
