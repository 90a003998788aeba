package sqlite

import (
	"context"
	"database/sql"
	"strings"

	"github.com/sitrep/sitrep/internal/conflict"
)

// Proposed changes to public claimants (migration 0022). The decision
// whether a change applies at once or waits is conflict's
// (ClaimantChangeGoesLive), taken here inside the transaction that writes
// it, so that an estimate published meanwhile cannot let a change slip
// past review.

const proposalColumns = `p.id, p.claimant_id, p.name, p.type, p.description, p.base_version, p.proposed_by,
	coalesce(u.name, ''), p.summary, p.created_at, a.id, a.slug, a.name, a.colour`

const proposalFrom = ` FROM claimant_proposals p LEFT JOIN users u ON u.id = p.proposed_by LEFT JOIN actors a ON a.id = p.actor_id`

func scanProposal(sc interface{ Scan(...any) error }) (conflict.ClaimantProposal, error) {
	var (
		p                  conflict.ClaimantProposal
		created            string
		aid                sql.NullInt64
		aslug, aname, acol sql.NullString
	)
	if err := sc.Scan(&p.ID, &p.Claimant, &p.Proposed.Name, &p.Proposed.Type, &p.Proposed.Description, &p.BaseVersion,
		&p.ProposedBy, &p.ProposerName, &p.Summary, &created, &aid, &aslug, &aname, &acol); err != nil {
		return p, mapError(err)
	}
	p.Proposed.ID = p.Claimant
	if aid.Valid {
		p.Proposed.Affiliation = &conflict.ActorRef{ID: conflict.ActorID(aid.Int64), Slug: aslug.String, Name: aname.String, Colour: acol.String}
	}
	p.CreatedAt = parseTime(created)
	return p, nil
}

func findProposal(ctx context.Context, q querier, id conflict.ClaimantID) (*conflict.ClaimantProposal, error) {
	p, err := scanProposal(q.QueryRowContext(ctx, `SELECT `+proposalColumns+proposalFrom+` WHERE p.claimant_id = ?`, int64(id)))
	if conflict.ErrorCode(err) == conflict.NotFound {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return &p, nil
}

// FindClaimantProposal returns the open proposal for the claimant, or nil.
func (db *DB) FindClaimantProposal(ctx context.Context, id conflict.ClaimantID) (*conflict.ClaimantProposal, error) {
	return findProposal(ctx, db.read, id)
}

// ClaimantProposalItem is an open proposal with the claimant it changes,
// as the review queue lists it.
type ClaimantProposalItem struct {
	Proposal conflict.ClaimantProposal
	Current  conflict.Claimant
}

// FindClaimantProposals returns up to limit open proposals, oldest first.
func (db *DB) FindClaimantProposals(ctx context.Context, limit int) ([]ClaimantProposalItem, error) {
	if limit <= 0 || limit > 500 {
		limit = 500
	}
	rows, err := db.read.QueryContext(ctx, `SELECT `+proposalColumns+proposalFrom+` ORDER BY p.created_at, p.id LIMIT ?`, limit)
	if err != nil {
		return nil, err
	}
	var out []ClaimantProposalItem
	for rows.Next() {
		p, err := scanProposal(rows)
		if err != nil {
			rows.Close()
			return nil, err
		}
		out = append(out, ClaimantProposalItem{Proposal: p})
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for i := range out {
		if out[i].Current, err = db.FindClaimantByID(ctx, out[i].Proposal.Claimant); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// ChangeClaimant saves a person's change to the claimant c.ID made from
// version baseVersion. A change readers would see at once without a
// second person's check is stored as a proposal instead (proposed true),
// replacing the person's own open proposal; another person's open
// proposal refuses it (Conflict, naming who proposed what).
//
// Errors: Invalid for bad fields or an unknown affiliation; NotFound;
// Forbidden; Conflict for a stale version or another person's proposal.
func (db *DB) ChangeClaimant(ctx context.Context, c *conflict.Claimant, baseVersion int, summary string, role conflict.Role, by conflict.UserID) (proposed bool, err error) {
	if err := conflict.CanEditClaimant(role); err != nil {
		return false, err
	}
	c.Normalize()
	if err := c.Validate(); err != nil {
		return false, err
	}
	summary = strings.TrimSpace(summary)
	if len([]rune(summary)) > 500 {
		msg := "Summary is at most 500 characters."
		return false, &conflict.Error{Code: conflict.Invalid, Message: msg, Fields: conflict.FieldErrors{"summary": msg}}
	}
	err = db.inTx(ctx, func(tx *sql.Tx) error {
		current, err := scanClaimant(tx.QueryRowContext(ctx, `SELECT `+claimantColumns+claimantFrom+` WHERE c.id = ?`, int64(c.ID)))
		if conflict.ErrorCode(err) == conflict.NotFound {
			return conflict.Errorf(conflict.NotFound, "No such claimant.")
		}
		if err != nil {
			return err
		}
		if db.rule.ClaimantChangeGoesLive(current.Estimates > 0, role, by) {
			return db.applyClaimant(ctx, tx, c, baseVersion, by)
		}
		if current.Version != baseVersion {
			return conflict.Errorf(conflict.Conflict, "Someone changed this claimant since you opened it; open it again to see their change.")
		}
		open, err := findProposal(ctx, tx, c.ID)
		if err != nil {
			return err
		}
		if err := conflict.CheckClaimantProposer(open, current, by); err != nil {
			return err
		}
		var actor any
		if c.Affiliation != nil {
			actor = int64(c.Affiliation.ID)
		}
		name := c.Name
		if name == "" {
			name = current.Name
		}
		// A replacement is a new proposal with a new id (0023), so that a
		// reviewer who read the one it replaces cannot decide it unseen.
		// CheckClaimantProposer let through only the proposer's own.
		if _, err := tx.ExecContext(ctx, `DELETE FROM claimant_proposals WHERE claimant_id = ?`, int64(c.ID)); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO claimant_proposals
			(claimant_id, name, type, actor_id, description, base_version, proposed_by, summary, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			int64(c.ID), name, string(c.Type), actor, c.Description, baseVersion, int64(by), summary, db.stamp())
		if err != nil {
			return fieldError(err, "affiliation", "The actor does not exist.")
		}
		proposed = true
		*c = current
		return nil
	})
	return proposed, err
}

// AcceptClaimantProposal applies the open proposal id to its claimant,
// decided by a reviewer or admin who did not propose it
// (conflict.CheckClaimantDecision). A proposal made from a version the
// claimant has since left is refused and kept, for a reviewer to reject.
//
// Errors: NotFound when the proposal is no longer open; Forbidden;
// Conflict when the claimant changed since the proposal was made;
// Invalid when the proposed name is taken.
func (db *DB) AcceptClaimantProposal(ctx context.Context, claimant conflict.ClaimantID, id conflict.ClaimantProposalID, role conflict.Role, by conflict.UserID) (conflict.Claimant, error) {
	var out conflict.Claimant
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		p, err := openProposal(ctx, tx, claimant, id)
		if err != nil {
			return err
		}
		if err := conflict.CheckClaimantDecision(role, by, p); err != nil {
			return err
		}
		c := p.Proposed
		if err := db.applyClaimant(ctx, tx, &c, p.BaseVersion, by); err != nil {
			if conflict.ErrorCode(err) == conflict.Conflict {
				return conflict.Errorf(conflict.Conflict, "This claimant changed after %s proposed this change, so it was not applied; reject it and ask for a new proposal made from the claimant as it is now.", p.ProposerName)
			}
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM claimant_proposals WHERE id = ?`, int64(p.ID)); err != nil {
			return err
		}
		out = c
		return nil
	})
	return out, err
}

// RejectClaimantProposal drops the open proposal id, decided as
// AcceptClaimantProposal is; the claimant stays as it is.
func (db *DB) RejectClaimantProposal(ctx context.Context, claimant conflict.ClaimantID, id conflict.ClaimantProposalID, role conflict.Role, by conflict.UserID) error {
	return db.inTx(ctx, func(tx *sql.Tx) error {
		p, err := openProposal(ctx, tx, claimant, id)
		if err != nil {
			return err
		}
		if err := conflict.CheckClaimantDecision(role, by, p); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `DELETE FROM claimant_proposals WHERE id = ?`, int64(p.ID))
		return err
	})
}

// openProposal is the claimant's open proposal if it is still id: a
// reviewer decides the proposal they read, never one that replaced it.
func openProposal(ctx context.Context, q querier, claimant conflict.ClaimantID, id conflict.ClaimantProposalID) (conflict.ClaimantProposal, error) {
	p, err := findProposal(ctx, q, claimant)
	if err != nil {
		return conflict.ClaimantProposal{}, err
	}
	if p == nil || p.ID != id {
		return conflict.ClaimantProposal{}, conflict.Errorf(conflict.NotFound, "This proposal is no longer open: it was accepted, rejected or replaced. Open the claimant again to see where it stands.")
	}
	return *p, nil
}
