package importer_test

import (
	"strings"
	"testing"

	"github.com/sitrep/sitrep/internal/conflict"
	"github.com/sitrep/sitrep/internal/importer"
	"github.com/sitrep/sitrep/internal/sqlite/sqlitetest"
)

// gedHeader is GED's header, with columns sitrep ignores among those it
// reads.
const gedHeader = "id,relid,year,active_year,type_of_violence,conflict_name,dyad_name,side_a,side_b,source_article,where_coordinates,adm_1,adm_2,latitude,longitude,country,region,date_prec,date_start,date_end,deaths_a,deaths_b,deaths_civilians,deaths_unknown,best,high,low\n"

func gedRow(id, violence, sideA, sideB, sources, prec, start, end, best, high, low string) string {
	return id + ",IRQ-2016-1-" + id + ",2016,1," + violence + ",Iraq: Government,Government of Iraq - IS," + sideA + "," + sideB + "," +
		`"` + strings.ReplaceAll(sources, `"`, `""`) + `"` + ",Mosul town,Ninawa governorate,Mosul district,36.34,43.13,Iraq,Middle East," +
		prec + "," + start + "," + end + ",3,5,0,0," + best + "," + high + "," + low + "\n"
}

// A small GED file imports: dates as precise as GED says, sides as
// actors, the place inside its district, province and country, sources
// without an address found by publisher, title and date, one with an
// address kept exactly, and the deaths in the body. Importing it again
// changes nothing.
func TestImportGED(t *testing.T) {
	db := sqlitetest.New(t)
	ctx := t.Context()
	const afp = "Agence France Presse,2016-10-17,Iraqi forces push into Mosul"
	const reuters = `Reuters,2016-10-17,"Battle for Mosul" https://www.reuters.com/article/mosul/?41658-title`
	file := gedHeader +
		gedRow("1001", "1", "Government of Iraq", "IS", afp+"; "+reuters, "1", "2016-10-17 00:00:00.000", "2016-10-17 00:00:00.000", "8", "10", "8") +
		gedRow("1002", "3", "IS", "Civilians", afp, "4", "2016-11-01 00:00:00.000", "2016-11-30 00:00:00.000", "12", "15", "9") +
		gedRow("1003", "1", "Government of Iraq", "IS", "BBC Monitoring,2016-10-21,Radio report from Mosul", "2", "2016-10-20", "2016-10-22", "4", "4", "4")

	dry, err := run(t, db, file, true)
	if err != nil || dry.Events.Created != 3 || dry.Committed {
		t.Fatalf("dry run = %+v, %v; want 3 events to create and nothing written", dry, err)
	}
	res, err := run(t, db, file, false)
	if err != nil {
		t.Fatalf("import: %v %v", err, res.Problems)
	}
	want := conflict.ImportResult{Events: conflict.ImportCounts{Created: 3}, Actors: conflict.ImportCounts{Created: 3},
		Places: conflict.ImportCounts{Created: 4}, Sources: conflict.ImportCounts{Created: 3}, Committed: true}
	if res.Events != want.Events || res.Actors != want.Actors || res.Places != want.Places || res.Sources != want.Sources || !res.Committed {
		t.Errorf("import = %+v, want %+v", res, want)
	}

	e, err := db.FindEventByExternalID(ctx, "ged:1001")
	if err != nil {
		t.Fatal(err)
	}
	if e.Date.String() != "2016-10-17" || e.Title != "State-based conflict: Government of Iraq vs IS in Mosul town" {
		t.Errorf("event 1001: %q on %s", e.Title, e.Date)
	}
	if !strings.Contains(e.Body, "Deaths (UCDP GED): best estimate 8, low 8, high 10; side A 3, side B 5, civilians 0, unknown 0.") ||
		!strings.Contains(e.Body, "Conflict (UCDP): Iraq: Government.") {
		t.Errorf("event 1001 body:\n%s", e.Body)
	}
	if len(e.Actors) != 2 || e.Actors[0].Actor.Name != "Government of Iraq" || e.Actors[0].Role != "side a" || e.Actors[1].Role != "side b" {
		t.Errorf("event 1001 actors = %+v", e.Actors)
	}
	if len(e.Citations) != 2 {
		t.Fatalf("event 1001 cites %d sources, want 2", len(e.Citations))
	}
	if s := e.Citations[0].Source; s.URL != "" || s.Publisher != "Agence France Presse" || s.Title != "Iraqi forces push into Mosul" || s.Published.String() != "2016-10-17" {
		t.Errorf("AFP source = %+v, want no address, its publisher, title and date", s)
	}
	if s := e.Citations[1].Source; s.URL != "https://www.reuters.com/article/mosul/?41658-title" || s.Title != "Battle for Mosul" {
		t.Errorf("Reuters source = %q %q, want its address exactly", s.URL, s.Title)
	}
	if e.Place == nil || e.Place.Name != "Mosul town" {
		t.Fatalf("event 1001 place = %+v", e.Place)
	}
	up, err := db.FindPlaceAncestors(ctx, e.Place.ID)
	if err != nil || len(up) != 3 || up[0].Name != "Iraq" || up[1].Name != "Ninawa governorate" || up[2].Name != "Mosul district" {
		t.Errorf("Mosul town lies in %+v, %v; want Iraq › Ninawa governorate › Mosul district", up, err)
	}
	for id, date := range map[string]string{"ged:1002": "2016-11", "ged:1003": "2016-10-20~/2016-10-22~"} {
		e, err := db.FindEventByExternalID(ctx, id)
		if err != nil || e.Date.String() != date {
			t.Errorf("%s date = %s, %v; want %s", id, e.Date, err, date)
		}
	}
	second, err := db.FindEventByExternalID(ctx, "ged:1002")
	if err != nil || len(second.Citations) != 1 || second.Citations[0].Source.ID != e.Citations[0].Source.ID {
		t.Errorf("event 1002 does not cite the AFP report event 1001 cites: %+v", second.Citations)
	}

	again, err := run(t, db, file, false)
	if err != nil || again.Events != (conflict.ImportCounts{Matched: 3}) || again.Sources.Created != 0 || again.Places.Created != 0 || again.Actors.Created != 0 {
		t.Errorf("import again = %+v, %v; want everything matched", again, err)
	}
}

// GED dates say no more than date_prec allows.
func TestImportGEDDates(t *testing.T) {
	tests := []struct{ prec, start, end, want string }{
		{"1", "2016-10-17", "2016-10-17", "2016-10-17"},
		{"1", "2016-10-17", "2016-10-19", "2016-10-17/2016-10-19"},
		{"3", "2016-10-17", "2016-10-17", "2016-10-17~"},
		{"4", "2016-10-01", "2016-11-30", "2016-10/2016-11"},
		{"5", "2016-01-01 00:00:00.000", "2016-12-31 00:00:00.000", "2016"},
		{"5", "2016-03-01", "2016-06-30", "2016-03/2016-06"},
	}
	for _, tt := range tests {
		db := sqlitetest.New(t)
		file := gedHeader + gedRow("7", "2", "IS", "Peshmerga", "Rudaw,2016-10-17,Clashes", tt.prec, tt.start, tt.end, "1", "1", "1")
		if res, err := run(t, db, file, false); err != nil {
			t.Fatalf("date_prec %s %s–%s: %v %v", tt.prec, tt.start, tt.end, err, res.Problems)
		}
		e, err := db.FindEventByExternalID(t.Context(), "ged:7")
		if err != nil || e.Date.String() != tt.want {
			t.Errorf("date_prec %s %s–%s = %s, %v; want %s", tt.prec, tt.start, tt.end, e.Date, err, tt.want)
		}
	}
}

// A wrong header, bad cells and an id given twice are each reported with
// their row and column, and nothing is imported.
func TestImportGEDBadInput(t *testing.T) {
	db := sqlitetest.New(t)
	noBest := strings.Replace(gedHeader, ",best,", ",best_estimate,", 1)
	res, err := run(t, db, noBest+gedRow("1", "1", "A", "B", "X,2016-01-01,Y", "1", "2016-01-01", "2016-01-01", "1", "1", "1"), false)
	if conflict.ErrorCode(err) != conflict.Invalid || len(res.Problems) != 1 || res.Problems[0].Row != 1 ||
		!strings.Contains(res.Problems[0].Reason, "lacks UCDP GED's columns best") {
		t.Errorf("header without best = %v %+v", err, res.Problems)
	}
	if !strings.Contains(conflict.ErrorMessage(err), "1 problem;") || importer.Problems(len(res.Problems)) != "1 problem" {
		t.Errorf("one problem is counted as %q", conflict.ErrorMessage(err))
	}

	file := gedHeader +
		gedRow("1", "1", "A", "B", "X,2016-01-01,Y", "1", "2016-01-01", "2016-01-01", "1", "1", "1") +
		gedRow("2", "1", "A", "B", "X,2016-01-01,Y", "9", "2016-01-01", "2016-01-01", "1", "1", "1") +
		gedRow("3", "4", "A", "B", "X,2016-01-01,Y", "1", "2016-01-05", "2016-01-01", "many", "1", "1") +
		gedRow("1", "1", "A", "B", "X,2016-01-01,Y", "1", "2016-01-01", "2016-01-01", "1", "1", "1")
	res, err = run(t, db, file, false)
	want := []string{"row 3, column date_prec", "row 4, column best", "row 4, column date_end", "row 4, column type_of_violence", "row 5, column id: The id 1 is used again: row 2 has it already."}
	var got []string
	for _, p := range res.Problems {
		got = append(got, p.String())
	}
	if conflict.ErrorCode(err) != conflict.Invalid || len(got) != len(want) {
		t.Fatalf("bad rows = %v, problems:\n%s", err, strings.Join(got, "\n"))
	}
	for i := range want {
		if !strings.HasPrefix(got[i], want[i]) {
			t.Errorf("problem %d = %q, want it to start %q", i, got[i], want[i])
		}
	}
	if !strings.Contains(conflict.ErrorMessage(err), "5 problems") || res.Committed {
		t.Errorf("error %q, committed %v", conflict.ErrorMessage(err), res.Committed)
	}
	if _, err := db.FindEventByExternalID(t.Context(), "ged:1"); conflict.ErrorCode(err) != conflict.NotFound {
		t.Errorf("row 2 was imported despite the file's problems: %v", err)
	}
}
