package server

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"

	"github.com/labstack/echo/v4"

	"github.com/sitrep/sitrep/internal/conflict"
	"github.com/sitrep/sitrep/internal/diff"
	"github.com/sitrep/sitrep/internal/snapshot"
	"github.com/sitrep/sitrep/internal/sqlite"
	"github.com/sitrep/sitrep/web/components"
	"github.com/sitrep/sitrep/web/pages"
)

// The review queue, /review: every submission and every pending edit,
// each shown as readers will see it once decided (its body rendered, its
// sources as links, the records it brings that are not public yet marked
// new) beside the raw diff of what it changes, with one form to decide it
// and a comment. Filters choose a kind of record and an editor.

// reviewQueue is /review.
func (s *Server) reviewQueue(c echo.Context) error {
	return s.renderReviewProblems(c, http.StatusOK, nil)
}

// reviewKey names one record of the queue, for a failed action's messages.
func reviewKey(kind string, id int64) string { return kind + "-" + strconv.FormatInt(id, 10) }

// reviewProblem is what a refused decision shows beside its item: the
// messages by field ("action", "reject.note", "return.note"), the comment
// as typed, and for an edit conflict what changed since the edit was made.
type reviewProblem struct {
	Errors    map[string]string
	Note      string
	Since     []diff.FieldChange
	SinceText string
}

// renderReview shows the queue; errs holds a failed workflow action's
// messages for the record it was taken on.
func (s *Server) renderReview(c echo.Context, status int, errs map[string]map[string]string) error {
	probs := make(map[string]reviewProblem, len(errs))
	for k, e := range errs {
		probs[k] = reviewProblem{Errors: e, Note: c.FormValue("note")}
	}
	return s.renderReviewProblems(c, status, probs)
}

// reviewFilter is the queue's choice of kind and editor.
type reviewFilter struct {
	kind   conflict.RecordType
	editor conflict.UserID
}

func reviewFilterOf(kind, editor string) reviewFilter {
	var f reviewFilter
	if slices.Contains(reviewKinds, conflict.RecordType(kind)) {
		f.kind = conflict.RecordType(kind)
	}
	if id, err := strconv.ParseInt(editor, 10, 64); err == nil && id > 0 {
		f.editor = conflict.UserID(id)
	}
	return f
}

func (f reviewFilter) query() string {
	q := url.Values{}
	if f.kind != "" {
		q.Set("kind", string(f.kind))
	}
	if f.editor != 0 {
		q.Set("editor", strconv.FormatInt(int64(f.editor), 10))
	}
	return q.Encode()
}

// reviewKinds are the kinds of record the queue can be filtered by.
var reviewKinds = []conflict.RecordType{conflict.EventRecord, conflict.EstimateRecord, conflict.SourceRecord,
	conflict.ActorRecord, conflict.PlaceRecord, conflict.TimelineRecord}

// renderReviewProblems shows the queue, filtered as the request asks
// (the query, or the fields a decision's form carried); probs holds the
// messages of a refused decision by item.
func (s *Server) renderReviewProblems(c echo.Context, status int, probs map[string]reviewProblem) error {
	ctx := c.Request().Context()
	f := reviewFilterOf(c.QueryParam("kind"), c.QueryParam("editor"))
	if c.Request().Method == http.MethodPost {
		f = reviewFilterOf(c.FormValue("kind"), c.FormValue("editor"))
	}
	after := c.QueryParam("after")
	if c.Request().Method == http.MethodPost {
		after = c.FormValue("after")
	}
	q, err := s.db.FindQueue(ctx, sqlite.QueueFilter{Kind: f.kind, Editor: f.editor, After: after})
	if err != nil {
		return err
	}
	v := pages.ReviewView{Base: s.base(c, "Review queue", "review"), Kind: string(f.kind), Editor: int64(f.editor),
		Submissions: q.Submissions, Pending: q.Edits}
	v.Canonical, v.After = "", after
	for _, k := range reviewKinds {
		v.Kinds = append(v.Kinds, string(k))
		v.Waiting = append(v.Waiting, q.Waiting[k])
	}
	for _, e := range q.Editors {
		v.Editors = append(v.Editors, pages.ReviewEditor{ID: int64(e.ID), Name: e.Name})
	}
	for _, it := range q.Items {
		if it.Submission != nil {
			item, err := s.reviewItem(c, *it.Submission)
			if err != nil {
				return err
			}
			item.Problem(probs[reviewKey(item.Kind, item.ID)].view())
			v.Items = append(v.Items, item)
			continue
		}
		item, err := s.pendingItem(c, *it.Edit)
		if err != nil {
			return err
		}
		item.Problem(probs[pendingKey(it.Edit.ID)].view())
		v.Items = append(v.Items, item)
	}
	if after != "" {
		v.FirstPage = "/review"
		if fq := f.query(); fq != "" {
			v.FirstPage += "?" + fq
		}
	}
	if q.Next != "" {
		nq, _ := url.ParseQuery(f.query())
		nq.Set("after", q.Next)
		v.NextPage = "/review?" + nq.Encode()
	}
	v.Filtered = f.kind != "" || f.editor != 0
	if v.Claimants, err = s.claimantProposalRows(c); err != nil {
		return err
	}
	return s.render(c, status, pages.Review(v))
}

func (p reviewProblem) view() pages.ReviewProblem {
	return pages.ReviewProblem{Errors: p.Errors, Note: p.Note, Since: p.Since, SinceText: p.SinceText}
}

// snapshotState is what the queue reads of a submission's snapshot: the
// version its buttons act on and whether it cites anything.
type snapshotState struct {
	Version    int
	Status     conflict.Status
	StatusNote string
	Citations  []conflict.Citation
}

// readSnapshotState decodes the snapshot of a record of type rt, in any
// version of the snapshot format, for the queue.
func readSnapshotState(rt conflict.RecordType, data []byte) (snapshotState, error) {
	rec, err := snapshot.Decode(rt, data)
	if err != nil {
		return snapshotState{}, err
	}
	switch r := rec.(type) {
	case conflict.Event:
		return snapshotState{Version: r.Version, Status: r.Status, StatusNote: r.StatusNote, Citations: r.Citations}, nil
	case conflict.Estimate:
		return snapshotState{Version: r.Version, Status: r.Status, StatusNote: r.StatusNote, Citations: r.Citations}, nil
	case conflict.Source:
		return snapshotState{Version: r.Version, Status: r.Status, StatusNote: r.StatusNote}, nil
	case conflict.Actor:
		return snapshotState{Version: r.Version, Status: r.Status, StatusNote: r.StatusNote}, nil
	case conflict.Place:
		return snapshotState{Version: r.Version, Status: r.Status, StatusNote: r.StatusNote}, nil
	case conflict.Timeline:
		return snapshotState{Version: r.Version, Status: r.Status, StatusNote: r.StatusNote}, nil
	}
	return snapshotState{}, fmt.Errorf("no review state for a %T", rec)
}

func (s *Server) reviewItem(c echo.Context, sub conflict.Submission) (pages.ReviewItem, error) {
	var base []byte
	against := "A new " + string(sub.RecordType) + ": nothing of it has been reviewed yet, so every field it has is shown as added."
	if sub.Reviewed != nil {
		base = sub.Reviewed.Snapshot
		against = fmt.Sprintf("Compared with revision %d (%s by %s), the last a reviewer decided on.",
			sub.Reviewed.Number, sub.Reviewed.Action.Label(), sub.Reviewed.AuthorName)
	}
	changes, err := diff.Snapshots(sub.RecordType, base, sub.Latest.Snapshot)
	if err != nil {
		return pages.ReviewItem{}, fmt.Errorf("%s %d: %w", sub.RecordType, sub.RecordID, err)
	}
	st, err := readSnapshotState(sub.RecordType, sub.Latest.Snapshot)
	if err != nil {
		return pages.ReviewItem{}, fmt.Errorf("%s %d revision %d: %w", sub.RecordType, sub.RecordID, sub.Latest.Number, err)
	}
	item := pages.ReviewItem{
		Kind: string(sub.RecordType), ID: sub.RecordID, Title: sub.Title,
		SubmittedBy: sub.Latest.AuthorName, At: sub.Latest.CreatedAt, Summary: sub.Latest.Summary,
		Against: against, Changes: changes, Version: st.Version, Citations: len(st.Citations),
		CSRF: csrfToken(c),
	}
	if item.Preview, err = s.reviewPreview(c, sub.RecordType, sub.Latest.Snapshot); err != nil {
		return item, err
	}
	item.EditURL = recordEditPath(sub.RecordType, sub.RecordID)
	switch sub.RecordType {
	case conflict.EventRecord:
		if sub.Reviewed != nil {
			item.DiffURL = components.EventDiffPath(conflict.EventID(sub.RecordID), sub.Reviewed.Number, sub.Latest.Number)
		}
	case conflict.EstimateRecord:
		if sub.Reviewed != nil {
			item.DiffURL = components.EstimateDiffPath(conflict.EstimateID(sub.RecordID), sub.Reviewed.Number, sub.Latest.Number)
		}
	}
	base2 := fmt.Sprintf("/review/%ss/%d", sub.RecordType, sub.RecordID)
	item.AcceptAction, item.ReturnAction = base2+"/publish", base2+"/reject"
	item.AcceptLabel, item.ReturnLabel, item.NoteField = "Publish", "Return to its author", "reject.note"
	return item, nil
}

// pendingItem is a pending edit in the queue, diffed against the record
// as readers see it now.
func (s *Server) pendingItem(c echo.Context, p conflict.PendingEdit) (pages.ReviewItem, error) {
	ctx := c.Request().Context()
	cur, err := s.db.LatestRevision(ctx, p.RecordType, p.RecordID)
	if err != nil {
		return pages.ReviewItem{}, err
	}
	changes, err := diff.Snapshots(p.RecordType, cur.Snapshot, p.Snapshot)
	if err != nil {
		return pages.ReviewItem{}, fmt.Errorf("pending edit %d: %w", p.ID, err)
	}
	title := p.Title
	if t, err := recordTitle(p.RecordType, p.Snapshot); err == nil && t != "" {
		title = t
	}
	item := pages.ReviewItem{
		Kind: string(p.RecordType), ID: p.RecordID, PendingID: int64(p.ID), Title: title,
		SubmittedBy: p.AuthorName, At: p.CreatedAt, Summary: p.Summary, Changes: changes,
		Against: fmt.Sprintf("An edit of the published %s, compared with what readers see now (revision %d).", p.RecordType, cur.Number),
		CSRF:    csrfToken(c),
	}
	if item.Preview, err = s.reviewPreview(c, p.RecordType, p.Snapshot); err != nil {
		return item, err
	}
	item.RecordURL = s.recordPublicPath(c, p.RecordType, p.RecordID)
	item.HistoryURL = recordHistoryPath(p.RecordType, p.RecordID)
	base := fmt.Sprintf("/review/pending/%d", p.ID)
	item.AcceptAction, item.ReturnAction = base+"/accept", base+"/return"
	item.AcceptLabel, item.ReturnLabel, item.NoteField = "Accept the edit", "Return to its author", "return.note"
	if u := currentUser(c); u != nil && p.Author != nil && *p.Author == u.ID && s.db.ReviewRule().Independent() {
		item.Own = "You made this edit, so another reviewer must accept it. You may withdraw it from your desk."
	}
	return item, nil
}

// recordEditPath is the editor's form of a record.
func recordEditPath(rt conflict.RecordType, id int64) string {
	return fmt.Sprintf("/edit/%ss/%d", rt, id)
}

// recordHistoryPath is a record's history, "" for kinds without one.
func recordHistoryPath(rt conflict.RecordType, id int64) string {
	switch rt {
	case conflict.EventRecord:
		return components.EventHistoryPath(conflict.EventID(id))
	case conflict.EstimateRecord:
		return components.EstimateHistoryPath(conflict.EstimateID(id))
	}
	return ""
}

// recordPublicPath is a record's public page, "" when it cannot be found.
func (s *Server) recordPublicPath(c echo.Context, rt conflict.RecordType, id int64) string {
	ctx := c.Request().Context()
	switch rt {
	case conflict.EventRecord:
		if e, err := s.db.FindEventByID(ctx, conflict.EventID(id)); err == nil {
			return components.EventPath(e.ID, e.Slug)
		}
	case conflict.EstimateRecord:
		return components.EstimatePath(conflict.EstimateID(id))
	case conflict.SourceRecord:
		return fmt.Sprintf("/sources/%d", id)
	case conflict.ActorRecord:
		if a, err := s.db.FindActorByID(ctx, conflict.ActorID(id)); err == nil {
			return "/actors/" + a.Slug
		}
	case conflict.PlaceRecord:
		if p, err := s.db.FindPlaceByID(ctx, conflict.PlaceID(id)); err == nil {
			return "/places/" + p.Slug
		}
	case conflict.TimelineRecord:
		if t, err := s.db.FindTimelineByID(ctx, conflict.TimelineID(id)); err == nil {
			return "/timelines/" + t.Slug
		}
	}
	return ""
}

// recordTitle is the title (or name) a snapshot gives its record.
func recordTitle(rt conflict.RecordType, data []byte) (string, error) {
	rec, err := snapshot.Decode(rt, data)
	if err != nil {
		return "", err
	}
	switch r := rec.(type) {
	case conflict.Event:
		return r.Title, nil
	case conflict.Estimate:
		return r.Title(), nil
	case conflict.Source:
		return r.Title, nil
	case conflict.Actor:
		return r.Name, nil
	case conflict.Place:
		return r.Name, nil
	case conflict.Timeline:
		return r.Title, nil
	}
	return "", nil
}

// reviewPreview shows a record's snapshot as its public page would: the
// facts a reader sees first, the body rendered, and the sources it cites
// as links. Records it names that readers cannot see yet are marked new:
// they are published with it.
func (s *Server) reviewPreview(c echo.Context, rt conflict.RecordType, data []byte) (pages.ReviewPreview, error) {
	rec, err := snapshot.Decode(rt, data)
	if err != nil {
		return pages.ReviewPreview{}, fmt.Errorf("%s preview: %w", rt, err)
	}
	var (
		pv    pages.ReviewPreview
		body  string
		cites []conflict.Citation
		refs  = map[conflict.RecordType][]int64{}
	)
	actor := func(a conflict.ActorRef, suffix string) pages.PreviewValue {
		refs[conflict.ActorRecord] = append(refs[conflict.ActorRecord], int64(a.ID))
		return pages.PreviewValue{Text: a.Name + suffix, Kind: conflict.ActorRecord, ID: int64(a.ID)}
	}
	place := func(p *conflict.PlaceRef) pages.PreviewValue {
		refs[conflict.PlaceRecord] = append(refs[conflict.PlaceRecord], int64(p.ID))
		return pages.PreviewValue{Text: p.Name, Kind: conflict.PlaceRecord, ID: int64(p.ID)}
	}
	text := func(label string, values ...string) {
		var vs []pages.PreviewValue
		for _, v := range values {
			if v != "" {
				vs = append(vs, pages.PreviewValue{Text: v})
			}
		}
		if len(vs) > 0 {
			pv.Facts = append(pv.Facts, pages.PreviewFact{Label: label, Values: vs})
		}
	}
	switch r := rec.(type) {
	case conflict.Event:
		pv.Title, body, cites = r.Title, r.Body, r.Citations
		text("Date", r.Date.Display())
		if r.Place != nil {
			pv.Facts = append(pv.Facts, pages.PreviewFact{Label: "Place", Values: []pages.PreviewValue{place(r.Place)}})
		}
		if len(r.Actors) > 0 {
			fact := pages.PreviewFact{Label: "Actors"}
			for _, a := range r.Actors {
				suffix := ""
				if a.Role != "" {
					suffix = " (" + a.Role + ")"
				}
				fact.Values = append(fact.Values, actor(a.Actor, suffix))
			}
			pv.Facts = append(pv.Facts, fact)
		}
		text("Tags", r.Tags...)
		text("Links", relationLines(r.Relations)...)
	case conflict.Estimate:
		pv.Title, body, cites = r.Title(), r.Notes, r.Citations
		pv.Facts = append(pv.Facts, pages.PreviewFact{Label: "Force", Values: []pages.PreviewValue{actor(r.Force, "")}})
		text("Count", r.ValueText()+" "+r.Unit)
		text("As of", r.AsOf.Display())
		if r.Place != nil {
			pv.Facts = append(pv.Facts, pages.PreviewFact{Label: "Place", Values: []pages.PreviewValue{place(r.Place)}})
		}
		text("Claimed by", r.Claimant)
		// A claimant no reader sees yet is described by editors alone;
		// publishing the estimate shows its kind and affiliation, so the
		// reviewer reads them here, as they stand now.
		if cr := r.ClaimantRecord; cr != nil {
			cl, err := s.db.FindClaimantByID(c.Request().Context(), cr.ID)
			if err != nil && conflict.ErrorCode(err) != conflict.NotFound {
				return pages.ReviewPreview{}, err
			}
			if err == nil {
				text("Kind of claimant", cl.Type.Label())
				if a := cl.Affiliation; a != nil {
					text("Claimant belongs to", a.Name)
				}
			}
		}
		text("Links", relationLines(r.Relations)...)
	case conflict.Source:
		pv.Title, body = r.Heading(), r.Notes
		text("Publisher", r.Publisher)
		text("Published", r.Published.Display())
		text("Authors", r.Authors...)
		if r.HasAddress() {
			pv.Links = append(pv.Links, pages.PreviewSource{Title: r.Heading(), Publisher: r.Publisher, URL: r.URL})
		}
		if r.ArchivedURL != "" {
			pv.Links = append(pv.Links, pages.PreviewSource{Title: "Archived copy", URL: r.ArchivedURL})
		}
	case conflict.Actor:
		pv.Title, body = r.Name, r.Description
		text("Kind", r.Kind)
		text("Also known as", r.Aliases...)
		if r.Parent != nil {
			pv.Facts = append(pv.Facts, pages.PreviewFact{Label: "Part of", Values: []pages.PreviewValue{actor(*r.Parent, "")}})
		}
	case conflict.Place:
		pv.Title, body = r.Name, r.Description
		text("Kind", r.Kind)
		for _, n := range r.AltNames {
			text("Also known as", n.Name)
		}
		if r.Parent != nil {
			pv.Facts = append(pv.Facts, pages.PreviewFact{Label: "In", Values: []pages.PreviewValue{place(r.Parent)}})
		}
	case conflict.Timeline:
		pv.Title, body = r.Title, r.Description
	}
	for _, ct := range cites {
		refs[conflict.SourceRecord] = append(refs[conflict.SourceRecord], int64(ct.Source.ID))
		link := pages.PreviewSource{Title: ct.Source.Heading(), Publisher: ct.Source.Publisher,
			Quote: ct.Quote, Locator: ct.Locator, ID: int64(ct.Source.ID)}
		if ct.Source.HasAddress() {
			link.URL = ct.Source.URL
		}
		pv.Links = append(pv.Links, link)
	}
	if body != "" {
		pv.Body = s.md.Render(body)
	}
	fresh, err := s.db.Unpublished(c.Request().Context(), refs)
	if err != nil {
		return pv, err
	}
	for i := range pv.Facts {
		for j, v := range pv.Facts[i].Values {
			pv.Facts[i].Values[j].New = v.ID != 0 && fresh[v.Kind][v.ID]
		}
	}
	for i, l := range pv.Links {
		pv.Links[i].New = l.ID != 0 && fresh[conflict.SourceRecord][l.ID]
	}
	return pv, nil
}

// eventRevert restores an event's content to an earlier revision, as a new
// revision.
func (s *Server) eventRevert(c echo.Context) error {
	id, err := pathID(c, "event")
	if err != nil {
		return err
	}
	f, n, err := readRevertForm(c)
	if err != nil {
		return err
	}
	e, pending, err := s.db.RevertEvent(c.Request().Context(), conflict.EventID(id), n, f.version, change(c, f.note))
	if err != nil {
		return revertFailed(err, "event", n)
	}
	if pending != nil {
		s.flash(c, fmt.Sprintf("Restoring revision %d waits for a second reviewer: readers see the event as it is until someone else accepts it.", n))
		return c.Redirect(http.StatusSeeOther, components.EventHistoryPath(conflict.EventID(id)))
	}
	s.flash(c, fmt.Sprintf("Revision %d is restored, as a new revision.", n))
	return c.Redirect(http.StatusSeeOther, components.EventHistoryPath(e.ID))
}

// estimateRevert restores an estimate's content to an earlier revision.
func (s *Server) estimateRevert(c echo.Context) error {
	id, err := pathID(c, "estimate")
	if err != nil {
		return err
	}
	f, n, err := readRevertForm(c)
	if err != nil {
		return err
	}
	x, pending, err := s.db.RevertEstimate(c.Request().Context(), conflict.EstimateID(id), n, f.version, change(c, f.note))
	if err != nil {
		return revertFailed(err, "estimate", n)
	}
	if pending != nil {
		s.flash(c, fmt.Sprintf("Restoring revision %d waits for a second reviewer: readers see the estimate as it is until someone else accepts it.", n))
		return c.Redirect(http.StatusSeeOther, components.EstimateHistoryPath(conflict.EstimateID(id)))
	}
	s.flash(c, fmt.Sprintf("Revision %d is restored, as a new revision.", n))
	return c.Redirect(http.StatusSeeOther, components.EstimateHistoryPath(x.ID))
}

// readRevertForm reads a revert button's form: the version the history
// showed, the revision to restore and an optional summary (in note).
func readRevertForm(c echo.Context) (workflowForm, int, error) {
	f, err := readWorkflowForm(c)
	if err != nil {
		return f, 0, err
	}
	f.note = c.FormValue("summary")
	n, err := strconv.Atoi(c.FormValue("revision"))
	if err != nil || n < 1 {
		return f, 0, &conflict.Error{Code: conflict.Invalid, Message: "Choose the revision to restore by its number."}
	}
	return f, n, nil
}

// revertFailed words a refused revert for the error page.
func revertFailed(err error, kind string, n int) error {
	if conflict.ErrorCode(err) == conflict.Conflict {
		return &conflict.Error{Code: conflict.Conflict, Message: fmt.Sprintf(
			"This %s changed since you opened its history, so revision %d was not restored: reload the history, check the newest revision, and try again.", kind, n)}
	}
	if conflict.ErrorCode(err) == conflict.Invalid {
		msg := fmt.Sprintf("Revision %d cannot be restored: %s", n, conflict.ErrorMessage(err))
		if f := conflict.ErrorFields(err); len(f) > 0 {
			msg += " (" + f.String() + ")"
		}
		return &conflict.Error{Code: conflict.Invalid, Message: msg}
	}
	return err
}
