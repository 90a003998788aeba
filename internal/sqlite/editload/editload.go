// Package editload fills a database with an editorial workload at a
// realistic scale, to measure the editor's desk and the review queue: one
// prolific curator with tens of thousands of revisions (drafts, records
// in review, rejected and published records, edits returned to them) and
// a team of editors whose edits of published events wait for review.
//
// It writes through the store, as the web application does, so every
// revision, status and pending edit is what real use leaves behind. Run
// it on a database made by `sitrep synth`, never on real records.
package editload

import (
	"context"
	"fmt"
	"io"

	"github.com/sitrep/sitrep/internal/auth"
	"github.com/sitrep/sitrep/internal/conflict"
	"github.com/sitrep/sitrep/internal/edtf"
	"github.com/sitrep/sitrep/internal/sqlite"
)

// Config sizes the workload.
type Config struct {
	// Drafts new events the curator writes, each created then saved
	// again Updates times; Submitted of them are submitted, and of those
	// a reviewer publishes Published and rejects Rejected.
	Drafts, Updates, Submitted, Published, Rejected int
	// Returned edits of published events the curator makes and a
	// reviewer returns; CuratorPending more stay waiting.
	Returned, CuratorPending int
	// Editors each make EditsEach edits of published events that wait.
	Editors, EditsEach int
	// Password is every account's password.
	Password string
	// Progress, when set, hears how far the load is.
	Progress io.Writer
}

// Large is the workload the desk and the queue are measured with: about
// 30,000 revisions by one curator and 2,000 edits from ten editors.
var Large = Config{
	Drafts: 10000, Updates: 1, Submitted: 5000, Published: 2500, Rejected: 300,
	Returned: 200, CuratorPending: 100, Editors: 10, EditsEach: 200,
	Password: "desk-load-password",
}

// Result names the accounts made.
type Result struct {
	Curator, Reviewer conflict.User
	Editors           []conflict.User
}

// Seed writes the workload into db, which must hold published events
// with citations (a synth database) for the edits to be made of.
func Seed(ctx context.Context, db *sqlite.DB, cfg Config) (Result, error) {
	var res Result
	hash, err := auth.NewHasher(auth.TestParams).Hash(cfg.Password)
	if err != nil {
		return res, err
	}
	user := func(name string, role conflict.Role) (conflict.User, error) {
		u := conflict.User{Email: name + "@desk.example", Name: name, Role: role}
		err := db.CreateUser(ctx, &u, hash)
		return u, err
	}
	if res.Curator, err = user("curator", conflict.RoleEditor); err != nil {
		return res, err
	}
	if res.Reviewer, err = user("reviewer", conflict.RoleReviewer); err != nil {
		return res, err
	}
	for i := range cfg.Editors {
		u, err := user(fmt.Sprintf("editor%02d", i+1), conflict.RoleEditor)
		if err != nil {
			return res, err
		}
		res.Editors = append(res.Editors, u)
	}
	as := func(u conflict.User, summary string) conflict.Change {
		return conflict.Change{Author: &u.ID, AuthorName: u.Name, Role: u.Role, Summary: summary}
	}
	progress := func(format string, args ...any) {
		if cfg.Progress != nil {
			fmt.Fprintf(cfg.Progress, format+"\n", args...)
		}
	}

	// Published events to cite and to edit: the newest of the synth.
	need := cfg.Returned + cfg.CuratorPending + cfg.Editors*cfg.EditsEach
	page, err := db.ListEvents(ctx, conflict.EventFilter{Limit: min(max(need, 1), 100)})
	if err != nil {
		return res, err
	}
	var published []conflict.Event
	for len(published) < need+1 {
		for _, e := range page.Events {
			if full, err := db.FindEventByID(ctx, e.ID); err == nil && len(full.Citations) > 0 {
				published = append(published, full)
			}
		}
		if page.Next == "" {
			break
		}
		if page, err = db.ListEvents(ctx, conflict.EventFilter{Limit: 100, After: page.Next}); err != nil {
			return res, err
		}
	}
	if len(published) == 0 {
		return res, fmt.Errorf("no published event with a citation to work from")
	}
	source := published[0].Citations[0].Source

	curator := res.Curator
	var drafts []conflict.Event
	for i := range cfg.Drafts {
		e := conflict.Event{
			Title:     fmt.Sprintf("Curated report %d of fighting near the river", i+1),
			Date:      edtf.MustParse(fmt.Sprintf("2017-%02d-%02d", i%12+1, i%28+1)),
			Body:      "A report the curator is working on.",
			Tags:      []string{"clash"},
			Citations: []conflict.Citation{{Source: conflict.Source{ID: source.ID}, Quote: "Fighting was reported."}},
		}
		if err := db.CreateEvent(ctx, &e, as(curator, "first draft")); err != nil {
			return res, fmt.Errorf("draft %d: %w", i, err)
		}
		drafts = append(drafts, e)
		if (i+1)%2000 == 0 {
			progress("curator: %d drafts", i+1)
		}
	}
	for u := range cfg.Updates {
		for i := range drafts {
			e := &drafts[i]
			e.Body = fmt.Sprintf("A report the curator is working on, pass %d.", u+2)
			if _, err := db.UpdateEvent(ctx, e, e.Version, as(curator, "more detail")); err != nil {
				return res, fmt.Errorf("update %d: %w", i, err)
			}
			cur, err := db.FindEventByID(ctx, e.ID)
			if err != nil {
				return res, err
			}
			*e = cur
			if (i+1)%2000 == 0 {
				progress("curator: pass %d, %d updates", u+2, i+1)
			}
		}
	}
	setStatus := func(e *conflict.Event, a conflict.Action, note string, u conflict.User) error {
		out, err := db.SetEventStatus(ctx, e.ID, a, note, e.Version, u.Role, as(u, ""))
		if err != nil {
			return fmt.Errorf("%s event %d: %w", a, e.ID, err)
		}
		*e = out
		return nil
	}
	for i := range min(cfg.Submitted, len(drafts)) {
		if err := setStatus(&drafts[i], conflict.ActionSubmit, "", curator); err != nil {
			return res, err
		}
	}
	progress("curator: %d submitted", cfg.Submitted)
	for i := range min(cfg.Published, cfg.Submitted) {
		if err := setStatus(&drafts[i], conflict.ActionPublish, "", res.Reviewer); err != nil {
			return res, err
		}
	}
	for i := cfg.Published; i < min(cfg.Published+cfg.Rejected, cfg.Submitted); i++ {
		if err := setStatus(&drafts[i], conflict.ActionReject, "Needs a second source.", res.Reviewer); err != nil {
			return res, err
		}
	}
	progress("reviewer: %d published, %d rejected", cfg.Published, cfg.Rejected)

	// Edits of published events wait for review: the curator's, some
	// returned, and the team's.
	next := 0
	edit := func(u conflict.User) (*conflict.PendingEdit, error) {
		e := published[next%len(published)]
		next++
		e.Body += fmt.Sprintf("\n\nAn addition by %s.", u.Name)
		p, err := db.UpdateEvent(ctx, &e, e.Version, as(u, "adds a detail"))
		if err != nil {
			return nil, fmt.Errorf("edit of event %d by %s: %w", e.ID, u.Name, err)
		}
		if p == nil {
			return nil, fmt.Errorf("edit of event %d by %s went live: the review rule is off", e.ID, u.Name)
		}
		return p, nil
	}
	for range cfg.Returned {
		p, err := edit(curator)
		if err != nil {
			return res, err
		}
		if _, err := db.ReturnPendingEdit(ctx, p.ID, "Cite where this comes from.", as(res.Reviewer, "")); err != nil {
			return res, err
		}
	}
	for range cfg.CuratorPending {
		if _, err := edit(curator); err != nil {
			return res, err
		}
	}
	for i := range cfg.EditsEach {
		for _, u := range res.Editors {
			if _, err := edit(u); err != nil {
				return res, err
			}
		}
		if (i+1)%50 == 0 {
			progress("team: %d edits each", i+1)
		}
	}
	return res, nil
}
