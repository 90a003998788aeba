package snapshot

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/sitrep/sitrep/internal/conflict"
	"github.com/sitrep/sitrep/internal/edtf"
)

// -update rewrites the golden files of the newest version from Encode. The
// files of older versions are never rewritten: they are what earlier code
// wrote, and stay readable for as long as databases hold such rows.
var update = flag.Bool("update", false, "rewrite the newest testdata/vN from Encode")

var golden = []struct {
	rt   conflict.RecordType
	want any
}{
	{conflict.EventRecord, goldenEvent()},
	{conflict.EstimateRecord, goldenEstimate()},
	{conflict.SourceRecord, goldenSource()},
	{conflict.ActorRecord, goldenActor()},
	{conflict.PlaceRecord, goldenPlace()},
	{conflict.TimelineRecord, goldenTimeline()},
}

// Snapshots written by every version of the format decode to the records
// they were written from, so history, diffs and reverts of old revisions
// keep working after the format or the Go types change.
func TestGoldenSnapshotsDecode(t *testing.T) {
	for _, version := range []string{"v1", "v2", "v3", "v4", "v5"} {
		for _, g := range golden {
			t.Run(version+"/"+string(g.rt), func(t *testing.T) {
				data, err := os.ReadFile(filepath.Join("testdata", version, string(g.rt)+".json"))
				if err != nil {
					t.Fatal(err)
				}
				got, err := Decode(g.rt, data)
				if err != nil {
					t.Fatalf("Decode(%s, %s) error: %v", g.rt, version, err)
				}
				for _, d := range differences(string(g.rt), reflect.ValueOf(got), reflect.ValueOf(g.want)) {
					t.Error(d)
				}
				// DecodeInto, the generic door, reads the same record.
				into := reflect.New(reflect.TypeOf(g.want))
				if err := DecodeInto(data, into.Interface()); err != nil {
					t.Fatalf("DecodeInto: %v", err)
				}
				if !reflect.DeepEqual(into.Elem().Interface(), g.want) {
					t.Errorf("DecodeInto read %+v, want %+v", into.Elem().Interface(), g.want)
				}
			})
		}
	}
}

// Encode writes exactly the newest golden files: a change to the bytes
// written is a change to the format, and must come with a new version.
func TestEncodeWritesTheNewestFormat(t *testing.T) {
	for _, g := range golden {
		t.Run(string(g.rt), func(t *testing.T) {
			got, err := Encode(g.want)
			if err != nil {
				t.Fatal(err)
			}
			path := filepath.Join("testdata", fmt.Sprintf("v%d", Version), string(g.rt)+".json")
			if *update {
				if err := os.WriteFile(path, append(got, '\n'), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, bytes.TrimSuffix(want, []byte("\n"))) {
				t.Errorf("Encode(%s) =\n%s\nwant (%s)\n%s", g.rt, got, path, want)
			}
			if !bytes.HasPrefix(got, []byte(fmt.Sprintf(`{"v":%d,`, Version))) {
				t.Errorf("Encode(%s) = %.40s…, want it to open with the format version", g.rt, got)
			}
			// A pointer to a record encodes as the record does.
			p := reflect.New(reflect.TypeOf(g.want))
			p.Elem().Set(reflect.ValueOf(g.want))
			if viaPointer, err := Encode(p.Interface()); err != nil || !bytes.Equal(viaPointer, got) {
				t.Errorf("Encode(&%s) = %s, %v; want the same as the value", g.rt, viaPointer, err)
			}
		})
	}
}

// Every field of every record kind survives an encode and a decode. The
// records are filled by reflection, so a field added to the domain that
// the wire structs forget fails here rather than vanishing from history.
func TestEncodeKeepsEveryField(t *testing.T) {
	for _, g := range golden {
		t.Run(string(g.rt), func(t *testing.T) {
			p := reflect.New(reflect.TypeOf(g.want))
			fill(p.Elem(), string(g.rt), new(int))
			want := p.Elem().Interface()
			data, err := Encode(want)
			if err != nil {
				t.Fatal(err)
			}
			got, err := Decode(g.rt, data)
			if err != nil {
				t.Fatalf("Decode(Encode(…)): %v\n%s", err, data)
			}
			for _, d := range differences(string(g.rt), reflect.ValueOf(got), reflect.ValueOf(want)) {
				t.Error(d)
			}
		})
	}
}

// Lists are kept as they were: an empty list and no list read back apart,
// as do a missing place and a place.
func TestEncodeKeepsEmptyAndMissingApart(t *testing.T) {
	// Version 3 snapshots read their status as written, even none: only
	// older versions are read as their time's rules had it.
	for _, tt := range []struct {
		rt  conflict.RecordType
		rec any
	}{
		{conflict.ActorRecord, conflict.Actor{Name: "no status"}},
		{conflict.TimelineRecord, conflict.Timeline{Title: "no status"}},
	} {
		data, err := Encode(tt.rec)
		if err != nil {
			t.Fatal(err)
		}
		if got, err := Decode(tt.rt, data); err != nil || !reflect.DeepEqual(got, tt.rec) {
			t.Errorf("Decode(Encode(%+v)) = %+v, %v", tt.rec, got, err)
		}
	}
	for _, e := range []conflict.Event{
		{Title: "no lists"},
		{Title: "empty lists", Tags: []string{}, Actors: []conflict.EventActor{}, Citations: []conflict.Citation{}},
	} {
		data, err := Encode(e)
		if err != nil {
			t.Fatal(err)
		}
		got, err := Event(data)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, e) {
			t.Errorf("Event(Encode(%+v)) = %+v", e, got)
		}
	}
}

// An event's slug is left out when it is its title's, as every stored
// event's is, and reads back from the title; one made otherwise (as older
// rules made them) is kept. Before version 5 a missing slug stays missing.
func TestEventSlugOfItsTitleLeftOut(t *testing.T) {
	e := goldenEvent()
	e.Slug = conflict.EventSlug(e.Title)
	data, err := Encode(e)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(data, []byte(`"Slug":"`+e.Slug+`"`)) {
		t.Errorf("Encode wrote the title's slug:\n%s", data)
	}
	got, err := Event(data)
	if err != nil {
		t.Fatal(err)
	}
	if got.Slug != e.Slug || !reflect.DeepEqual(got, e) {
		t.Errorf("Event(Encode(e)) slug %q, want %q; equal otherwise: %v", got.Slug, e.Slug, reflect.DeepEqual(got, e))
	}

	e.Slug = "an-older-rule"
	if data, err = Encode(e); err != nil {
		t.Fatal(err)
	}
	if got, err = Event(data); err != nil || got.Slug != "an-older-rule" {
		t.Errorf("an event whose slug is not its title's reads back with slug %q (%v), want an-older-rule", got.Slug, err)
	}

	old := bytes.Replace(bytes.Replace(data, []byte(`"v":5`), []byte(`"v":4`), 1), []byte(`"Slug":"an-older-rule",`), nil, 1)
	if got, err = Event(old); err != nil || got.Slug != "" {
		t.Errorf("a version 4 event without a slug reads with slug %q (%v), want none", got.Slug, err)
	}
}

// What is not a snapshot this program can read is an error, never a record
// of zero values that a revert would write back.
func TestDecodeRejects(t *testing.T) {
	event, err := os.ReadFile("testdata/v2/event.json")
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name string
		rt   conflict.RecordType
		data string
	}{
		{"empty", conflict.EventRecord, ""},
		{"not JSON", conflict.EventRecord, "not json"},
		{"a newer version", conflict.EventRecord, strings.Replace(string(event), `"v":2`, `"v":9`, 1)},
		{"a bad date", conflict.EventRecord, strings.Replace(string(event), `"Date":"2016-10-17~"`, `"Date":"17 Oct"`, 1)},
		{"a bad date in a citation", conflict.EventRecord, strings.Replace(string(event), `"Published":"2016-10-17"`, `"Published":"2016-13"`, 1)},
		{"the wrong shape", conflict.EventRecord, `{"v":2,"Title":["a","b"]}`},
		{"an unknown kind", "article", `{"v":2}`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got, err := Decode(tt.rt, []byte(tt.data)); err == nil {
				t.Errorf("Decode(%s, %.60q) = %+v, want an error", tt.rt, tt.data, got)
			}
		})
	}
	if err := DecodeInto(event, new(conflict.User)); err == nil {
		t.Error("DecodeInto(*conflict.User) = nil error")
	}
	if _, err := Encode(conflict.User{}); err == nil {
		t.Error("Encode(conflict.User) = nil error")
	}
}

// Status reads a snapshot's review status in every version, as Decode
// reads it: records from before statuses existed read as they stood then.
func TestStatus(t *testing.T) {
	for _, version := range []string{"v1", "v2", "v3", "v4", "v5"} {
		for _, g := range golden {
			data, err := os.ReadFile(filepath.Join("testdata", version, string(g.rt)+".json"))
			if err != nil {
				t.Fatal(err)
			}
			rec, err := Decode(g.rt, data)
			if err != nil {
				t.Fatal(err)
			}
			want := reflect.ValueOf(rec).FieldByName("Status").Interface().(conflict.Status)
			if got, err := Status(g.rt, data); err != nil || got != want {
				t.Errorf("Status(%s/%s) = %q, %v; want %q as Decode reads it", version, g.rt, got, err, want)
			}
		}
	}
	// The golden records are published or rejected; a timeline whose
	// version 1 flag was off was a draft.
	draft := []byte(`{"ID":6,"Slug":"private","Title":"Notes","Published":false,"Version":1}`)
	if got, err := Status(conflict.TimelineRecord, draft); err != nil || got != conflict.Draft {
		t.Errorf("Status(unpublished v1 timeline) = %q, %v; want draft", got, err)
	}
	if tl, err := Timeline(draft); err != nil || tl.Status != conflict.Draft {
		t.Errorf("Timeline(unpublished v1 timeline) status = %q, %v; want draft", tl.Status, err)
	}
	if _, err := Status(conflict.EventRecord, []byte(`{"v":9,"Status":"published"}`)); err == nil {
		t.Error("Status of a version 9 snapshot = nil error")
	}
	if _, err := Status("article", []byte(`{"ID":1}`)); err == nil {
		t.Error("Status of an unknown kind = nil error")
	}
}

var (
	dateType = reflect.TypeFor[edtf.Date]()
	timeType = reflect.TypeFor[time.Time]()
)

// differences lists the fields in which got and want differ, by path.
func differences(path string, got, want reflect.Value) []string {
	if got.Type() != want.Type() {
		return []string{fmt.Sprintf("%s: got a %s, want a %s", path, got.Type(), want.Type())}
	}
	switch {
	case got.Type() == dateType:
		if g, w := got.Interface().(edtf.Date), want.Interface().(edtf.Date); g != w {
			return []string{fmt.Sprintf("%s = %q, want %q", path, g, w)}
		}
		return nil
	case got.Type() == timeType:
		// Equal instants from the same location: a time read back in
		// another zone would show differently.
		if g, w := got.Interface().(time.Time), want.Interface().(time.Time); !g.Equal(w) || g.Location() != w.Location() {
			return []string{fmt.Sprintf("%s = %v, want %v", path, g, w)}
		}
		return nil
	}
	switch got.Kind() {
	case reflect.Struct:
		var out []string
		for i := range got.NumField() {
			out = append(out, differences(path+"."+got.Type().Field(i).Name, got.Field(i), want.Field(i))...)
		}
		return out
	case reflect.Pointer:
		if got.IsNil() || want.IsNil() {
			if got.IsNil() != want.IsNil() {
				return []string{fmt.Sprintf("%s = %v, want %v", path, got, want)}
			}
			return nil
		}
		return differences(path, got.Elem(), want.Elem())
	case reflect.Slice:
		if got.IsNil() != want.IsNil() || got.Len() != want.Len() {
			return []string{fmt.Sprintf("%s = %#v, want %#v", path, got, want)}
		}
		var out []string
		for i := range got.Len() {
			out = append(out, differences(fmt.Sprintf("%s[%d]", path, i), got.Index(i), want.Index(i))...)
		}
		return out
	}
	if !got.CanInterface() {
		return []string{fmt.Sprintf("%s: an unexported field the format cannot keep", path)}
	}
	if !reflect.DeepEqual(got.Interface(), want.Interface()) {
		return []string{fmt.Sprintf("%s = %#v, want %#v", path, got, want)}
	}
	return nil
}

// fill sets every field of v, however deep, to a value no other field has,
// so that a field lost or swapped on the way shows.
func fill(v reflect.Value, path string, n *int) {
	*n++
	switch v.Type() {
	case dateType:
		v.Set(reflect.ValueOf(edtf.MustParse(fmt.Sprintf("%d-%02d-%02d~", 1990+*n, 1+*n%12, 1+*n%28))))
		return
	case timeType:
		v.Set(reflect.ValueOf(time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(*n)*time.Hour + 1234567*time.Nanosecond)))
		return
	}
	switch v.Kind() {
	case reflect.String:
		v.SetString(path + " ⟨قيمة⟩")
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		v.SetInt(int64(*n))
	case reflect.Float32, reflect.Float64:
		v.SetFloat(float64(*n) + 0.125)
	case reflect.Bool:
		v.SetBool(true)
	case reflect.Pointer:
		v.Set(reflect.New(v.Type().Elem()))
		fill(v.Elem(), path, n)
	case reflect.Slice:
		v.Set(reflect.MakeSlice(v.Type(), 2, 2))
		for i := range 2 {
			fill(v.Index(i), fmt.Sprintf("%s[%d]", path, i), n)
		}
	case reflect.Struct:
		for i := range v.NumField() {
			if f := v.Type().Field(i); f.IsExported() {
				fill(v.Field(i), path+"."+f.Name, n)
			}
		}
	default:
		panic(fmt.Sprintf("fill: %s is a %s, which the test does not know how to fill", path, v.Type()))
	}
}
