package server

import (
	"context"
	"net/http"
	"net/url"
	"strconv"

	"github.com/labstack/echo/v4"

	"github.com/sitrep/sitrep/internal/api"
	"github.com/sitrep/sitrep/internal/conflict"
	"github.com/sitrep/sitrep/internal/snapshot"
)

// changeLimit is how many changes a page of /api/v1/changes lists unless
// asked for another number, up to maxChangeLimit.
const (
	changeLimit    = 100
	maxChangeLimit = 1000
)

// currentRecord returns the record as readers see it now in place of rec,
// a record as its newest revision stored it, when the two are the same
// version. A revision keeps the records it mentions (an estimate's place,
// an event's actors) as the write was given them, and a write of many
// records at once (the demo, an import) stores them without reading them
// back; the record read now names them as every endpoint does. Should the
// record have moved on since the page was read, rec stands: a later change
// carries the new version.
func (s *Server) currentRecord(ctx context.Context, rec any) (any, error) {
	switch r := rec.(type) {
	case conflict.Event:
		return sameVersion(r, r.Version, func() (conflict.Event, int, error) {
			x, err := s.db.FindEventByID(ctx, r.ID)
			return x, x.Version, err
		})
	case conflict.Estimate:
		return sameVersion(r, r.Version, func() (conflict.Estimate, int, error) {
			x, err := s.db.FindEstimateByID(ctx, r.ID)
			if err == nil {
				err = s.placeCoordinates(ctx, &x)
			}
			return x, x.Version, err
		})
	case conflict.Source:
		return sameVersion(r, r.Version, func() (conflict.Source, int, error) {
			x, err := s.db.FindSourceByID(ctx, r.ID)
			return x, x.Version, err
		})
	case conflict.Actor:
		return sameVersion(r, r.Version, func() (conflict.Actor, int, error) {
			x, err := s.db.FindActorByID(ctx, r.ID)
			return x, x.Version, err
		})
	case conflict.Place:
		return sameVersion(r, r.Version, func() (conflict.Place, int, error) {
			x, err := s.db.FindPlaceByID(ctx, r.ID)
			return x, x.Version, err
		})
	case conflict.Timeline:
		return sameVersion(r, r.Version, func() (conflict.Timeline, int, error) {
			x, err := s.db.FindTimelineByID(ctx, r.ID)
			return x, x.Version, err
		})
	}
	return rec, nil
}

// placeCoordinates gives an estimate read alone the coordinates of its
// place, which the store reads for lists of estimates only: the API shows
// an estimate the same in its list and on its own.
func (s *Server) placeCoordinates(ctx context.Context, x *conflict.Estimate) error {
	if x.Place == nil || x.Place.Coordinates != nil {
		return nil
	}
	p, err := s.db.FindPlaceByID(ctx, x.Place.ID)
	if err != nil {
		return err
	}
	x.Place.Coordinates = p.Coordinates
	return nil
}

// sameVersion returns the record find reads when it is still at version,
// and otherwise rec.
func sameVersion[T any](rec T, version int, find func() (T, int, error)) (any, error) {
	cur, v, err := find()
	if err != nil {
		return nil, err
	}
	if v != version {
		return rec, nil
	}
	return cur, nil
}

// apiChanges is /api/v1/changes?since=CURSOR: every publication, edit of
// a public record and retraction since the cursor, oldest first, each with
// the record as readers then saw it. It is what a mirror replays: from
// the start it rebuilds the public record, and from its last cursor it
// brings a copy up to date. The answer depends only on the revisions, so
// it is cached and validated like every public GET (conditionalGet).
func (s *Server) apiChanges(c echo.Context) error {
	if err := checkParams(c, "since", "limit"); err != nil {
		return err
	}
	limit := changeLimit
	if v := c.QueryParam("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > maxChangeLimit {
			return badParam("limit", "limit is a whole number from 1 to 1000.")
		}
		limit = n
	}
	ctx := c.Request().Context()
	page, err := s.db.FindChanges(ctx, c.QueryParam("since"), limit)
	if _, bad := conflict.ErrorFields(err)["cursor"]; bad {
		return badParam("since", "That cursor is not one this list gave; start again without since, or from a cursor it gave.")
	}
	if err != nil {
		return err
	}
	l := s.links(c)
	out := api.ChangeList{Kind: api.KindChanges, Data: make([]api.Change, 0, len(page.Changes)), Cursor: page.Next, More: page.More}
	q := url.Values{"since": {page.Next}}
	if c.QueryParam("limit") != "" {
		q.Set("limit", strconv.Itoa(limit))
	}
	out.Next = s.absURL(c, apiPrefix+"/changes?"+q.Encode())
	for _, ch := range page.Changes {
		rec, err := snapshot.Decode(ch.RecordType, ch.Snapshot)
		if err != nil {
			return err
		}
		if ch.Latest {
			if rec, err = s.currentRecord(ctx, rec); err != nil {
				return err
			}
		}
		x, err := api.NewChange(ch.Revision, ch.Cursor, ch.What, rec, l)
		if err != nil {
			return err
		}
		out.Data = append(out.Data, x)
	}
	return writeJSON(c, http.StatusOK, out)
}
