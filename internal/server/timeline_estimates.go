package server

import (
	"context"
	"fmt"
	"slices"
	"sort"

	"github.com/sitrep/sitrep/internal/conflict"
	"github.com/sitrep/sitrep/internal/versioned"
)

// A timeline with estimates counts them, and reads those of each page's
// span of dates, for every reader: at a force's thousands of estimates a
// timeline, most of the page's cost. Both are kept until the next write.
// Every reader's end cuts the same list of the timeline's estimates, so
// its first keys count them all; a page's span is read once and shared by
// the readers whose pages are the same (all those ending past the
// timeline's own end, say).
type timelinePageCache struct {
	// heads are the as-of keys of the first estimates of a timeline's
	// whole list, in as-of order.
	heads versioned.Cache[string, []string]
	// spans are the estimates of a span of a timeline, by filter.
	spans versioned.Cache[string, []conflict.Estimate]
	// parts are the parts of timelines' pages (timeline_parts.go).
	parts versioned.Cache[string, timelineParts]
}

// timelineEstimateHeads bounds the heads kept, in keys.
const timelineEstimateHeads = 64 * (estimateCountLimit + 1)

// timelineEstimateSpans bounds the estimates of spans kept: a few hundred
// bytes each with their first citations.
const timelineEstimateSpans = 5000

// countTimelineEstimates counts the estimates ef chooses of timeline t, as
// CountEstimates would up to estimateCountLimit: ef is t's estimates
// (timelineEstimates) cut at the reader's end.
func (s *Server) countTimelineEstimates(ctx context.Context, ef conflict.EstimateFilter, t *conflict.Timeline) (int, bool, error) {
	version, err := s.db.LastChange(ctx)
	if err != nil {
		return 0, false, err
	}
	whole := ef
	whole.To, whole.NewestFirst, whole.Limit = t.Filter.To, false, estimateCountLimit+1
	keys, err := s.timelinePages.heads.Get(version, fmt.Sprintf("%+v", whole), timelineEstimateHeads,
		func(keys []string) int { return 1 + len(keys) },
		func() ([]string, error) {
			xs, err := s.db.FindEstimates(ctx, whole)
			if err != nil {
				return nil, err
			}
			keys := make([]string, len(xs))
			for i := range xs {
				keys[i] = xs[i].AsOf.LowerKey()
			}
			return keys, nil
		})
	if err != nil {
		return 0, false, err
	}
	// The reader's end is never past the timeline's own, so the list it
	// ends is the whole list's keys up to it.
	n := len(keys)
	if !ef.To.IsZero() {
		end := ef.To.UpperKey()
		n = sort.Search(len(keys), func(i int) bool { return keys[i] > end })
	}
	if n > estimateCountLimit {
		return estimateCountLimit, true, nil
	}
	return n, false, nil
}

// findSpanEstimates is FindEstimates of a timeline's span, kept.
func (s *Server) findSpanEstimates(ctx context.Context, ef conflict.EstimateFilter) ([]conflict.Estimate, error) {
	version, err := s.db.LastChange(ctx)
	if err != nil {
		return nil, err
	}
	xs, err := s.timelinePages.spans.Get(version, fmt.Sprintf("%+v", ef), versioned.Scaled(timelineEstimateSpans),
		func(xs []conflict.Estimate) int { return 1 + len(xs) },
		func() ([]conflict.Estimate, error) { return s.db.FindEstimates(ctx, ef) })
	// Pages point into their own copy of the list kept.
	return slices.Clone(xs), err
}
