package server

import (
	"context"
	"fmt"
	"html/template"
	"strings"

	"github.com/sitrep/sitrep/internal/conflict"
	"github.com/sitrep/sitrep/internal/markdown"
	"github.com/sitrep/sitrep/web/pages"
)

// timelineParts are the parts of a timeline's page that are the same for
// every reader until the next write: its description, and the chart of
// its force's size, drawn. The chart alone is half of the page, and was
// drawn anew for every reader.
type timelineParts struct {
	description template.HTML
	excerpt     string
	// summary is the drawn section of the force's estimates, "" when the
	// timeline follows no one force.
	summary string
}

// timelinePartsKept bounds the timelines whose parts are kept.
const timelinePartsKept = 64

// timelineParts returns t's parts at the data version, drawing them when
// they are not kept. They are kept by the timeline's version too, since
// the caller's copy of the timeline may be older than the data version.
func (s *Server) timelineParts(ctx context.Context, t conflict.Timeline) (timelineParts, error) {
	version, err := s.db.LastChange(ctx)
	if err != nil {
		return timelineParts{}, err
	}
	key := fmt.Sprintf("%d|%d", t.ID, t.Version)
	return s.timelinePages.parts.Get(version, key, timelinePartsKept, nil, func() (timelineParts, error) {
		p := timelineParts{description: s.md.Render(t.Description), excerpt: markdown.Excerpt(t.Description, 200)}
		if len(t.Filter.Actors) != 1 {
			return p, nil
		}
		// A timeline of one force opens with the chart of its size.
		force, err := s.db.FindActorByID(ctx, t.Filter.Actors[0])
		if err != nil {
			return p, err
		}
		est, err := s.forceEstimates(ctx, force.Ref(), t.Filter.From, t.Filter.To, "timeline-chart")
		if err != nil {
			return p, err
		}
		var b strings.Builder
		if err := pages.ActorEstimatesSection(est).Render(ctx, &b); err != nil {
			return p, err
		}
		p.summary = b.String()
		return p, nil
	})
}
