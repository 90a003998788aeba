package components

import (
	"fmt"

	"github.com/sitrep/sitrep/internal/conflict"
)

// EventHistoryPath lists an event's revisions.
func EventHistoryPath(id conflict.EventID) string { return fmt.Sprintf("/events/%d/history", id) }

// EventRevisionPath is the permalink to an event as it stood at revision n.
func EventRevisionPath(id conflict.EventID, n int) string {
	return fmt.Sprintf("/events/%d/rev/%d", id, n)
}

// EventDiffPath compares revisions from and to of an event; from 0 stands
// for the event before it existed.
func EventDiffPath(id conflict.EventID, from, to int) string {
	return fmt.Sprintf("/events/%d/diff?from=%d&to=%d", id, from, to)
}

// EstimateHistoryPath lists an estimate's revisions.
func EstimateHistoryPath(id conflict.EstimateID) string {
	return fmt.Sprintf("/estimates/%d/history", id)
}

// EstimateRevisionPath is the permalink to an estimate as it stood at
// revision n.
func EstimateRevisionPath(id conflict.EstimateID, n int) string {
	return fmt.Sprintf("/estimates/%d/rev/%d", id, n)
}

// EstimateDiffPath compares revisions from and to of an estimate.
func EstimateDiffPath(id conflict.EstimateID, from, to int) string {
	return fmt.Sprintf("/estimates/%d/diff?from=%d&to=%d", id, from, to)
}
