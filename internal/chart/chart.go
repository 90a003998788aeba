// Package chart lays out the estimate chart: how estimates of a force's size
// changed over time and who claimed each. It computes every position, tick,
// colour and text the SVG needs, so the template only writes them out and
// the layout can be tested without a browser.
//
// The package is split by job: chart.go holds the types and the entry
// points, layout.go splits claims into panels (one per unit, and one per
// sub-force under a parent) and places them in a figure drawn for a wide
// screen and one drawn for a phone, scales.go maps dates and counts to
// positions and picks ticks, marks.go draws claims, bands and shapes,
// identity.go gives each claimant its colour and shape for good, and text.go
// writes titles, summaries and headline spreads.
package chart

import (
	"cmp"
	"strings"
	"time"

	"github.com/sitrep/sitrep/internal/conflict"
	"github.com/sitrep/sitrep/internal/edtf"
)

// Options size the chart and link its marks.
type Options struct {
	// Width and Height are the wide figure's view box, 760×360 when zero.
	// Height is that of one panel; a chart of several panels is taller.
	Width, Height int
	// NarrowWidth is the view box width of the figure drawn for phones,
	// NarrowWidth when zero; negative draws no such figure.
	NarrowWidth int
	// ID prefixes the ids of the SVG's title, description and gradients, so
	// that two charts can share a page; "estimate-chart" when empty.
	ID string
	// Force is the force the chart was asked for: its panels come first,
	// before those of the forces inside it.
	Force conflict.ActorID
	// From and To, when set, are the filter's dates: the time axis spans
	// them rather than the claims' own.
	From, To edtf.Date
	// EstimateURL returns the address each mark links to; without it marks
	// are not links.
	EstimateURL func(conflict.EstimateID) string
	// LinkTarget is the target of the marks' links, such as "_top" in an
	// embed; empty for none.
	LinkTarget string
	// GroupURL links a band of one claimant's claims to a list of them;
	// without it such bands are not links.
	GroupURL func(claimant string, from, to edtf.Date) string
	// TypeURL links a band of one type of claimant's claims to a list of
	// them; without it such bands are not links.
	TypeURL func(claimantType string) string
	// MaxPanels, when set, draws at most that many panels, the force's
	// own first: a page about something else (a timeline, an actor)
	// shows the force at a glance and links the whole chart.
	MaxPanels int
	// BandAfter is the most claims a panel of the wide figure draws one
	// by one, MaxMarks when zero (and at most MaxMarks); a narrower figure
	// bands sooner. A page
	// whose table lists every claim may band sooner than MaxMarks: each
	// band's link lists its claims.
	BandAfter int
}

// bandAfter is the most claims a panel of a figure width units wide draws
// one by one.
func (o Options) bandAfter(width int) int {
	n := min(cmp.Or(o.BandAfter, MaxMarks), MaxMarks)
	if width < DefaultWidth {
		n = n * width / DefaultWidth
	}
	return n
}

// MaxMarks is the most claims a panel draws one by one. Past it, the
// claims of each claimant (or, with more than LegendGroupAfter claimants,
// of each type of claimant) are drawn as a band from the lowest to the
// highest number claimed in each slice of time: nothing is averaged, and
// the band's title says how many claims it holds.
const MaxMarks = 500

// Default view box sizes.
const (
	DefaultWidth       = 760
	DefaultHeight      = 360
	DefaultNarrowWidth = 340
)

// FontSize is the size, in view box units, of the wide figure's text.
const FontSize = 12

// NarrowFontSize is the size of the phone figure's text: drawn 340 units
// wide and shown at 320 px or more, it is never smaller than 12 px.
const NarrowFontSize = 13

// Claim is one estimate as the chart reads it: the estimate and what the
// chart needs to know of its claimant and of the claims that revise it. It
// points to the estimate, which is large, rather than copying it.
type Claim struct {
	*conflict.Estimate
	// ClaimantID identifies the claimant when claimants are records; 0
	// when only its name is known. A claimant's colour and shape derive
	// from it, or from the name without it.
	ClaimantID int64
	// ClaimantType is the kind of claimant ("government", "military",
	// "armed_group", "media", "ngo", "other"); empty counts as "other".
	ClaimantType string
	// Superseded claims were revised by a later claim of their claimant:
	// drawn faded, still linked. SupersededBy is that claim, or 0.
	Superseded   bool
	SupersededBy conflict.EstimateID
}

// Claims wraps estimates as claims of claimants of no known type.
func Claims(xs []conflict.Estimate) []Claim {
	out := make([]Claim, len(xs))
	for i := range xs {
		out[i].Estimate = &xs[i]
	}
	return out
}

// Chart is everything the estimate chart shows.
type Chart struct {
	ID string
	// Title names what the chart shows: "Estimates of Islamic State in Mosul".
	Title string
	// Summary says in plain words what the chart shows, for its
	// description and caption.
	Summary string
	// Headlines give the spread of claims per force, place and unit, the
	// most claimed first: "12 estimates by 9 claimants put the force in
	// Mosul at 3,000 to 5,000 fighters."
	Headlines []string
	// Empty is true when there is nothing to draw; only Title and Summary
	// are then set.
	Empty bool
	// Unit is the unit counted when all claims share one, or "".
	Unit string
	// Units lists the units counted, one panel set each.
	Units []string
	// Wide is the figure drawn for wide screens, Narrow the one drawn for
	// phones (Width 0 when not drawn).
	Wide, Narrow Figure
	// Legend has one entry per claimant, ordered by name.
	Legend []LegendEntry
	// Groups is the legend grouped by type of claimant, set past
	// LegendGroupAfter claimants, the most claims first.
	Groups []LegendGroup
	// Key explains the kinds of mark the chart uses.
	Key []KeyEntry
	// Banded is set when some panel draws bands rather than claims.
	Banded bool
	// LinkTarget is the marks' link target, or "".
	LinkTarget string
	// Omitted names the panels left out under Options.MaxPanels
	// ("Wilayat Ninawa · fighters"), with how many claims each holds.
	Omitted []OmittedPanel
	// AllPanels is how many panels the whole chart has: those drawn and
	// those Omitted. Title, Summary and Headlines speak of them all.
	AllPanels int
}

// OmittedPanel is a panel a chart capped by Options.MaxPanels leaves out.
type OmittedPanel struct {
	Label  string
	Claims int
	// Force and Unit are what the panel counts: its force's own chart
	// draws it.
	Force conflict.ActorRef
	Unit  string
}

// TitleID is the id of the SVG's title element.
func (c Chart) TitleID() string { return c.ID + "-title" }

// DescID is the id of the SVG's description element.
func (c Chart) DescID() string { return c.ID + "-desc" }

// Figure is one SVG of the chart: panels stacked in one view box.
type Figure struct {
	// Name is "wide" or "narrow".
	Name          string
	Width, Height int
	FontSize      float64
	// StrokeWidth is the width of the marks' lines: thinner when there are
	// many marks.
	StrokeWidth float64
	Panels      []Panel
	// Gradients are the fades the open-ended bounds use.
	Gradients []Gradient
}

// Panel is one small multiple: the claims of one unit (and, under a parent
// force, of one force), on their own axes.
type Panel struct {
	// Unit labels the Y axis: "fighters".
	Unit string
	// Label is what the panel counts, written above it: "fighters", or
	// "Wilayat Ninawa · fighters" when forces are told apart.
	Label string
	// LabelX and LabelY place the label (text-anchor start).
	LabelX, LabelY float64
	// Plot is the area inside the axes.
	Plot Rect
	// XTicks are dates along the bottom, YTicks counts up the left, from 0.
	XTicks, YTicks []Tick
	// XLabelY and XSubY are the baselines of the X labels and of their
	// second lines; YLabelX is where the Y labels end, YLabelDY how far
	// below its tick each label's baseline is.
	XLabelY, XSubY, YLabelX, YLabelDY float64
	// Marks has one mark per claim, or per band, earliest first, which is
	// also the order in which a keyboard reaches them.
	Marks []Mark
	// Links join superseded claims to the claims that revised them.
	Links []Link
	// Force is the force the panel counts, when forces are told apart.
	Force string
}

// Rect is an axis-aligned rectangle in view box units.
type Rect struct{ X, Y, W, H float64 }

// Right is the rectangle's right edge.
func (r Rect) Right() float64 { return r.X + r.W }

// Bottom is the rectangle's bottom edge.
func (r Rect) Bottom() float64 { return r.Y + r.H }

// Tick is one labelled position on an axis.
type Tick struct {
	// Pos is the x (for a date) or y (for a count) of the tick.
	Pos   float64
	Label string
	// Sub is a second line under an X label, the year of a day's tick where
	// the year first appears; usually empty.
	Sub string
	// Anchor is the label's text-anchor: "middle", or "start"/"end" where a
	// centred label would leave the view box. Y labels are always "end".
	Anchor string
}

// LegendEntry is one claimant, its colour and its shape.
type LegendEntry struct {
	Claimant string
	// Type is the claimant's type as given, "" when unknown.
	Type   string
	Colour string
	Shape  Shape
	// Count is how many estimates the claimant made.
	Count int
	// Swatch is SVG path data for the claimant's shape in a 14×14 box.
	Swatch string
}

// LegendGroup is the claimants of one type: the largest named, the rest
// folded away.
type LegendGroup struct {
	// Type is the type's words: "government", "armed group", "other".
	Type string
	// Count is how many claims its claimants made.
	Count int
	// Named are the claimants with the most claims, Folded the rest.
	Named, Folded []LegendEntry
	// Colour is the type's band colour, when the chart draws bands.
	Colour string
}

// Claimants is how many claimants the group holds.
func (g LegendGroup) Claimants() int { return len(g.Named) + len(g.Folded) }

// SwatchSize is the width and height of a legend swatch's view box.
const SwatchSize = 14

// KeyEntry explains one way of drawing a mark, with a swatch drawn in the
// text colour.
type KeyEntry struct {
	Label string
	// Swatch is SVG path data in a KeyWidth×SwatchSize box.
	Swatch string
	// Hollow swatches are stroked only; Faint ones filled faintly.
	Hollow, Faint bool
	// Dash is the swatch's stroke dash array, or "".
	Dash string
}

// KeyWidth is the width of a key swatch's view box.
const KeyWidth = 28

// claimant is who made e, as the chart names it.
func claimant(e conflict.Estimate) string {
	return cmp.Or(strings.TrimSpace(e.Claimant), "Unknown claimant")
}

// unitOf is what e counts.
func unitOf(e conflict.Estimate) string { return UnitName(e.Unit) }

// UnitName is the unit a chart counts claims of unit in: the unit as
// given, or conflict.DefaultUnit when none is.
func UnitName(unit string) string { return cmp.Or(strings.TrimSpace(unit), conflict.DefaultUnit) }

// New lays out the chart of estimates. Estimates without any value are
// left out; an empty result has Empty set.
func New(estimates []conflict.Estimate, opts Options) Chart {
	// The items point into estimates: ten thousand large structs are not
	// copied.
	items := make([]item, 0, len(estimates))
	for i := range estimates {
		if it, ok := itemOf(&estimates[i], nil); ok {
			items = append(items, it)
		}
	}
	return build(items, opts)
}

// NewClaims lays out the chart of claims.
func NewClaims(claims []Claim, opts Options) Chart {
	items := make([]item, 0, len(claims))
	for i := range claims {
		if claims[i].Estimate == nil {
			continue
		}
		if it, ok := itemOf(claims[i].Estimate, &claims[i]); ok {
			items = append(items, it)
		}
	}
	return build(items, opts)
}

// Grouped lays out the chart of a force's claims summed up in groups (see
// conflict.ClaimGroup), for forces with too many claims to read one by
// one. It draws bands, as New does past MaxMarks: each group counts
// towards the lowest and highest number of every slice of time it covers,
// nothing is averaged, and each band's title says how many claims it holds.
func Grouped(groups []conflict.ClaimGroup, opts Options) Chart {
	items := make([]item, 0, len(groups))
	for i := range groups {
		g := &groups[i]
		if g.Count <= 0 || g.From.IsZero() || g.To.IsZero() {
			continue
		}
		items = append(items, item{
			id: g.FirstID, force: &g.Force, unit: UnitName(g.Unit),
			who: cmp.Or(strings.TrimSpace(g.Claimant), "Unknown claimant"), actor: g.ClaimantActor,
			whoKey: strings.ToLower(cmp.Or(strings.TrimSpace(g.Claimant), "Unknown claimant")),
			from:   g.From.Lower(), to: g.To.Upper().AddDate(0, 0, 1), fromD: &g.From, toD: &g.To,
			lo: g.Min, hi: g.Max, low: g.Low, high: g.High, kind: Bar, count: g.Count,
		})
	}
	return build(items, opts)
}

// item is one claim, or one group of claims, as the chart draws it.
type item struct {
	id conflict.EstimateID
	// e is the estimate, nil for a group.
	// e, force, fromD and toD point into the caller's estimates or
	// groups: items are many, and copies of them large.
	e     *conflict.Estimate
	force *conflict.ActorRef
	place string
	unit  string
	// who names the claimant, whoKey in lower case.
	who, whoKey string
	actor       *conflict.ActorRef
	// idKey is the claimant's identity; ctype its type, "" when unknown.
	idKey, ctype string
	// from and to are the time covered: a day is a point at its middle.
	from, to time.Time
	// fromD and toD are the dates as given.
	fromD, toD *edtf.Date
	// lo and hi are the numbers drawn; low and high the bounds as given.
	lo, hi    int64
	low, high conflict.Bound
	kind      Kind
	strict    bool
	hollow    bool
	retracted bool
	faded     bool
	fadedBy   conflict.EstimateID
	count     int
}

// itemOf is the item of estimate e and, when known, what c adds to it.
func itemOf(e *conflict.Estimate, c *Claim) (item, bool) {
	lo, hi, ok := values(*e)
	if !ok || e.AsOf.IsZero() {
		return item{}, false
	}
	from, to := span(e.AsOf)
	it := item{
		id: e.ID, e: e, force: &e.Force, unit: unitOf(*e), who: claimant(*e), actor: e.ClaimantActor,
		from: from, to: to, fromD: &e.AsOf, toD: &e.AsOf,
		lo: lo, hi: hi, low: e.Low, high: e.High, kind: kindOf(*e), strict: strict(e.Qualifier),
		hollow: e.Qualifier == conflict.About, retracted: e.Status == conflict.Retracted, count: 1,
	}
	it.whoKey = strings.ToLower(it.who)
	if e.Place != nil {
		it.place = e.Place.Name
	}
	if c != nil {
		it.ctype, it.faded, it.fadedBy = strings.TrimSpace(c.ClaimantType), c.Superseded, c.SupersededBy
		if c.ClaimantID != 0 {
			it.idKey = "#" + itoa(c.ClaimantID)
		}
	}
	return it, true
}
