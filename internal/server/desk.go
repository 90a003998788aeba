package server

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/sitrep/sitrep/internal/conflict"
	"github.com/sitrep/sitrep/internal/sqlite"
	"github.com/sitrep/sitrep/web/pages"
)

// editorDesk is /edit, the signed-in user's desk: what reviewers returned
// to them with their comments, their drafts, what waits for review and
// what was published lately, each with the link to go on working.
func (s *Server) editorDesk(c echo.Context) error {
	u := currentUser(c)
	ctx := c.Request().Context()
	v := pages.DeskView{Base: s.base(c, "Your desk", "desk"), Counts: map[string]int{}, More: map[string][]pages.DeskLink{}}
	v.Canonical = ""
	csrf := csrfToken(c)
	if list := sqlite.DeskList(c.QueryParam("list")); list != "" {
		// One list of the desk, a page at a time.
		if !slices.Contains(sqlite.DeskLists, list) {
			return &conflict.Error{Code: conflict.NotFound, Message: "Your desk has no such list."}
		}
		p, err := s.db.FindDeskList(ctx, u.ID, list, c.QueryParam("after"), 0)
		if err != nil {
			return err
		}
		v.List, v.ListTitle, v.Total = deskSectionOf[list], deskListTitles[list], p.Total
		v.Title = deskListTitles[list] + " · Your desk"
		v.Add(deskSectionOf[list], deskEntries(list, p.Records, p.Edits, csrf)...)
		if p.Next != "" {
			v.NextPage = "/edit?" + url.Values{"list": {string(list)}, "after": {p.Next}}.Encode()
		}
		return s.render(c, http.StatusOK, pages.Desk(v))
	}
	d, err := s.db.FindDesk(ctx, u.ID)
	if err != nil {
		return err
	}
	lists := map[sqlite.DeskList]func() []pages.DeskEntry{
		sqlite.DeskReturned:  func() []pages.DeskEntry { return deskEntries(sqlite.DeskReturned, nil, d.Returned, csrf) },
		sqlite.DeskRejected:  func() []pages.DeskEntry { return deskEntries(sqlite.DeskRejected, d.Rejected, nil, csrf) },
		sqlite.DeskDrafts:    func() []pages.DeskEntry { return deskEntries(sqlite.DeskDrafts, d.Drafts, nil, csrf) },
		sqlite.DeskSubmitted: func() []pages.DeskEntry { return deskEntries(sqlite.DeskSubmitted, d.Submitted, nil, csrf) },
		sqlite.DeskPending:   func() []pages.DeskEntry { return deskEntries(sqlite.DeskPending, nil, d.Pending, csrf) },
		sqlite.DeskAccepted:  func() []pages.DeskEntry { return deskEntries(sqlite.DeskAccepted, nil, d.Accepted, csrf) },
		sqlite.DeskPublished: func() []pages.DeskEntry { return deskEntries(sqlite.DeskPublished, d.Published, nil, csrf) },
	}
	for _, l := range deskOrder {
		section := deskSectionOf[l]
		entries := lists[l]()
		v.Add(section, entries...)
		if n := d.Total[l]; n >= 0 {
			v.Counts[section] += n
		} else {
			v.Counts[section] += len(entries)
		}
		if d.Next[l] != "" {
			v.More[section] = append(v.More[section], pages.DeskLink{
				URL: "/edit?list=" + string(l), Text: deskMoreText(l, d.Total[l]),
			})
		}
	}
	return s.render(c, http.StatusOK, pages.Desk(v))
}

// deskOrder is the order the desk's lists fill its sections in.
var deskOrder = []sqlite.DeskList{sqlite.DeskReturned, sqlite.DeskRejected, sqlite.DeskDrafts,
	sqlite.DeskSubmitted, sqlite.DeskPending, sqlite.DeskAccepted, sqlite.DeskPublished}

// deskSectionOf is the section of the desk each list shows in.
var deskSectionOf = map[sqlite.DeskList]string{
	sqlite.DeskReturned: "returned", sqlite.DeskRejected: "returned", sqlite.DeskDrafts: "drafts",
	sqlite.DeskSubmitted: "waiting", sqlite.DeskPending: "waiting",
	sqlite.DeskAccepted: "published", sqlite.DeskPublished: "published",
}

// deskListTitles head a page of one list.
var deskListTitles = map[sqlite.DeskList]string{
	sqlite.DeskReturned: "Edits returned to you", sqlite.DeskRejected: "Your rejected submissions",
	sqlite.DeskDrafts: "Your drafts", sqlite.DeskSubmitted: "Your submissions waiting for review",
	sqlite.DeskPending: "Your edits waiting for review", sqlite.DeskAccepted: "Your accepted edits",
	sqlite.DeskPublished: "Your published work",
}

// deskMoreText is the link from the desk to the whole of a list.
func deskMoreText(l sqlite.DeskList, total int) string {
	switch l {
	case sqlite.DeskPublished:
		return "Show older published work"
	case sqlite.DeskReturned:
		return fmt.Sprintf("Show all %d returned edits", total)
	case sqlite.DeskRejected:
		return fmt.Sprintf("Show all %d rejected submissions", total)
	case sqlite.DeskDrafts:
		return fmt.Sprintf("Show all %d drafts", total)
	case sqlite.DeskSubmitted:
		return fmt.Sprintf("Show all %d submissions waiting", total)
	case sqlite.DeskPending:
		return fmt.Sprintf("Show all %d edits waiting", total)
	}
	return fmt.Sprintf("Show all %d accepted edits", total)
}

// deskEntries are the desk's entries of one list's records or edits.
func deskEntries(l sqlite.DeskList, records []sqlite.DeskRecord, edits []conflict.PendingEdit, csrf string) []pages.DeskEntry {
	var out []pages.DeskEntry
	for _, p := range edits {
		e := pendingEntry(p)
		switch l {
		case sqlite.DeskReturned:
			e.State = "Edit returned"
			e.Comment, e.CommentBy, e.At = p.Note, p.DeciderName, p.DecidedAt
			// The form opens with the returned edit in it, not the record as
			// published: nothing the editor typed is to be typed again.
			e.Action, e.ActionLabel = redoPath(p), "Edit again"
		case sqlite.DeskPending:
			e.State = "Edit waiting for review"
			e.WithdrawAction, e.CSRF = fmt.Sprintf("/edit/pending/%d/withdraw", p.ID), csrf
		case sqlite.DeskAccepted:
			e.State = "Edit accepted"
			if p.DeciderName != "" {
				e.State += " by " + p.DeciderName
			}
			e.At = p.DecidedAt
		}
		out = append(out, e)
	}
	for _, r := range records {
		e := recordEntry(r)
		switch l {
		case sqlite.DeskRejected:
			e.Comment = r.StatusNote
			e.ActionLabel = "Edit again"
		case sqlite.DeskDrafts:
			e.ActionLabel = "Go on editing"
		case sqlite.DeskSubmitted:
			e.ActionLabel = "Open"
		case sqlite.DeskPublished:
			e.ActionLabel = "Edit"
		}
		out = append(out, e)
	}
	return out
}

// recordEntry is one of the user's records on the desk.
func recordEntry(r sqlite.DeskRecord) pages.DeskEntry {
	return pages.DeskEntry{
		Kind: string(r.RecordType), Title: r.Title, State: r.Status.Label(), At: r.At,
		URL: recordPagePath(r.RecordType, r.RecordID, r.Status), Action: recordEditPath(r.RecordType, r.RecordID),
	}
}

// pendingEntry is one of the user's edits to a published record.
func pendingEntry(p conflict.PendingEdit) pages.DeskEntry {
	title := p.Title
	if t, err := recordTitle(p.RecordType, p.Snapshot); err == nil && t != "" {
		title = t
	}
	return pages.DeskEntry{
		Kind: string(p.RecordType), Title: title, At: p.CreatedAt, Summary: p.Summary,
		URL:     fmt.Sprintf("/edit/pending/%d", p.ID),
		History: recordHistoryPath(p.RecordType, p.RecordID),
	}
}

// recordPagePath is where the desk links a record: its public page when
// it has one readers can see, else its form.
func recordPagePath(rt conflict.RecordType, id int64, st conflict.Status) string {
	if !st.Public() {
		return recordEditPath(rt, id)
	}
	switch rt {
	case conflict.EventRecord, conflict.EstimateRecord, conflict.SourceRecord:
		return fmt.Sprintf("/%ss/%d", rt, id)
	}
	return recordEditPath(rt, id)
}

// deskCount is the number the header shows beside the desk: what was
// returned to the signed-in user and is not answered yet. A failure to
// count is logged and shows no number rather than failing the page.
func (s *Server) deskCount(c echo.Context, u *conflict.User) int {
	if u == nil || strings.HasPrefix(c.Path(), "/api/") {
		return 0
	}
	n, err := s.db.CountReturned(c.Request().Context(), u.ID)
	if err != nil {
		s.log.Warn("desk count", "err", err)
		return 0
	}
	return n
}
