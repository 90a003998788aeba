package server

import (
	"net/http"
	"net/url"
	"strconv"

	"github.com/labstack/echo/v4"

	"github.com/sitrep/sitrep/internal/conflict"
	"github.com/sitrep/sitrep/web/components"
	"github.com/sitrep/sitrep/web/pages"
)

// activityPageSize is how many writes one page of the activity log lists.
const activityPageSize = 50

// adminActivity is /admin/activity: every write, newest first, filterable
// by user and record type, one page at a time.
func (s *Server) adminActivity(c echo.Context) error {
	ctx := c.Request().Context()
	q := c.QueryParams()
	f := conflict.ActivityFilter{Limit: activityPageSize}
	v := pages.ActivityView{Base: s.base(c, "Activity", "")}
	v.Canonical = ""
	if raw := q.Get("user"); raw != "" {
		id, err := strconv.ParseInt(raw, 10, 64)
		if err != nil || id <= 0 {
			return &conflict.Error{Code: conflict.Invalid, Message: "Choose a user from the list."}
		}
		f.UserID, v.User = conflict.UserID(id), id
	}
	if raw := q.Get("type"); raw != "" {
		switch rt := conflict.RecordType(raw); rt {
		case conflict.EventRecord, conflict.EstimateRecord, conflict.SourceRecord,
			conflict.ActorRecord, conflict.PlaceRecord, conflict.TimelineRecord:
			f.RecordType, v.Type = rt, raw
		default:
			return &conflict.Error{Code: conflict.Invalid, Message: "Choose a kind of record from the list."}
		}
	}
	if raw := q.Get("before"); raw != "" {
		id, err := strconv.ParseInt(raw, 10, 64)
		if err != nil || id <= 0 {
			return &conflict.Error{Code: conflict.Invalid, Message: "This page link is damaged: start from the newest page."}
		}
		f.Before = conflict.RevisionID(id)
	}
	page, err := s.db.FindActivity(ctx, f)
	if err != nil {
		return err
	}
	if v.Users, err = s.db.FindUsers(ctx); err != nil {
		return err
	}
	for _, a := range page.Items {
		v.Rows = append(v.Rows, activityRow(a))
	}
	keep := url.Values{}
	if v.User != 0 {
		keep.Set("user", strconv.FormatInt(v.User, 10))
	}
	if v.Type != "" {
		keep.Set("type", v.Type)
	}
	if page.Next != 0 {
		next := url.Values{}
		for k, vs := range keep {
			next[k] = vs
		}
		next.Set("before", strconv.FormatInt(int64(page.Next), 10))
		v.NextURL = "/admin/activity?" + next.Encode()
	}
	if f.Before != 0 {
		v.FirstURL = "/admin/activity"
		if len(keep) > 0 {
			v.FirstURL += "?" + keep.Encode()
		}
	}
	return s.render(c, http.StatusOK, pages.Activity(v))
}

// activityRow links a write to its record: the edit page of events and
// estimates, whatever their status, and the comparison with the revision
// before.
func activityRow(a conflict.Activity) pages.ActivityRow {
	r := pages.ActivityRow{At: a.CreatedAt, Author: a.AuthorName, Action: a.Action, Kind: string(a.RecordType),
		Title: a.Title, Number: a.Number, Summary: a.Summary, Unreviewed: a.Unreviewed}
	if r.Title == "" {
		r.Title = "(removed)"
	}
	switch a.RecordType {
	case conflict.EventRecord:
		r.URL = editEventPath(conflict.EventID(a.RecordID))
		r.DiffURL = components.EventDiffPath(conflict.EventID(a.RecordID), a.Number-1, a.Number)
	case conflict.EstimateRecord:
		r.URL = editEstimatePath(conflict.EstimateID(a.RecordID))
		r.DiffURL = components.EstimateDiffPath(conflict.EstimateID(a.RecordID), a.Number-1, a.Number)
	case conflict.SourceRecord:
		r.URL = components.SourcePath(conflict.SourceID(a.RecordID))
	case conflict.ActorRecord:
		r.URL = editActorPath(conflict.ActorID(a.RecordID))
	case conflict.PlaceRecord:
		r.URL = editPlacePath(conflict.PlaceID(a.RecordID))
	case conflict.TimelineRecord:
		r.URL = editTimelinePath(conflict.TimelineID(a.RecordID))
	}
	return r
}
