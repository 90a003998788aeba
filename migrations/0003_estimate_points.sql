-- +goose Up
-- The chart reads every estimate of a force; this index holds all it draws,
-- so the query never visits the table itself.
CREATE INDEX estimates_points_idx ON estimates
    (actor_id, status, as_of_lo, id, as_of, qualifier, low, high, claimant, claimant_actor_id, unit, place_id);

-- +goose Down
-- Migrations only move forward.
