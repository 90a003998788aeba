package export_test

import (
	"encoding/json"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/sitrep/sitrep/internal/export"
)

// jsonFields lists a struct's JSON field names, those of embedded
// structs included.
func jsonFields(t reflect.Type) []string {
	var out []string
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if f.Anonymous && name == "" {
			out = append(out, jsonFields(f.Type)...)
			continue
		}
		out = append(out, name)
	}
	sort.Strings(out)
	return out
}

// TestArchiveSchema checks that the published schema describes every
// field an archive's records have, and no other: a field added to the
// format without the schema would make files the schema calls invalid.
func TestArchiveSchema(t *testing.T) {
	var schema struct {
		Properties map[string]json.RawMessage `json:"properties"`
		Defs       map[string]struct {
			Properties map[string]json.RawMessage `json:"properties"`
		} `json:"$defs"`
	}
	if err := json.Unmarshal(export.ArchiveSchema, &schema); err != nil {
		t.Fatalf("the schema is not JSON: %v", err)
	}
	for _, s := range append([]string{"format", "version", "history"}, export.ArchiveSections...) {
		if _, ok := schema.Properties[s]; !ok {
			t.Errorf("the schema has no %s", s)
		}
	}
	for def, v := range map[string]any{
		"actor": export.ArchiveActor{}, "place": export.ArchivePlace{}, "source": export.ArchiveSource{},
		"event": export.ArchiveEvent{}, "estimate": export.ArchiveEstimate{}, "timeline": export.ArchiveTimeline{},
		"citation": export.ArchiveCitation{}, "revision": export.ArchiveRevision{},
	} {
		var got []string
		for name := range schema.Defs[def].Properties {
			got = append(got, name)
		}
		sort.Strings(got)
		if want := jsonFields(reflect.TypeOf(v)); !reflect.DeepEqual(got, want) {
			t.Errorf("the schema's %s has %v, the format %v", def, got, want)
		}
	}
}
