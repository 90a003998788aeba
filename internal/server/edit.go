package server

import (
	"context"
	"errors"
	"fmt"
	"html"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/sitrep/sitrep/internal/conflict"
	"github.com/sitrep/sitrep/internal/diff"
	"github.com/sitrep/sitrep/internal/form"
	"github.com/sitrep/sitrep/internal/sqlite"
	"github.com/sitrep/sitrep/web/components"
	"github.com/sitrep/sitrep/web/pages"
)

// The editor's forms share one shape (see admin_users.go for the model):
// GET shows the form; POST parses it with internal/form, re-renders it
// with every value kept and a message per field (422) when anything is
// wrong, and redirects (303) when the record is saved. A submit button that
// only changes the form (add or remove a row, preview the body) re-renders
// it with 200 and saves nothing. A save over a newer version answers 409
// with both versions side by side and the editor's own in the form, now
// based on the stored version.

// problemText sums up a form that failed to save.
const problemText = "Nothing was saved: check the fields marked below."

// recordSpec is one kind of record's part in saving its form: how to read
// the form, store the record and answer. saveRecord does the rest, the
// same for every kind. T is the record, F its form.
type recordSpec[T, F any] struct {
	// cur is the stored record, nil for a new one.
	cur *T
	// status is cur's status, which decides whether an edit must say why.
	status conflict.Status
	// reshow answers a button that only changes the form (add a row,
	// preview) with the form again; nil when the form has none.
	reshow func(vals url.Values, a form.Action) error
	// parse reads the posted form, with its messages; its error is for a
	// failure to look something up.
	parse func(ctx context.Context, vals url.Values) (F, error)
	// parts are the record the form describes, the version and summary of
	// the edit, and the form's messages.
	parts func(f *F) (T, *form.Edit, conflict.FieldErrors)
	// create stores a new record; update an edit of cur, which may come
	// back as a pending edit.
	create func(ctx context.Context, rec *T, ch conflict.Change) error
	update func(ctx context.Context, rec *T, base int, ch conflict.Change) (*conflict.PendingEdit, error)
	// render shows the form again with cur as stored: 422 after a refused
	// save, 409 beside a newer version.
	render func(status int, cur *T, f F, problem string, cv *pages.ConflictView) error
	// version is a stored record's version; changes compares the stored
	// record with the editor's for the conflict view.
	version func(T) int
	changes func(stored, mine T) []diff.FieldChange
	// saved words the flash after a save and says where it leads.
	saved func(rec T, created bool) (flash, path string)
	// submit, when set, submits the record just saved for review: the
	// form's "Save and submit for review" button.
	submit func(rec T) error
}

// saveRecord saves a record's form in the one shape every kind shares:
// parse, check, store, then 422 with every value kept and a message by
// each field, 409 beside a newer version, or 303 with a flash. An edit the
// review rule holds back becomes a pending edit (s.pendingSaved).
func saveRecord[T, F any](s *Server, c echo.Context, sp recordSpec[T, F]) error {
	ctx := c.Request().Context()
	vals, err := formValues(c)
	if err != nil {
		return err
	}
	if a := form.ActionOf(vals); !a.Save() && sp.reshow != nil {
		return sp.reshow(vals, a)
	}
	f, err := sp.parse(ctx, vals)
	if err != nil {
		return err
	}
	rec, edit, errs := sp.parts(&f)
	if sp.cur != nil {
		_ = saveFailed(conflict.RequireSummary(sp.status, edit.Summary), errs)
	}
	if len(errs) > 0 {
		return sp.render(http.StatusUnprocessableEntity, sp.cur, f, problemText, nil)
	}
	ch := change(c, edit.Summary)
	// Only an admin's explicit choice lets an edit of a public record
	// skip the review; the store checks the role again.
	ch.WithoutReview = edit.WithoutReview && ch.Role == conflict.RoleAdmin
	var pending *conflict.PendingEdit
	if sp.cur == nil {
		err = sp.create(ctx, &rec, ch)
	} else {
		pending, err = sp.update(ctx, &rec, edit.Version, ch)
	}
	if err != nil {
		if ec, ok := editConflict[T](err); ok {
			// The store normalised rec before it met the newer version,
			// so the comparison shows real differences only.
			edit.Version = sp.version(ec.Current)
			return sp.render(http.StatusConflict, &ec.Current, f, "", conflictView(ec.Latest, sp.changes(ec.Current, rec)))
		}
		if err := saveFailed(err, errs); err != nil {
			return err
		}
		return sp.render(http.StatusUnprocessableEntity, sp.cur, f, problemText, nil)
	}
	if pending != nil {
		return s.pendingSaved(c)
	}
	// A save that changes nothing writes nothing, and the store leaves
	// the record at the version the form was made from.
	unchanged := sp.cur != nil && sp.version(rec) == edit.Version
	if sp.submit != nil && vals.Get("intent") == "submit" {
		return sp.submit(rec)
	}
	if unchanged {
		s.flash(c, "Nothing changed: the form holds what is already saved.")
		return c.Redirect(http.StatusSeeOther, c.Request().URL.Path)
	}
	msg, path := sp.saved(rec, sp.cur == nil)
	s.flash(c, msg)
	return c.Redirect(http.StatusSeeOther, path)
}

// redoParam names, in the query of a record's form, a returned or
// withdrawn edit of the record to make again: the form opens with the
// edit's record and summary, on top of the record's current version.
const redoParam = "redo"

// redoPath is the form of the record pending edit p changed, filled with p.
func redoPath(p conflict.PendingEdit) string {
	return recordEditPath(p.RecordType, p.RecordID) + "?" + redoParam + "=" + strconv.FormatInt(int64(p.ID), 10)
}

// redoEdit loads the pending edit that the form of record (rt, id) is to
// make again (?redo=), nil when the form names none. Only its author and
// reviewers may load it; to anyone else, and for an edit of another
// record, it does not exist. An edit still waiting, or accepted, is not
// made again: the first is withdrawn first, the second is published.
func (s *Server) redoEdit(c echo.Context, rt conflict.RecordType, id int64) (*conflict.PendingEdit, error) {
	q := c.QueryParam(redoParam)
	if q == "" {
		return nil, nil
	}
	missing := conflict.Errorf(conflict.NotFound, "No such edit to make again.")
	n, err := strconv.ParseInt(q, 10, 64)
	if err != nil || n <= 0 {
		return nil, missing
	}
	p, err := s.db.FindPendingEdit(c.Request().Context(), conflict.PendingEditID(n))
	if conflict.ErrorCode(err) == conflict.NotFound {
		return nil, missing
	}
	if err != nil {
		return nil, err
	}
	u := currentUser(c)
	if u == nil || p.RecordType != rt || p.RecordID != id {
		return nil, missing
	}
	if mine := p.Author != nil && *p.Author == u.ID; !mine && !u.Role.AtLeast(conflict.RoleReviewer) {
		return nil, missing
	}
	switch p.State {
	case conflict.EditPending:
		return nil, conflict.Errorf(conflict.Invalid, "This edit still waits for review: withdraw it from its page before making it again.")
	case conflict.EditAccepted:
		return nil, conflict.Errorf(conflict.Invalid, "This edit was accepted: readers see it already. Edit the %s as it is now instead.", rt)
	}
	return &p, nil
}

// redoRecord is the record pending edit p proposed, for its form; ok is
// false without one.
func redoRecord[T any](p *conflict.PendingEdit) (rec T, ok bool, err error) {
	if p == nil {
		return rec, false, nil
	}
	if err := sqlite.DecodePendingRecord(*p, &rec); err != nil {
		return rec, false, err
	}
	return rec, true, nil
}

// redoForm is the version and summary of a form that makes edit p again
// on top of the record's current version.
func redoForm(p *conflict.PendingEdit, current int) form.Edit {
	return form.Edit{Version: current, Summary: p.Summary}
}

// redoNotice fills the notice of a form that makes a pending edit again,
// and keeps ?redo= in where the form posts, so that the form shown again
// after a refused save keeps the notice. cur is the record's current
// version.
func (s *Server) redoNotice(c echo.Context, pg *pages.EditPage, rt conflict.RecordType, id int64, cur int) error {
	p, err := s.redoEdit(c, rt, id)
	if err != nil || p == nil {
		return err
	}
	n := &pages.RedoNotice{Returned: p.State == conflict.EditReturned, By: p.DeciderName, Comment: p.Note,
		MadeAt: p.CreatedAt, DecidedAt: p.DecidedAt, EditURL: fmt.Sprintf("/edit/pending/%d", p.ID),
		HistoryURL: recordHistoryPath(rt, id)}
	if !n.Returned {
		n.By = authorOr(p.AuthorName)
	}
	if n.By == "" {
		n.By = "a reviewer"
	}
	if cur != p.BaseVersion {
		n.ChangedSince = true
		changes, _, err := s.changedSince(c.Request().Context(), *p)
		if err != nil {
			return err
		}
		for _, ch := range changes {
			n.Changed = append(n.Changed, ch.Label)
		}
	}
	pg.Redo = n
	pg.Action = redoPath(*p)
	return nil
}

// offerWithoutReview reports whether the form of a record in status st
// offers the signed-in user "publish this edit without review": only an
// admin's edit of a public record would otherwise wait for a reviewer.
func (s *Server) offerWithoutReview(c echo.Context, st conflict.Status) bool {
	u := currentUser(c)
	return u != nil && u.Role == conflict.RoleAdmin && st.Public() && s.db.ReviewRule().Independent()
}

// change is the Change every write by the signed-in user carries.
func change(c echo.Context, summary string) conflict.Change {
	u := currentUser(c)
	id := u.ID
	return conflict.Change{Author: &id, AuthorName: u.Name, Summary: summary, Role: u.Role}
}

// pendingSaved answers a save that became a pending edit: the editor
// learns that readers see nothing of it yet, on their desk.
func (s *Server) pendingSaved(c echo.Context) error {
	s.flash(c, "Your edit waits for review: readers see the published version until a reviewer accepts it.")
	return c.Redirect(http.StatusSeeOther, "/edit")
}

// editPage fills what every editor's page shares.
func (s *Server) editPage(c echo.Context, kind, title, action string, isNew bool) (pages.EditPage, error) {
	opts, err := s.filterOptions(c.Request().Context())
	if err != nil {
		return pages.EditPage{}, err
	}
	p := pages.EditPage{Base: s.base(c, title, ""), Kind: kind, Action: action, New: isNew, Options: opts}
	p.Canonical = ""
	return p, nil
}

// formValues reads the posted form.
func formValues(c echo.Context) (url.Values, error) {
	vals, err := c.FormParams()
	if err != nil {
		return nil, &conflict.Error{Code: conflict.Invalid, Message: "The form could not be read: reload the page and try again."}
	}
	return vals, nil
}

// saveFailed sorts the error of a store write: field errors join the
// form's messages (and the form is shown again), anything else is returned
// for the error page.
func saveFailed(err error, errs conflict.FieldErrors) error {
	fields := conflict.ErrorFields(err)
	code := conflict.ErrorCode(err)
	if len(fields) == 0 || (code != conflict.Invalid && code != conflict.Conflict) {
		return err
	}
	// A message for a field the form does not show still appears in the
	// summary at the form's top, which lists every message.
	for k, msg := range fields {
		errs.Add(k, msg)
	}
	return nil
}

// conflictView lays the stored version and the editor's side by side.
func conflictView(latest conflict.Revision, changes []diff.FieldChange) *pages.ConflictView {
	v := &pages.ConflictView{Number: latest.Number, Author: latest.AuthorName, Summary: latest.Summary, At: latest.CreatedAt}
	if v.Author == "" {
		v.Author = "Someone else"
	}
	for _, ch := range changes {
		v.Rows = append(v.Rows, pages.ConflictRow{Field: ch.Field, Label: ch.Label, Theirs: ch.Old, Yours: ch.New})
	}
	return v
}

// editConflict finds the edit conflict in err, for a record of type T.
func editConflict[T any](err error) (*conflict.EditConflict[T], bool) {
	var ec *conflict.EditConflict[T]
	ok := errors.As(err, &ec)
	return ec, ok
}

// pathID reads the :id of the path; anything but a positive number is
// NotFound.
func pathID(c echo.Context, kind string) (int64, error) {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, conflict.Errorf(conflict.NotFound, "No such %s.", kind)
	}
	return id, nil
}

// queryText is the value an htmx request sends: q, or else the value of
// the one input that asked (its name is the field's, "actors.0.name").
func queryText(vals url.Values) string {
	if q := vals.Get("q"); q != "" {
		return q
	}
	for k, vs := range vals {
		if k != csrfField && len(vs) > 0 && vs[0] != "" {
			return vs[0]
		}
	}
	return ""
}

// editSuggest answers /edit/suggest/{actors,places,sources}: the options of
// a <datalist> for what the editor has typed so far.
func (s *Server) editSuggest(c echo.Context) error {
	q := strings.TrimSpace(queryText(c.QueryParams()))
	if len([]rune(q)) > 200 {
		q = string([]rune(q)[:200])
	}
	ctx := c.Request().Context()
	var opts []components.Choice
	switch c.Param("kind") {
	case "actors", "places":
		find := s.db.SuggestActors
		if c.Param("kind") == "places" {
			find = s.db.SuggestPlaces
		}
		found, err := find(ctx, q, 12)
		if err != nil {
			return err
		}
		for _, f := range found {
			o := components.Choice{Value: f.Name}
			if f.Matched != "" {
				o.Label = f.Name + " (also " + f.Matched + ")"
			}
			opts = append(opts, o)
		}
	case "claimants":
		found, err := s.db.SuggestClaimants(ctx, q, 12)
		if err != nil {
			return err
		}
		for _, f := range found {
			opts = append(opts, components.Choice{Value: f.Name, Label: f.Name + " (" + f.Detail + ")"})
		}
	case "sources":
		found, err := s.db.SuggestSources(ctx, q, 12)
		if err != nil {
			return err
		}
		for _, src := range found {
			label := src.URL
			if !src.HasAddress() {
				label = src.Publisher
			}
			if !src.Published.IsZero() {
				label = src.Published.Display() + " · " + label
			}
			opts = append(opts, components.Choice{Value: form.SourceOption(src), Label: label})
		}
	default:
		return conflict.Errorf(conflict.NotFound, "Nothing to suggest here.")
	}
	return s.render(c, http.StatusOK, components.SuggestOptions(opts))
}

// editDate answers /edit/date: how a typed date reads, "Reads as: 27 Sep
// 2016", or why it cannot be read.
func (s *Server) editDate(c echo.Context) error {
	q := queryText(c.QueryParams())
	if len(q) > 200 {
		return c.HTML(http.StatusOK, "This is too long to be a date.")
	}
	return c.HTML(http.StatusOK, html.EscapeString(pages.DateReading(q)))
}

// editPreview answers /edit/preview: a Markdown body rendered as readers
// will see it, through the one sanitising renderer.
func (s *Server) editPreview(c echo.Context) error {
	vals, err := formValues(c)
	if err != nil {
		return err
	}
	body := vals.Get("body")
	if _, ok := vals["body"]; !ok {
		body = queryText(vals)
	}
	if strings.TrimSpace(body) == "" {
		return c.HTML(http.StatusOK, `<p class="muted">Nothing to preview yet.</p>`)
	}
	if len(body) > conflict.MaxBodyLen*4 {
		return c.HTML(http.StatusOK, `<p class="muted">This body is too long to preview.</p>`)
	}
	return c.HTML(http.StatusOK, string(s.md.Render(body)))
}
