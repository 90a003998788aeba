// Package synth generates a large, realistic-looking record for
// benchmarks and load tests: events over several years among many actors
// and places, each cited, estimates with every qualifier, and a few
// published timelines.
//
// The record is skewed as real conflicts are: a few actors, places and
// tags account for most events (ranks follow a Zipf law), actors sit in
// hierarchies two or three deep, places nest city › province › country
// and many have Arabic names beside their English ones, and most events
// are dated to the day, some to the month, a few approximately or as a
// short interval. The same seed always gives the same record.
package synth

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/sitrep/sitrep/internal/conflict"
	"github.com/sitrep/sitrep/internal/edtf"
	"github.com/sitrep/sitrep/internal/sqlite"
)

// Options size the generated record.
type Options struct {
	Events, Estimates, Actors, Places, Sources int
	// Force receives every estimate when set, so one force's chart can be
	// measured with thousands of estimates; otherwise the biggest actor
	// gets a large share and the rest spread over the next biggest.
	Force string
	Seed  uint64
	// Progress, when set, is called now and then with the records written.
	Progress func(done, total int)
	// Step, when set, is told of each step that follows the records'
	// writing (filling in indexes and tallies), as it ends.
	Step func(name string, took time.Duration)
}

// Report says what Generate made for a benchmark to visit.
type Report struct {
	// Timelines are the published timelines made, by slug.
	Timelines []conflict.Timeline
	// BiggestActor, BiggestPlace and BiggestTag have the most events.
	BiggestActor conflict.ActorRef
	BiggestPlace conflict.PlaceRef
	BiggestTag   string
	// Claimants is how many distinct claimants the biggest actor's
	// estimates have.
	Claimants int
}

// batch is how many records one transaction writes.
const batch = 50_000

var change = conflict.Change{AuthorName: "synthetic data", Import: true}

// Generate writes the record into db. The load commits as it goes; an
// error leaves what was written before it.
func Generate(ctx context.Context, db *sqlite.DB, o Options) (Report, error) {
	rng := rand.New(rand.NewPCG(o.Seed, o.Seed^0x9e3779b97f4a7c15))
	g := &generator{rng: rng, o: o, slugs: map[string]bool{}}
	g.total = max(o.Actors, 2) + max(o.Places, 3) + max(o.Sources, 1) + o.Events + o.Estimates
	l, err := db.NewLoader(ctx, change, batch)
	if err != nil {
		return Report{}, err
	}
	l.Step = o.Step
	g.l = l
	err = g.run(ctx)
	if cerr := l.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return Report{}, err
	}
	rep := Report{BiggestActor: g.actors[0], BiggestPlace: g.places[g.cities[0]].Ref(), BiggestTag: tags[0], Claimants: len(forceClaimants)}
	if o.Estimates == 0 {
		rep.Claimants = 0
	}
	rep.Timelines, err = g.timelines(ctx, db)
	return rep, err
}

type generator struct {
	l     *sqlite.Loader
	rng   *rand.Rand
	o     Options
	done  int
	total int
	slugs map[string]bool

	actors []conflict.ActorRef
	depth  []int
	places []conflict.Place
	// cities and provinces index places, biggest first.
	cities, provinces []int
	sources           []conflict.Source
	events            []conflict.EventID
	actorZipf         *rand.Zipf
	cityZipf          *rand.Zipf
	provinceZipf      *rand.Zipf
	tagZipf           *rand.Zipf
	sourceZipf        *rand.Zipf
	forceZipf         *rand.Zipf
}

func (g *generator) run(ctx context.Context) error {
	steps := []func() error{g.makeActors, g.makePlaces, g.makeSources, g.makeEvents, g.makeEstimates}
	for _, step := range steps {
		if err := step(); err != nil {
			return err
		}
		if err := ctx.Err(); err != nil {
			return err
		}
	}
	return nil
}

// tick counts a record written and reports progress now and then.
func (g *generator) tick() {
	g.done++
	if g.o.Progress != nil && (g.done%50_000 == 0 || g.done == g.total) {
		g.o.Progress(g.done, g.total)
	}
}

// zipf draws ranks 0..n-1, rank 0 the most often, with exponent s.
func (g *generator) zipf(s float64, n int) *rand.Zipf {
	return rand.NewZipf(g.rng, s, 1, uint64(max(n, 1)-1))
}

func (g *generator) pick(words []string) string { return words[g.rng.IntN(len(words))] }

// unique returns name, or name with a number when another record of the
// kind has its slug already.
func (g *generator) unique(kind, name string) string {
	for n := 2; g.slugs[kind+conflict.Slugify(name)]; n++ {
		name = fmt.Sprintf("%s (%d)", strings.TrimSuffix(name, fmt.Sprintf(" (%d)", n-1)), n)
	}
	g.slugs[kind+conflict.Slugify(name)] = true
	return name
}

// namedActors are the biggest actors, in rank order; a parent is named by
// its index, -1 for none.
var namedActors = []struct {
	name, kind string
	parent     int
	aliases    []string
}{
	{"Islamic State", "armed group", -1, []string{"ISIS", "ISIL", "Daesh", "داعش"}},
	{"Iraqi Security Forces", "state forces", -1, []string{"ISF"}},
	{"Popular Mobilization Forces", "militia coalition", -1, []string{"PMF", "Hashd al-Shaabi", "الحشد الشعبي"}},
	{"Syrian Democratic Forces", "armed group", -1, []string{"SDF", "قوات سوريا الديمقراطية"}},
	{"Syrian Arab Army", "state forces", -1, []string{"SAA"}},
	{"Coalition Forces", "international forces", -1, []string{"CJTF-OIR"}},
	{"Counter Terrorism Service", "state forces", 1, []string{"CTS", "Golden Division"}},
	{"Badr Organization", "militia", 2, []string{"Badr", "منظمة بدر"}},
	{"People's Protection Units", "armed group", 3, []string{"YPG"}},
	{"Free Syrian Army", "armed group", -1, []string{"FSA", "الجيش السوري الحر"}},
	{"Hayat Tahrir al-Sham", "armed group", -1, []string{"HTS", "هيئة تحرير الشام"}},
	{"Kurdish Peshmerga", "regional forces", -1, []string{"Peshmerga", "البيشمركة"}},
	{"Federal Police", "state forces", 1, []string{"FP"}},
	{"Kata'ib Hezbollah", "militia", 2, []string{"KH", "كتائب حزب الله"}},
	{"Turkish Armed Forces", "state forces", -1, []string{"TAF"}},
	{"Wilayat Ninawa", "armed group", 0, nil},
	{"9th Armoured Division", "state forces", 6, nil},
	{"Asa'ib Ahl al-Haq", "militia", 2, []string{"AAH", "عصائب أهل الحق"}},
}

var (
	actorWords = []string{"Northern", "Southern", "Eastern", "Western", "Free", "United", "Popular", "Revolutionary", "National", "Islamic", "Democratic", "Republican"}
	actorKinds = []string{"Brigade", "Front", "Army", "Forces", "Movement", "Battalion", "Guard", "Militia", "Council", "Division"}
)

func (g *generator) makeActors() error {
	n := max(g.o.Actors, 2)
	for i := 0; i < n; i++ {
		a := conflict.Actor{Kind: "armed group",
			Colour: fmt.Sprintf("#%02x%02x%02x", 40+g.rng.IntN(180), 40+g.rng.IntN(180), 40+g.rng.IntN(180))}
		parent := -1
		if i < len(namedActors) {
			na := namedActors[i]
			a.Name, a.Kind, a.Aliases, parent = na.name, na.kind, na.aliases, na.parent
		} else {
			a.Name = fmt.Sprintf("%s %s %d", g.pick(actorWords), g.pick(actorKinds), i+1)
			a.Aliases = []string{strings.ToUpper(conflict.Slugify(a.Name)[:3]) + fmt.Sprint(i+1)}
			// A third hang under a bigger actor that is at most one level
			// down itself: hierarchies two or three deep.
			if g.rng.IntN(3) == 0 {
				if p := g.rng.IntN(max(i/3, 1)); g.depth[p] < 2 {
					parent = p
				}
			}
		}
		if i == 0 && g.o.Force != "" {
			a.Name, a.Aliases = g.o.Force, nil
		}
		a.Name = g.unique("actor:", a.Name)
		depth := 0
		if parent >= 0 && parent < len(g.actors) {
			p := g.actors[parent]
			a.Parent = &p
			depth = g.depth[parent] + 1
		}
		if err := g.l.Actor(&a); err != nil {
			return fmt.Errorf("synthetic actor: %w", err)
		}
		g.actors = append(g.actors, a.Ref())
		g.depth = append(g.depth, depth)
		g.tick()
	}
	g.actorZipf = g.zipf(1.1, n)
	g.forceZipf = g.zipf(1.2, min(n, 60))
	return nil
}

// namedPlace is a real place name with its Arabic name; parent indexes
// the list, -1 for none.
type namedPlace struct {
	name, arabic, kind string
	parent             int
	lat, lon           float64
}

// The biggest places come first within their kind: countries, then
// provinces, then cities.
var namedPlaces = []namedPlace{
	{"Iraq", "العراق", "country", -1, 33.2, 43.7},
	{"Syria", "سوريا", "country", -1, 35.0, 38.5},
	{"Nineveh", "نينوى", "province", 0, 36.3, 42.6},
	{"Anbar", "الأنبار", "province", 0, 33.4, 42.0},
	{"Aleppo Governorate", "محافظة حلب", "province", 1, 36.2, 37.5},
	{"Raqqa Governorate", "محافظة الرقة", "province", 1, 35.9, 38.8},
	{"Salah ad-Din", "صلاح الدين", "province", 0, 34.5, 43.5},
	{"Deir ez-Zor Governorate", "محافظة دير الزور", "province", 1, 35.0, 40.4},
	{"Kirkuk Governorate", "محافظة كركوك", "province", 0, 35.4, 44.2},
	{"Idlib Governorate", "محافظة إدلب", "province", 1, 35.8, 36.6},
	{"Mosul", "الموصل", "city", 2, 36.34, 43.13},
	{"Raqqa", "الرقة", "city", 5, 35.95, 39.01},
	{"Aleppo", "حلب", "city", 4, 36.20, 37.16},
	{"Fallujah", "الفلوجة", "city", 3, 33.35, 43.78},
	{"Ramadi", "الرمادي", "city", 3, 33.42, 43.30},
	{"Tikrit", "تكريت", "city", 6, 34.61, 43.68},
	{"Deir ez-Zor", "دير الزور", "city", 7, 35.33, 40.14},
	{"Tal Afar", "تلعفر", "city", 2, 36.37, 42.45},
	{"Kirkuk", "كركوك", "city", 8, 35.47, 44.39},
	{"Manbij", "منبج", "city", 4, 36.53, 37.95},
	{"Idlib", "إدلب", "city", 9, 35.93, 36.63},
	{"Kobani", "كوباني", "city", 4, 36.89, 38.35},
	{"Hawija", "الحويجة", "city", 8, 35.32, 43.77},
	{"Bayji", "بيجي", "city", 6, 34.93, 43.49},
	{"Qayyarah", "القيارة", "city", 2, 35.80, 43.29},
	{"Hit", "هيت", "city", 3, 33.64, 42.83},
	{"Al-Qaim", "القائم", "city", 3, 34.37, 41.09},
	{"Abu Kamal", "البوكمال", "city", 7, 34.45, 40.92},
	{"Tabqa", "الطبقة", "city", 5, 35.84, 38.55},
	{"Sinjar", "سنجار", "city", 2, 36.32, 41.88},
}

// Generated place names are made of common parts, each with its Arabic.
var (
	placeParts = [][2]string{{"al", "ال"}, {"Tal", "تل"}, {"Ras", "رأس"}, {"Deir", "دير"}, {"Kafr", "كفر"}, {"Ain", "عين"},
		{"Jisr", "جسر"}, {"Bab", "باب"}, {"Qasr", "قصر"}, {"Khan", "خان"}, {"Abu", "أبو"}, {"Umm", "أم"}}
	placeRoots = [][2]string{{"Hamra", "الحمراء"}, {"Zor", "الزور"}, {"Nasr", "نصر"}, {"Salam", "السلام"}, {"Karam", "كرم"},
		{"Hadid", "حديد"}, {"Sultan", "السلطان"}, {"Bayda", "البيضاء"}, {"Jabal", "الجبل"}, {"Nahr", "النهر"}, {"Sahl", "السهل"},
		{"Wadi", "الوادي"}, {"Qamar", "القمر"}, {"Tin", "التين"}, {"Rum", "الروم"}}
	arabicDigits = strings.NewReplacer("0", "٠", "1", "١", "2", "٢", "3", "٣", "4", "٤", "5", "٥", "6", "٦", "7", "٧", "8", "٨", "9", "٩")
)

func (g *generator) makePlaces() error {
	n := max(g.o.Places, 3)
	countries := max(2, n/1000)
	provinces := max(1, n/50)
	var countryIdx, provinceIdx []int
	// Named places first, in their kinds' places in the order.
	named := map[string]int{}
	add := func(p conflict.Place, kind string) error {
		if err := g.l.Place(&p); err != nil {
			return fmt.Errorf("synthetic place: %w", err)
		}
		i := len(g.places)
		g.places = append(g.places, p)
		switch kind {
		case "country":
			countryIdx = append(countryIdx, i)
		case "province":
			provinceIdx = append(provinceIdx, i)
		default:
			g.cities = append(g.cities, i)
		}
		g.tick()
		return nil
	}
	for i, np := range namedPlaces {
		if len(g.places) >= n {
			break
		}
		p := conflict.Place{Name: g.unique("place:", np.name), Kind: np.kind, AltNames: []conflict.AltName{{Name: np.arabic, Lang: "ar"}},
			Coordinates: &conflict.LatLon{Lat: np.lat, Lon: np.lon}}
		if np.parent >= 0 {
			if pi, ok := named[namedPlaces[np.parent].name]; ok {
				ref := g.places[pi].Ref()
				p.Parent = &ref
			}
		}
		if err := add(p, np.kind); err != nil {
			return err
		}
		named[np.name] = i
	}
	for len(g.places) < n {
		var (
			kind   = "city"
			parent *conflict.PlaceRef
			centre = conflict.LatLon{Lat: 30 + g.rng.Float64()*8, Lon: 36 + g.rng.Float64()*10}
		)
		switch {
		case len(countryIdx) < countries:
			kind = "country"
		case len(provinceIdx) < provinces:
			kind = "province"
			ref := g.places[countryIdx[g.rng.IntN(len(countryIdx))]].Ref()
			parent = &ref
		default:
			// Bigger provinces hold more cities.
			pi := provinceIdx[min(int(float64(len(provinceIdx))*math.Pow(g.rng.Float64(), 2)), len(provinceIdx)-1)]
			ref := g.places[pi].Ref()
			parent = &ref
			if c := ref.Coordinates; c != nil {
				centre = conflict.LatLon{Lat: c.Lat + g.rng.NormFloat64()*0.4, Lon: c.Lon + g.rng.NormFloat64()*0.4}
			}
		}
		part, root := placeParts[g.rng.IntN(len(placeParts))], placeRoots[g.rng.IntN(len(placeRoots))]
		num := fmt.Sprint(len(g.places) + 1)
		p := conflict.Place{Name: g.unique("place:", part[0]+" "+root[0]+" "+num), Kind: kind, Parent: parent,
			Coordinates: &conflict.LatLon{Lat: round4(math.Max(-90, math.Min(90, centre.Lat))), Lon: round4(math.Max(-180, math.Min(180, centre.Lon)))}}
		// Many places are reported under their Arabic name as well.
		if g.rng.IntN(10) < 3 {
			p.AltNames = []conflict.AltName{{Name: part[1] + " " + root[1] + " " + arabicDigits.Replace(num), Lang: "ar"}}
		}
		if err := add(p, kind); err != nil {
			return err
		}
	}
	g.provinces = provinceIdx
	if len(g.cities) == 0 {
		g.cities = provinceIdx
	}
	if len(g.cities) == 0 {
		g.cities = countryIdx
	}
	if len(g.provinces) == 0 {
		g.provinces = g.cities
	}
	g.cityZipf = g.zipf(1.1, len(g.cities))
	g.provinceZipf = g.zipf(1.1, len(g.provinces))
	return nil
}

// round4 keeps four decimals of a coordinate, about ten metres, as
// conflict datasets give them.
func round4(x float64) float64 { return math.Round(x*1e4) / 1e4 }

func (g *generator) makeSources() error {
	publishers := []string{"Wire Service", "Daily Monitor", "Regional Times", "Field Report", "Radio Free", "Al-Sabah", "Rudaw", "Enab Baladi"}
	languages := []string{"en", "en", "en", "ar", "ar", "ku", "tr"}
	n := max(g.o.Sources, 1)
	for i := 0; i < n; i++ {
		s := conflict.Source{
			URL:         fmt.Sprintf("https://news.example.org/%d/report-%d", 2014+i%7, i+1),
			Publisher:   g.pick(publishers),
			Title:       fmt.Sprintf("Report %d on the fighting", i+1),
			Published:   g.day(g.rng.IntN(spanDays)),
			Language:    g.pick(languages),
			Reliability: conflict.Reliability("ABCDEF"[g.rng.IntN(6)]),
		}
		if err := g.l.Source(&s); err != nil {
			return fmt.Errorf("synthetic source: %w", err)
		}
		g.sources = append(g.sources, s)
		g.tick()
	}
	g.sourceZipf = g.zipf(1.05, n)
	return nil
}

// start and spanDays bound the generated dates: 2014 to the end of 2020.
var start = time.Date(2014, 1, 1, 0, 0, 0, 0, time.UTC)

const spanDays = 7 * 365

func (g *generator) day(d int) edtf.Date {
	return edtf.MustParse(start.AddDate(0, 0, d).Format("2006-01-02"))
}

// date gives mostly exact days, some months, a few approximate days and
// short intervals, as real reporting does. Records arrive roughly in
// order: most are dated near the i-th of n's share of the span, the rest
// are reported late or filled in afterwards.
func (g *generator) date(i, n int) edtf.Date {
	d := g.rng.IntN(spanDays)
	if g.rng.IntN(10) > 0 {
		d = int(float64(i)/float64(max(n, 1))*spanDays + g.rng.NormFloat64()*20)
		d = max(0, min(d, spanDays-1))
	}
	t := start.AddDate(0, 0, d)
	switch r := g.rng.IntN(100); {
	case r < 78:
		return edtf.MustParse(t.Format("2006-01-02"))
	case r < 90:
		return edtf.MustParse(t.Format("2006-01"))
	case r < 96:
		return edtf.MustParse(t.Format("2006-01-02") + "~")
	case r < 98:
		return edtf.MustParse(t.Format("2006-01-02") + "/" + t.AddDate(0, 0, 2+g.rng.IntN(12)).Format("2006-01-02"))
	default:
		return edtf.MustParse(t.Format("2006-01") + "/" + t.AddDate(0, 1+g.rng.IntN(2), 0).Format("2006-01"))
	}
}

var (
	verbs = []string{"attack", "shell", "capture", "withdraw from", "reinforce", "besiege", "negotiate over", "clear", "train near", "patrol"}
	// tags are in rank order: the first is on the most events.
	tags = []string{"airstrike", "shelling", "armed-clash", "ground-assault", "ied", "ambush", "drone-strike", "displacement",
		"siege", "withdrawal", "reinforcement", "ceasefire", "abduction", "suicide-bombing", "negotiation", "training",
		"protest", "looting", "mass-grave", "humanitarian-access"}
	sentences = []string{
		"Local sources reported heavy fighting on the outskirts through the night.",
		"Residents described convoys moving along the main road before dawn.",
		"Officials gave no figures for casualties, and independent confirmation was not possible.",
		"The move followed weeks of skirmishes along the front line.",
		"Aid groups said hundreds of families had left the area.",
		"Satellite imagery published later showed damage to several buildings.",
		"Commanders described the operation as a success; opponents disputed the claim.",
		"A curfew was declared and checkpoints were set up at the entrances to the town.",
		"Hospitals in the area reported receiving wounded civilians throughout the day.",
		"The bridge over the river was destroyed, cutting the main supply route.",
		"Mortar rounds landed near a school; no casualties were reported.",
		"Fighters were seen digging trenches and laying mines around the villages.",
	}
)

func (g *generator) makeEvents() error {
	n := g.o.Events
	g.tagZipf = g.zipf(1.1, len(tags))
	g.events = make([]conflict.EventID, 0, min(n, 1000))
	for i := 0; i < n; i++ {
		e := g.event(i, n)
		if err := g.l.Event(e); err != nil {
			return fmt.Errorf("synthetic event: %w", err)
		}
		if len(g.events) < cap(g.events) {
			g.events = append(g.events, e.ID)
		}
		g.tick()
	}
	return nil
}

func (g *generator) event(i, n int) *conflict.Event {
	a := g.actors[g.actorZipf.Uint64()]
	var place conflict.PlaceRef
	if g.rng.IntN(100) < 8 {
		place = g.places[g.provinces[g.provinceZipf.Uint64()]].Ref()
	} else {
		place = g.places[g.cities[g.cityZipf.Uint64()]].Ref()
	}
	e := &conflict.Event{
		Title:      fmt.Sprintf("%s %s positions near %s", a.Name, g.pick(verbs), place.Name),
		Date:       g.date(i, n),
		Place:      &place,
		Actors:     []conflict.EventActor{{Actor: a, Role: "actor"}},
		Tags:       []string{tags[g.tagZipf.Uint64()]},
		Status:     conflict.Published,
		ExternalID: fmt.Sprintf("synth:event:%d", i),
	}
	if g.rng.IntN(10) < 7 {
		if b := g.actors[g.actorZipf.Uint64()]; b.ID != a.ID {
			e.Actors = append(e.Actors, conflict.EventActor{Actor: b, Role: "target"})
		}
	}
	if g.rng.IntN(10) < 3 {
		if t := tags[g.tagZipf.Uint64()]; t != e.Tags[0] {
			e.Tags = append(e.Tags, t)
		}
	}
	var body strings.Builder
	for range 2 + g.rng.IntN(3) {
		body.WriteString(g.pick(sentences) + " ")
	}
	e.Body = body.String()
	for range 1 + g.rng.IntN(5)/4 {
		src := g.sources[g.sourceZipf.Uint64()]
		if len(e.Citations) > 0 && e.Citations[0].Source.ID == src.ID {
			break
		}
		e.Citations = append(e.Citations, conflict.Citation{Source: src, Quote: g.pick(sentences), Locator: fmt.Sprintf("paragraph %d", 1+g.rng.IntN(9))})
	}
	return e
}

// The biggest force's estimates come from forty claimants, as a force
// much written about does; others' from a few.
var (
	claimants      = []string{"Coalition officials", "Ministry of Defence", "Local council", "Independent monitor", "Opposition spokesman", "Intelligence estimate", "UN panel of experts", "Think-tank analysis"}
	forceClaimants = func() []string {
		var out []string
		for _, who := range []string{"US", "Iraqi", "Kurdish", "Russian", "Turkish", "Syrian", "French", "British"} {
			for _, what := range []string{"military officials", "intelligence", "defence ministry", "analysts", "media"} {
				out = append(out, who+" "+what)
			}
		}
		return out
	}()
	units = []string{"fighters", "fighters", "fighters", "troops", "vehicles"}
)

func (g *generator) makeEstimates() error {
	for i := 0; i < g.o.Estimates; i++ {
		x := g.estimate(i)
		if err := g.l.Estimate(x); err != nil {
			return fmt.Errorf("synthetic estimate: %w", err)
		}
		g.tick()
	}
	return nil
}

func (g *generator) estimate(i int) *conflict.Estimate {
	force, claimant := g.actors[0], forceClaimants[i%len(forceClaimants)]
	if g.o.Force == "" && g.rng.IntN(10) >= 4 {
		force = g.actors[g.forceZipf.Uint64()]
		if force.ID != g.actors[0].ID {
			claimant = g.pick(claimants)
		}
	}
	place := g.places[g.cities[g.cityZipf.Uint64()]].Ref()
	base := int64(500 + g.rng.IntN(20000))
	x := &conflict.Estimate{
		Force: force, Place: &place, AsOf: g.date(i, g.o.Estimates), Unit: g.pick(units), Claimant: claimant,
		Status: conflict.Published, ExternalID: fmt.Sprintf("synth:estimate:%d", i),
	}
	switch x.Qualifier = synthQualifiers[g.rng.IntN(len(synthQualifiers))]; x.Qualifier {
	case conflict.Exact, conflict.About:
		x.Low, x.High = conflict.Count(base), conflict.Count(base)
	case conflict.Range:
		x.Low, x.High = conflict.Count(base), conflict.Count(base+int64(100+g.rng.IntN(5000)))
	case conflict.AtLeast, conflict.MoreThan:
		x.Low = conflict.Count(base)
	case conflict.AtMost, conflict.FewerThan:
		x.High = conflict.Count(base)
	}
	src := g.sources[g.sourceZipf.Uint64()]
	x.Citations = []conflict.Citation{{Source: src, Quote: "Officials put the number at " + x.ValueText() + "."}}
	return x
}

// synthQualifiers are the qualifiers synthetic estimates use: the five
// there were when the benchmark databases were made, so that a seed makes
// the same records as it did then.
var synthQualifiers = []conflict.Qualifier{conflict.Exact, conflict.About, conflict.Range, conflict.AtLeast, conflict.AtMost}

// MarkTimeline is the slug of the first timeline Generate makes: a
// database that has it was made by sitrep synth, which the tools that
// write benchmark records into a database ask before they do.
const MarkTimeline = "synth-biggest-actor"

// timelines makes a few published timelines of the kinds readers visit:
// the biggest actor's, an actor's events with one tag, the biggest
// place's, one over a date range with estimates, and one with pinned
// events. A timeline already there from an earlier run is kept.
func (g *generator) timelines(ctx context.Context, db *sqlite.DB) ([]conflict.Timeline, error) {
	biggest, second := g.actors[0], g.actors[min(1, len(g.actors)-1)]
	city := g.places[g.cities[0]].Ref()
	specs := []conflict.Timeline{
		{Slug: MarkTimeline, Title: "Everything " + biggest.Name + " did",
			Filter: conflict.TimelineFilter{Actors: []conflict.ActorID{biggest.ID}}},
		{Slug: "synth-actor-and-tag", Title: second.Name + ": " + tags[0] + "s",
			Filter: conflict.TimelineFilter{Actors: []conflict.ActorID{second.ID}, Tags: []string{tags[0]}}},
		{Slug: "synth-biggest-place", Title: "The fighting in and around " + city.Name,
			Filter: conflict.TimelineFilter{Places: []conflict.PlaceID{city.ID}}},
		{Slug: "synth-date-range", Title: biggest.Name + ", October 2016 to July 2017, with estimates of its strength",
			Filter:        conflict.TimelineFilter{Actors: []conflict.ActorID{biggest.ID}, From: edtf.MustParse("2016-10"), To: edtf.MustParse("2017-07")},
			WithEstimates: true},
		{Slug: "synth-pinned", Title: "Sieges, with two events pinned",
			Filter: conflict.TimelineFilter{Tags: []string{"siege"}, Places: []conflict.PlaceID{city.ID}}},
	}
	if len(g.events) >= 2 {
		specs[4].Pinned = []conflict.EventID{g.events[0], g.events[len(g.events)-1]}
	}
	var out []conflict.Timeline
	for _, t := range specs {
		t.Description = "Made by sitrep synth for benchmarks."
		err := db.CreateTimeline(ctx, &t, change)
		if conflict.ErrorCode(err) == conflict.Conflict {
			out = append(out, t)
			continue
		}
		if err != nil {
			return out, errors.Join(fmt.Errorf("synthetic timeline %s", t.Slug), err)
		}
		out = append(out, t)
	}
	return out, nil
}
