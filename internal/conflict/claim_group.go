package conflict

import "github.com/sitrep/sitrep/internal/edtf"

// ClaimGroup sums up several published claims that one claimant made about
// one force's size, in one unit, over a stretch of time: how many claims,
// the lowest and highest numbers among them and the time they cover. It
// stands for the claims side by side, as a range, never for their average.
// A chart of tens of thousands of claims draws groups instead of claims.
type ClaimGroup struct {
	Force    ActorRef
	Claimant string
	// ClaimantActor links the claimant to an actor, when it is one.
	ClaimantActor *ActorRef
	Unit          string
	Count         int
	// Low is the lowest floor and High the highest ceiling any claim gave,
	// as Spread counts them; unset when no claim gave one.
	Low, High Bound
	// Min and Max are the lowest and highest numbers any claim gave, floor
	// or ceiling: the ends of the bar a chart draws.
	Min, Max int64
	// From is the first day any claim's as-of date covers, To the last.
	From, To edtf.Date
	// FirstID is one of the claims, to link to when the group is one claim.
	FirstID EstimateID
}

// Merge widens g to cover h too: counts add, and the ends are the lowest
// and highest of both.
func (g *ClaimGroup) Merge(h ClaimGroup) {
	g.Count += h.Count
	if h.Low.Set && (!g.Low.Set || h.Low.Value < g.Low.Value) {
		g.Low = h.Low
	}
	if h.High.Set && (!g.High.Set || h.High.Value > g.High.Value) {
		g.High = h.High
	}
	g.Min, g.Max = min(g.Min, h.Min), max(g.Max, h.Max)
	if h.From.Lower().Before(g.From.Lower()) {
		g.From = h.From
	}
	if h.To.Upper().After(g.To.Upper()) {
		g.To = h.To
	}
	if g.ClaimantActor == nil {
		g.ClaimantActor = h.ClaimantActor
	}
}

// SpreadOfGroups is SpreadOf the claims the groups stand for.
func SpreadOfGroups(gs []ClaimGroup) Spread {
	var c SpreadCounter
	for _, g := range gs {
		c.Add(g.Claimant, g.Low, g.High, g.Count)
	}
	return c.Spread()
}
