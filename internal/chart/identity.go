package chart

import (
	"cmp"
	"hash/fnv"
	"slices"
	"strconv"
	"strings"

	"github.com/sitrep/sitrep/internal/conflict"
)

// Shape is a claimant's marker shape: colour is never the only cue.
type Shape int

// The shapes. Eight shapes in eight colours make 64 symbols.
const (
	Circle Shape = iota
	Square
	Diamond
	Triangle
	TriangleDown
	Hexagon
	Plus
	Star
)

var shapeNames = [...]string{"circle", "square", "diamond", "triangle", "triangle-down", "hexagon", "plus", "star"}

// String names the shape: "circle", "square"…
func (s Shape) String() string { return shapeNames[s] }

// Palette is the colours claimants receive when their actor has none: each
// has a contrast of at least 3:1 against white and against #111.
var Palette = []string{
	"#0072b2", // blue
	"#d55e00", // vermilion
	"#009e73", // green
	"#c2679a", // pink
	"#8a63d2", // purple
	"#a87d00", // ochre
	"#2f8fa8", // teal
	"#9c6644", // brown
}

// symbols is how many colour and shape pairs there are.
var symbols = len(Palette) * len(shapeNames)

// symbolAt is the colour and shape of slot s. Slots next to each other
// differ in both, so a claimant moved on by a collision still looks
// unlike the one it met.
func symbolAt(s int) (string, Shape) {
	c, k := s%len(Palette), s/len(Palette)
	return Palette[c], Shape((c + k) % len(shapeNames))
}

// typeColours are the colours of bands of each type of claimant.
var typeColours = map[string]string{
	"government":  "#0072b2",
	"military":    "#009e73",
	"armed_group": "#d55e00",
	"media":       "#8a63d2",
	"ngo":         "#a87d00",
	"other":       "#6b7280",
}

// typeKey is t as a type of claimant: "other" when empty.
func typeKey(t string) string {
	t = strings.ToLower(strings.TrimSpace(t))
	if t == "" {
		return "other"
	}
	return t
}

// TypeLabel names a type of claimant in words: "armed group", "NGO or
// researcher", "other".
func TypeLabel(t string) string {
	switch t = typeKey(t); t {
	case "armed_group":
		return "armed group"
	case "ngo":
		return "NGO or researcher"
	}
	return strings.ReplaceAll(t, "_", " ")
}

// capital begins s with a capital letter: "Armed group".
func capital(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

func typeColour(t string) string {
	if c, ok := typeColours[typeKey(t)]; ok {
		return c
	}
	return typeColours["other"]
}

// who is one claimant in view and what decides its symbol.
type who struct {
	name, key, ctype string
	count            int
	// rank orders claimants for the symbols' first pick: the oldest
	// (lowest claimant id, or lowest estimate id) first, so that a
	// claimant added later never takes an existing one's symbol.
	hasID  bool
	rank   int64
	colour string // the claimant's actor's colour, or ""
	// slot is the symbol's slot, -1 for an actor's colour.
	entry LegendEntry
}

// identityKey is what a claimant's symbol derives from: its id when it is
// a record, else its name regardless of case and spacing.
func identityKey(name, key string) string {
	if key != "" {
		return key
	}
	return strings.Join(strings.Fields(strings.ToLower(name)), " ")
}

func hashSlot(key string) int {
	h := fnv.New32a()
	h.Write([]byte(key))
	return int(h.Sum32() % uint32(symbols))
}

// assignSymbols gives each claimant in view a colour and a shape that
// derive from its identity alone: a hash of it picks a slot, and when the
// slot is taken by an older claimant in view the claimant probes on to the
// next free slot, so that no two claimants in view share a symbol while
// there are symbols to go round. A claimant whose actor has a colour
// keeps that colour and takes the first free shape from its hash.
func assignSymbols(ws []*who) {
	order := slices.Clone(ws)
	slices.SortFunc(order, func(a, b *who) int {
		if a.hasID != b.hasID {
			if a.hasID {
				return -1
			}
			return 1
		}
		return cmp.Or(cmp.Compare(a.rank, b.rank), strings.Compare(a.name, b.name))
	})
	used := map[string]bool{}
	taken := func(colour string, s Shape) bool { return used[colour+" "+strconv.Itoa(int(s))] }
	take := func(w *who, colour string, s Shape) {
		used[colour+" "+strconv.Itoa(int(s))] = true
		w.entry.Colour, w.entry.Shape = colour, s
	}
	for _, w := range order {
		h := hashSlot(identityKey(w.name, w.key))
		if conflict.IsColour(w.colour) {
			done := false
			for i := range len(shapeNames) {
				s := Shape((h + i) % len(shapeNames))
				if !taken(w.colour, s) {
					take(w, w.colour, s)
					done = true
					break
				}
			}
			if done {
				continue
			}
		}
		done := false
		for i := range symbols {
			c, s := symbolAt((h + i) % symbols)
			if !taken(c, s) {
				take(w, c, s)
				done = true
				break
			}
		}
		if !done {
			// More claimants than symbols: the hash's own pick.
			c, s := symbolAt(h)
			w.entry.Colour, w.entry.Shape = c, s
		}
	}
	for _, w := range ws {
		w.entry.Swatch = shapePath(w.entry.Shape, SwatchSize/2, SwatchSize/2, 5)
	}
}

// LegendGroupAfter is how many claimants a legend lists one by one; past
// it the legend groups them by type, and LegendNamed of each type are
// named, the rest folded away.
const (
	LegendGroupAfter = 10
	LegendNamed      = 3
)

// claimantsOf gathers the claimants of items, gives them their symbols and
// returns them by lower-case name; legend is ordered by name.
func claimantsOf(items []item) (byName map[string]*who, legend []LegendEntry) {
	byName = map[string]*who{}
	var ws []*who
	for i := range items {
		it := &items[i]
		name := it.whoKey
		w, ok := byName[name]
		if !ok {
			w = &who{name: it.who, key: it.idKey, ctype: it.ctype, rank: int64(it.id), hasID: it.idKey != ""}
			if it.idKey != "" {
				w.rank, _ = strconv.ParseInt(strings.TrimPrefix(it.idKey, "#"), 10, 64)
			}
			byName[name] = w
			ws = append(ws, w)
		}
		w.count += it.count
		if it.idKey == "" && int64(it.id) < w.rank && !w.hasID {
			w.rank = int64(it.id)
		}
		if w.ctype == "" {
			w.ctype = it.ctype
		}
		if w.colour == "" && it.actor != nil {
			w.colour = strings.ToLower(it.actor.Colour)
		}
	}
	assignSymbols(ws)
	slices.SortFunc(ws, func(a, b *who) int {
		return cmp.Or(cmp.Compare(strings.ToLower(a.name), strings.ToLower(b.name)), cmp.Compare(a.name, b.name))
	})
	legend = make([]LegendEntry, len(ws))
	for i, w := range ws {
		w.entry.Claimant, w.entry.Type, w.entry.Count = w.name, w.ctype, w.count
		legend[i] = w.entry
	}
	return byName, legend
}

// groupLegend groups a legend by type of claimant, the types with the most
// claims first, each naming its LegendNamed largest claimants.
func groupLegend(legend []LegendEntry, banded bool) []LegendGroup {
	index := map[string]int{}
	var gs []LegendGroup
	for _, l := range legend {
		t := typeKey(l.Type)
		i, ok := index[t]
		if !ok {
			i = len(gs)
			index[t] = i
			gs = append(gs, LegendGroup{Type: capital(TypeLabel(t))})
			if banded {
				gs[i].Colour = typeColour(t)
			}
		}
		gs[i].Count += l.Count
		gs[i].Folded = append(gs[i].Folded, l)
	}
	slices.SortStableFunc(gs, func(a, b LegendGroup) int {
		return cmp.Or(cmp.Compare(b.Count, a.Count), strings.Compare(a.Type, b.Type))
	})
	for i := range gs {
		all := gs[i].Folded
		slices.SortStableFunc(all, func(a, b LegendEntry) int { return cmp.Compare(b.Count, a.Count) })
		n := min(LegendNamed, len(all))
		gs[i].Named, gs[i].Folded = all[:n:n], all[n:]
	}
	return gs
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
