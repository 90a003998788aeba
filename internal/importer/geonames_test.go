package importer_test

import (
	"strings"
	"testing"

	"github.com/sitrep/sitrep/internal/conflict"
	"github.com/sitrep/sitrep/internal/importer"
	"github.com/sitrep/sitrep/internal/sqlite"
	"github.com/sitrep/sitrep/internal/sqlite/sqlitetest"
)

// geoRow is one GeoNames row: id, name, asciiname, alternatenames,
// latitude, longitude, feature class and code, country code, admin1 and
// admin2 codes; the other columns as GeoNames fills them.
func geoRow(id, name, ascii, alt, lat, lon, class, code, cc, a1, a2 string) string {
	return strings.Join([]string{id, name, ascii, alt, lat, lon, class, code, cc, "", a1, a2, "", "", "1000", "", "250", "Asia/Baghdad", "2024-01-01"}, "\t") + "\n"
}

// A small GeoNames file, its places before the district, province and
// country they lie in, as GeoNames' files often have them.
var geoFile = geoRow("99072", "Mosul", "Mosul", "Al Mawsil,Mawsil,الموصل,Mossul,Mosul", "36.335", "43.11889", "P", "PPLA", "IQ", "15", "2512") +
	geoRow("98940", "Tall Kayf", "Tall Kayf", "Tel Keppe,ܬܠܟܐܦ,تلكيف", "36.48972", "43.11917", "P", "PPL", "IQ", "15", "2512") +
	geoRow("301", "Kani", "Kani", "", "36.1", "43.2", "P", "PPL", "IQ", "15", "2512") +
	geoRow("302", "Kani", "Kani", "", "36.2", "43.9", "P", "PPL", "IQ", "15", "2512") +
	geoRow("8376483", "Mosul District", "Mosul District", "قضاء الموصل", "36.4", "43.1", "A", "ADM2", "IQ", "15", "2512") +
	geoRow("98180", "Nineveh", "Nineveh", "Muhafazat Ninawa,Ninawa,محافظة نينوى", "36.25", "42.5", "A", "ADM1", "IQ", "15", "") +
	geoRow("99237", "Iraq", "Iraq", "Irak,العراق,ܥܝܪܐܩ", "33", "44", "A", "PCLI", "IQ", "00", "")

func runFormat(t *testing.T, db *sqlite.DB, format, file string, dry bool) (conflict.ImportResult, error) {
	t.Helper()
	return importer.Run(t.Context(), db, strings.NewReader(file), importer.Options{Name: "test.file", DryRun: dry, Format: format})
}

// A small GeoNames file imports: other names in every script, the
// hierarchy from the admin codes, two villages of one name kept apart; a
// search for a name in Arabic script finds its place; importing it again
// changes nothing.
func TestImportGeoNames(t *testing.T) {
	db := sqlitetest.New(t)
	ctx := t.Context()
	// A place an editor made before, without a position: enriched.
	iraq := conflict.Place{Name: "Iraq"}
	if err := db.CreatePlace(ctx, &iraq, conflict.Change{}); err != nil {
		t.Fatal(err)
	}
	dry, err := runFormat(t, db, importer.FormatGeoNames, geoFile, true)
	if err != nil || dry.Places != (conflict.ImportCounts{Created: 6, Updated: 1}) || dry.Committed {
		t.Fatalf("dry run = %+v, %v", dry, err)
	}
	res, err := runFormat(t, db, importer.FormatGeoNames, geoFile, false)
	if err != nil || res.Places != (conflict.ImportCounts{Created: 6, Updated: 1}) || !res.Committed {
		t.Fatalf("import = %+v, %v", res, err)
	}

	found, err := db.Search(ctx, "الموصل", 10)
	if err != nil {
		t.Fatal(err)
	}
	var mosul int64
	for _, h := range found.Others {
		if h.Kind == "place" && h.Slug == "mosul" {
			mosul = h.ID
		}
	}
	if mosul == 0 {
		t.Fatalf("searching for الموصل found %+v, want the place Mosul", found.Others)
	}
	p, err := db.FindPlaceByID(ctx, conflict.PlaceID(mosul))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, n := range p.AltNames {
		names = append(names, n.Name)
	}
	if p.Kind != "populated place" || p.Coordinates == nil || p.Coordinates.Lat != 36.335 || len(names) != 4 || !strings.Contains(strings.Join(names, "|"), "الموصل") {
		t.Errorf("Mosul = kind %q at %+v, other names %q; want a populated place with 4 other names", p.Kind, p.Coordinates, names)
	}
	up, err := db.FindPlaceAncestors(ctx, p.ID)
	if err != nil || len(up) != 3 || up[0].ID != iraq.ID || up[1].Name != "Nineveh" || up[2].Name != "Mosul District" {
		t.Errorf("Mosul lies in %+v, %v; want Iraq › Nineveh › Mosul District", up, err)
	}
	enriched, err := db.FindPlaceByID(ctx, iraq.ID)
	if err != nil || enriched.Coordinates == nil || enriched.Kind != "country" || len(enriched.AltNames) != 3 {
		t.Errorf("the editor's Iraq after the import = %+v, %v; want its position, kind and 3 other names", enriched, err)
	}
	if syriac, err := db.Search(ctx, "ܬܠܟܐܦ", 10); err != nil || len(syriac.Others) != 1 || syriac.Others[0].Slug != "tall-kayf" {
		t.Errorf("searching in Syriac script found %+v, %v; want Tall Kayf", syriac.Others, err)
	}
	kani, err := db.FindPlacesByName(ctx, "Kani")
	if err != nil || len(kani) != 2 {
		t.Errorf("the two villages called Kani are %+v, %v; want two places", kani, err)
	}

	again, err := runFormat(t, db, importer.FormatGeoNames, geoFile, false)
	if err != nil || again.Places != (conflict.ImportCounts{Matched: 7}) {
		t.Errorf("import again = %+v, %v; want all 7 matched", again.Places, err)
	}
}

// A file in another format, bad cells and an id given twice are reported
// by row, and nothing is imported.
func TestImportGeoNamesBadInput(t *testing.T) {
	db := sqlitetest.New(t)
	res, err := runFormat(t, db, importer.FormatGeoNames, "name,latitude,longitude\nMosul,36.3,43.1\n", false)
	if conflict.ErrorCode(err) != conflict.Invalid || len(res.Problems) != 1 || res.Problems[0].Row != 1 ||
		!strings.Contains(res.Problems[0].Reason, "not a GeoNames file") || !strings.Contains(conflict.ErrorMessage(err), "1 problem;") {
		t.Errorf("a CSV file = %v %+v", err, res.Problems)
	}
	file := geoRow("99237", "Iraq", "Iraq", "", "33", "44", "A", "PCLI", "IQ", "00", "") +
		geoRow("99072", "Mosul", "Mosul", "", "136.3", "43.1", "P", "PPLA", "IQ", "15", "") +
		geoRow("99237", "Iraq again", "", "", "33", "44", "A", "PCLI", "IQ", "00", "") +
		geoRow("x1", "Nowhere", "", "", "33", "44", "Q", "PPL", "IRQ", "", "")
	res, err = runFormat(t, db, importer.FormatGeoNames, file, false)
	var got []string
	for _, p := range res.Problems {
		got = append(got, p.String())
	}
	want := []string{"row 2, column latitude", "row 3, column geonameid: The id 99237 is used again: row 1 has it already.",
		"row 4, column country code", "row 4, column feature class", "row 4, column geonameid"}
	if conflict.ErrorCode(err) != conflict.Invalid || len(got) != len(want) {
		t.Fatalf("bad rows = %v, problems:\n%s", err, strings.Join(got, "\n"))
	}
	for i := range want {
		if !strings.HasPrefix(got[i], want[i]) {
			t.Errorf("problem %d = %q, want it to start %q", i, got[i], want[i])
		}
	}
	if places, err := db.FindPlacesByName(t.Context(), "Iraq"); err != nil || len(places) != 0 {
		t.Errorf("a file with problems imported %+v, %v", places, err)
	}
}

// An actors file creates actors with their aliases, kinds and parents
// (named by alias, before or after in the file), enriches a stored one
// found by an alias, and changes nothing when imported again.
func TestImportActors(t *testing.T) {
	db := sqlitetest.New(t)
	ctx := t.Context()
	isis := conflict.Actor{Name: "ISIS"}
	if err := db.CreateActor(ctx, &isis, conflict.Change{}); err != nil {
		t.Fatal(err)
	}
	file := "name,aliases,kind,parent,notes\n" +
		"Islamic State,ISIS|ISIL|داعش,armed group,,\n" +
		"Wilayat Ninawa,IS Ninawa province,armed group,ISIL,\n" +
		"Peshmerga,البيشمركة;Kurdish forces,armed force,KRG,\n" +
		"Kurdistan Regional Government,KRG,government,,\n"
	res, err := runFormat(t, db, importer.FormatActors, file, false)
	if err != nil || res.Actors != (conflict.ImportCounts{Created: 3, Updated: 1}) {
		t.Fatalf("import = %+v, %v %v", res.Actors, err, res.Problems)
	}
	stored, err := db.FindActorByID(ctx, isis.ID)
	if err != nil || stored.Kind != "armed group" || !strings.Contains(strings.Join(stored.Aliases, "|"), "Islamic State") ||
		!strings.Contains(strings.Join(stored.Aliases, "|"), "داعش") {
		t.Errorf("the stored ISIS after the import = %+v, %v; want the file's name and aliases among its aliases", stored, err)
	}
	pesh, err := db.FindActorsByName(ctx, "البيشمركة")
	if err != nil || len(pesh) != 1 {
		t.Fatalf("Peshmerga by its Arabic alias = %+v, %v", pesh, err)
	}
	a, err := db.FindActorByID(ctx, pesh[0].ID)
	if err != nil || a.Kind != "armed force" || a.Parent == nil || a.Parent.Name != "Kurdistan Regional Government" {
		t.Errorf("Peshmerga = %+v, %v; want an armed force inside the KRG", a, err)
	}
	wil, err := db.FindActorsByName(ctx, "Wilayat Ninawa")
	if err != nil || len(wil) != 1 {
		t.Fatal(wil, err)
	}
	if a, err := db.FindActorByID(ctx, wil[0].ID); err != nil || a.Parent == nil || a.Parent.ID != isis.ID {
		t.Errorf("Wilayat Ninawa's parent = %+v, %v; want the stored ISIS", a.Parent, err)
	}
	again, err := runFormat(t, db, importer.FormatActors, file, false)
	if err != nil || again.Actors != (conflict.ImportCounts{Matched: 4}) {
		t.Errorf("import again = %+v, %v %v; want all 4 matched", again.Actors, err, again.Problems)
	}
}

func TestImportActorsBadInput(t *testing.T) {
	db := sqlitetest.New(t)
	res, err := runFormat(t, db, importer.FormatActors, "name,kind,parent\nISIS,armed group,\n", false)
	if conflict.ErrorCode(err) != conflict.Invalid || len(res.Problems) != 1 || res.Problems[0].Row != 1 ||
		!strings.Contains(res.Problems[0].Reason, "lacks an actors file's columns aliases") {
		t.Errorf("a header without aliases = %v %+v", err, res.Problems)
	}
	file := "name,aliases,kind,parent\n" +
		"Islamic State,ISIS,armed group,\n" +
		"Wilayat Ninawa,,armed group,Caliphate HQ\n" +
		"ISIS,,,\n" +
		",,armed group,\n"
	res, err = runFormat(t, db, importer.FormatActors, file, false)
	var got []string
	for _, p := range res.Problems {
		got = append(got, p.String())
	}
	want := []string{`row 3, column parent: No actor is named "Caliphate HQ"`, "row 4, column name: ISIS is the actor of row 2 again", "row 5, column name: Name is required."}
	if conflict.ErrorCode(err) != conflict.Invalid || len(got) != len(want) {
		t.Fatalf("bad rows = %v, problems:\n%s", err, strings.Join(got, "\n"))
	}
	for i := range want {
		if !strings.HasPrefix(got[i], want[i]) {
			t.Errorf("problem %d = %q, want it to start %q", i, got[i], want[i])
		}
	}
	if found, _ := db.FindActorsByName(t.Context(), "Islamic State"); len(found) != 0 {
		t.Errorf("a file with problems imported %+v", found)
	}
}

// Into an empty database the places are written in bulk, their search
// index filled at the end: names in other scripts are found all the same.
func TestImportGeoNamesBulkSearch(t *testing.T) {
	db := sqlitetest.New(t)
	res, err := runFormat(t, db, importer.FormatGeoNames, geoFile, false)
	if err != nil || res.Places != (conflict.ImportCounts{Created: 7}) {
		t.Fatalf("import = %+v, %v", res.Places, err)
	}
	for name, slug := range map[string]string{"العراق": "iraq", "الموصل": "mosul", "نينوى": "nineveh"} {
		found, err := db.Search(t.Context(), name, 10)
		hit := false
		for _, h := range found.Others {
			hit = hit || (h.Kind == "place" && h.Slug == slug)
		}
		if err != nil || !hit {
			t.Errorf("searching for %s found %+v, %v; want %s among them", name, found.Others, err, slug)
		}
	}
}
