package sqlite_test

import (
	"database/sql"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/sitrep/sitrep/internal/conflict"
	"github.com/sitrep/sitrep/internal/edtf"
	"github.com/sitrep/sitrep/internal/sqlite"
	"github.com/sitrep/sitrep/internal/sqlite/sqlitetest"
)

// searchFixture is an empty database with one source to cite.
type searchFixture struct {
	t   *testing.T
	db  *sqlite.DB
	src conflict.Source
}

func newSearchFixture(t *testing.T) *searchFixture {
	t.Helper()
	db := sqlitetest.New(t)
	src := newSource(1)
	if err := db.CreateSource(t.Context(), &src, editor); err != nil {
		t.Fatal(err)
	}
	return &searchFixture{t: t, db: db, src: src}
}

// event publishes an event with a title and body, at a place and with
// actors when given.
func (f *searchFixture) event(title, body string, place *conflict.Place, actors ...conflict.Actor) conflict.Event {
	f.t.Helper()
	e := conflict.Event{Title: title, Body: body, Date: edtf.MustParse("2016-10-17"), Status: conflict.Published,
		Citations: []conflict.Citation{{Source: f.src}}}
	if place != nil {
		ref := place.Ref()
		e.Place = &ref
	}
	for _, a := range actors {
		e.Actors = append(e.Actors, conflict.EventActor{Actor: a.Ref(), Role: "attacker"})
	}
	if err := f.db.CreateEvent(f.t.Context(), &e, editor); err != nil {
		f.t.Fatal(err)
	}
	return e
}

func (f *searchFixture) actor(name string, aliases ...string) conflict.Actor {
	f.t.Helper()
	a := conflict.Actor{Name: name, Aliases: aliases, Kind: "armed group", Status: conflict.Published}
	if err := f.db.CreateActor(f.t.Context(), &a, editor); err != nil {
		f.t.Fatal(err)
	}
	return a
}

func (f *searchFixture) place(name string, others ...string) conflict.Place {
	f.t.Helper()
	p := conflict.Place{Name: name, Kind: "city", Status: conflict.Published}
	for _, n := range others {
		p.AltNames = append(p.AltNames, conflict.AltName{Name: n, Lang: "ar"})
	}
	if err := f.db.CreatePlace(f.t.Context(), &p, editor); err != nil {
		f.t.Fatal(err)
	}
	return p
}

func (f *searchFixture) search(q string) conflict.SearchResults {
	f.t.Helper()
	res, err := f.db.Search(f.t.Context(), q, 20)
	if err != nil {
		f.t.Fatalf("Search(%q): %v", q, err)
	}
	return res
}

// finds checks that each query finds the event titled title.
func (f *searchFixture) finds(title string, queries ...string) {
	f.t.Helper()
	for _, q := range queries {
		got := hitTitles(f.search(q).Events)
		if !slices.Contains(got, "event: "+title+" ") {
			f.t.Errorf("Search(%q) found %q; want the event %q", q, got, title)
		}
	}
}

func TestSearchFindsEnglishWordForms(t *testing.T) {
	f := newSearchFixture(t)
	f.event("Coalition airstrikes hit bridges", "Fighters withdrew from the villages.", nil)
	f.event("Convoy ambushed", "A fighter was wounded in the ambush.", nil)
	f.finds("Coalition airstrikes hit bridges", "airstrike", "bridge", "fighter", "fighters", "withdr*", "village")
	f.finds("Convoy ambushed", "fighters", "ambush", "convoys", "wounded")
	if res := f.search("airstrikes -bridge"); len(res.Events) != 0 {
		t.Errorf("airstrikes -bridge found %q; a word left out is left out in every form", hitTitles(res.Events))
	}
}

func TestSearchFoldsLatinDiacritics(t *testing.T) {
	f := newSearchFixture(t)
	f.event("Fighting at the Jāmiʿ an-Nūrī", "Near the Ḥadbāʾ minaret, west of the Tigris.", nil)
	f.event("Clashes near Jami' al-Kabir", "The Ba'ath party building was hit.", nil)
	f.event("Shelling reported in Łódź and Şanlıurfa", "Reports in Français from the Øresund.", nil)
	f.finds("Fighting at the Jāmiʿ an-Nūrī", "Jami an-Nuri", "jami an nuri", `"Jāmiʿ an-Nūrī"`, "hadba", "Ḥadbāʾ")
	f.finds("Clashes near Jami' al-Kabir", "Jāmiʿ al-Kabīr", "Jamiʿ", "baath", "Baʿath")
	f.finds("Shelling reported in Łódź and Şanlıurfa", "Lodz", "sanliurfa", "francais", "oresund")
}

func TestSearchFoldsArabicForms(t *testing.T) {
	f := newSearchFixture(t)
	f.event("قصف جوي على الموصل", "سقطت قذائف قرب مستشفى المدينة في مُحافَظة نينوى.", nil)
	f.event("اشتباكات في إدلب", "قال مسؤول إنّ المقاتلين انسحبوا إلى آمرلي ثم إلى سـامـراء، وقال رؤساء العشائر.", nil)
	// The article ال, with or without it, and with و or ب before it.
	f.finds("قصف جوي على الموصل", "موصل", "الموصل", "والموصل", "بالموصل")
	// Taa marbuta, alef maqsura, harakat.
	f.finds("قصف جوي على الموصل", "محافظه", "محافظة", "مستشفي", "مَدينة", "نينوي")
	// Alef and hamza forms, tatweel.
	f.finds("اشتباكات في إدلب", "ادلب", "أدلب", "امرلي", "سامراء", "روساء", "مسوول", "ان")
}

func TestSearchFoldsKurdishAndPersianLetters(t *testing.T) {
	f := newSearchFixture(t)
	f.event("هێرش لە سلێمانی", "شەڕ لە کەرکووک و ھەولێر.", nil)
	f.event("حمله در ایران", "نیروهای کرد در کرمانشاه.", nil)
	f.finds("هێرش لە سلێمانی", "سليماني", "سلیمانی", "كەركووك", "كهركووك", "هەولير", "ههولير", "شهر")
	f.finds("حمله در ایران", "ايران", "ایران", "كرمانشاه", "نيروهاي")
}

func TestSearchNameFindsLinkedEventsAndEstimates(t *testing.T) {
	f := newSearchFixture(t)
	ctx := t.Context()
	is := f.actor("Islamic State", "ISIS", "Daesh", "داعش")
	mosul := f.place("Mosul", "الموصل")
	attack := f.event("Attack on a checkpoint", "Gunmen attacked a checkpoint at dawn.", nil, is)
	shelling := f.event("Shelling of the old city", "Mortar rounds fell on the market.", &mosul)
	f.event("Unrelated clashes", "Nothing to do with either.", nil)
	x := conflict.Estimate{Force: is.Ref(), Unit: "fighters", Claimant: "Monitor", AsOf: edtf.MustParse("2016-10"),
		Qualifier: conflict.Exact, Low: conflict.Count(5000), High: conflict.Count(5000), Status: conflict.Published,
		Citations: []conflict.Citation{{Source: f.src}}}
	if err := f.db.CreateEstimate(ctx, &x, editor); err != nil {
		t.Fatal(err)
	}
	named := func(q, kind, name string) conflict.NamedRecord {
		t.Helper()
		res := f.search(q)
		for _, n := range res.Named {
			if n.Hit.Kind == kind && n.Hit.Title[0].Text == name {
				if len(res.Others) == 0 || res.Others[0].ID != n.Hit.ID || res.Others[0].Kind != kind {
					t.Errorf("Search(%q) lists %q first; want the %s it names", q, hitTitles(res.Others), kind)
				}
				return n
			}
		}
		t.Fatalf("Search(%q) names %+v; want the %s %s", q, res.Named, kind, name)
		return conflict.NamedRecord{}
	}
	for _, q := range []string{"ISIS", "isis", "Daesh", "داعش", "Islamic State"} {
		n := named(q, "actor", "Islamic State")
		if n.EventCount != 1 || len(n.Events) != 1 || n.Events[0].ID != int64(attack.ID) {
			t.Errorf("Search(%q) lists the Islamic State's events %d %+v; want the attack", q, n.EventCount, n.Events)
		}
		if n.EstimateCount != 1 || len(n.Estimates) != 1 || n.Estimates[0].ID != int64(x.ID) {
			t.Errorf("Search(%q) lists the Islamic State's estimates %d %+v; want one", q, n.EstimateCount, n.Estimates)
		} else if got := n.Estimates[0].Title[0].Text; got != "Islamic State: 5,000 fighters" {
			t.Errorf("estimate listed as %q", got)
		}
	}
	for _, q := range []string{"الموصل", "موصل", "mosul"} {
		n := named(q, "place", "Mosul")
		if n.EventCount != 1 || len(n.Events) != 1 || n.Events[0].ID != int64(shelling.ID) {
			t.Errorf("Search(%q) lists Mosul's events %d %+v; want the shelling", q, n.EventCount, n.Events)
		}
	}
	// Part of a name is a word search, not a name.
	if res := f.search("Islamic"); len(res.Named) != 0 {
		t.Errorf("Search(Islamic) names %+v; want no record named by a part of its name", res.Named)
	}
}

func TestSearchGroupsResultsByKindWithCounts(t *testing.T) {
	f := newSearchFixture(t)
	for _, title := range []string{"Convoy ambushed on the highway", "Convoy reaches the front", "Second convoy turned back"} {
		f.event(title, "", nil)
	}
	f.event("Market shelled", "A convoy of ambulances came later.", nil)
	f.place("Convoy Junction")
	f.actor("Convoy Escort Brigade")
	for i, title := range []string{"Convoys on the move", "A convoy report"} {
		s := newSource(10 + i)
		s.Title = title
		if err := f.db.CreateSource(t.Context(), &s, editor); err != nil {
			t.Fatal(err)
		}
	}
	var got []string
	for _, g := range f.search("convoy").Groups() {
		got = append(got, g.Kind+" "+strings.Repeat("+", btoi(g.AtLeast))+string(rune('0'+g.Count)))
		if len(g.Hits) != g.Count {
			t.Errorf("group %s lists %d hits, counts %d", g.Kind, len(g.Hits), g.Count)
		}
	}
	want := []string{"event 4", "actor 1", "place 1", "source 2"}
	if !slices.Equal(got, want) {
		t.Errorf("groups %q, want %q", got, want)
	}
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

func TestSearchRanksExactAndTitleMatchesFirst(t *testing.T) {
	f := newSearchFixture(t)
	f.event("Roads closed", "Airstrikes were reported; airstrikes continued; airstrike after airstrike.", nil)
	f.event("Airstrikes near the dam", "", nil)
	f.event("Airstrike", "", nil)
	f.event("Night airstrike on the bridge", "", nil)
	got := hitTitles(f.search("airstrike").Events)
	want := []string{"event: Airstrike ", "event: Night airstrike on the bridge ", "event: Airstrikes near the dam ", "event: Roads closed "}
	if !slices.Equal(got, want) {
		t.Errorf("airstrike ranked %q; want the exact title, the exact word in a title, the word's other form in a title, the body last: %q", got, want)
	}
	f.place("Mosul Dam")
	f.place("Mosul")
	f.place("Old Mosul Road")
	got = hitTitles(f.search("mosul").Others)
	if len(got) == 0 || got[0] != "place: Mosul " {
		t.Errorf("mosul ranked %q; want the place named exactly Mosul first", got)
	}
}

// A page of results is the best candidates reordered, then cut: a title
// that is exactly the query comes first even when relevance alone put it
// past the page, and the page holds no more than asked.
func TestSearchReordersBeforeItCuts(t *testing.T) {
	f := newSearchFixture(t)
	f.event("Airstrike", "", nil)
	for _, title := range []string{"Airstrike airstrike airstrike", "Airstrikes, airstrikes, airstrikes", "Airstrike after airstrike"} {
		f.event(title, "Airstrike. Airstrike. Airstrike.", nil)
	}
	res, err := f.db.Search(t.Context(), "airstrike", 2)
	if err != nil {
		t.Fatal(err)
	}
	got := hitTitles(res.Events)
	if len(got) != 2 || got[0] != "event: Airstrike " {
		t.Errorf("airstrike, two a page, gave %q; want the exact title first of two", got)
	}
	if res.EventCount != 4 {
		t.Errorf("airstrike counted %d events, want 4", res.EventCount)
	}
	for _, h := range res.Events {
		if len(h.Snippet) == 0 && h.Title == nil {
			t.Errorf("hit %d has neither title nor snippet", h.ID)
		}
	}
	// The same among sources.
	for i, title := range []string{"Airstrike airstrike airstrike", "Airstrikes, airstrikes, airstrikes", "Airstrike", "Airstrike after airstrike"} {
		src := newSource(20 + i)
		src.Title, src.Publisher = title, "Airstrike Airstrike Airstrike"
		if err := f.db.CreateSource(t.Context(), &src, editor); err != nil {
			t.Fatal(err)
		}
	}
	if res, err = f.db.Search(t.Context(), "airstrike", 2); err != nil {
		t.Fatal(err)
	}
	got = hitTitles(res.Others)
	if want := []string{"source: Airstrike ", "source: Airstrike airstrike airstrike "}; !slices.Equal(got, want) {
		t.Errorf("airstrike, two a page, listed %q; want %q", got, want)
	}
}

// TestSearchIndexesFollowEdits edits and removes folded text through the
// triggers, as any write does, and checks that searches follow and that
// each index still holds exactly what it was given: removing a row gives
// the index its folded words again, which must be the ones it holds.
func TestSearchIndexesFollowEdits(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sitrep.db")
	db := sqlitetest.Open(t, path)
	f := &searchFixture{t: t, db: db, src: newSource(1)}
	if err := db.CreateSource(t.Context(), &f.src, editor); err != nil {
		t.Fatal(err)
	}
	is := f.actor("Islamic State", "ISIS", "داعش")
	f.place("Mosul", "الموصل")
	e := f.event("قصف جوي على الموصل", "Fighters of the Jāmiʿ an-Nūrī brigade.", nil, is)
	raw, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	for _, q := range []string{
		`UPDATE events SET title = 'اشتباكات في إدلب', body = 'Ḥadbāʾ minaret' WHERE id = ` + strconv.FormatInt(int64(e.ID), 10),
		`DELETE FROM actor_aliases WHERE alias = 'داعش'`,
		`UPDATE places SET name = 'Al-Mawṣil', description = 'Nīnawā' WHERE slug = 'mosul'`,
	} {
		if _, err := raw.ExecContext(t.Context(), q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	f.finds("اشتباكات في إدلب", "ادلب", "hadba")
	if got := hitTitles(f.search("موصل").Events); len(got) != 0 {
		t.Errorf("موصل still finds %q after the title changed", got)
	}
	if res := f.search("داعش"); len(res.Named) != 0 {
		t.Errorf("داعش still names %+v after the alias was removed", res.Named)
	}
	if res := f.search("al mawsil"); len(res.Named) != 1 || res.Named[0].Hit.Title[0].Text != "Al-Mawṣil" {
		t.Errorf("al mawsil names %+v; want the renamed place", res.Named)
	}
	for _, table := range []string{"events_date_fts", "records_fts"} {
		if _, err := raw.ExecContext(t.Context(), `INSERT INTO `+table+` (`+table+`, rank) VALUES ('integrity-check', 0)`); err != nil {
			t.Errorf("%s after edits: %v", table, err)
		}
	}
}
