package conflict_test

import (
	"reflect"
	"strings"
	"testing"

	"github.com/sitrep/sitrep/internal/conflict"
	"github.com/sitrep/sitrep/internal/edtf"
)

func TestURLKey(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"already a key", "https://www.voanews.com/a/mosul", "https://www.voanews.com/a/mosul"},
		{"scheme and host lower-cased", "HTTPS://WWW.VOANews.COM/a/Mosul", "https://www.voanews.com/a/Mosul"},
		{"path case kept", "https://example.org/A/B", "https://example.org/A/B"},
		{"default https port dropped", "https://example.org:443/a", "https://example.org/a"},
		{"default http port dropped", "http://example.org:80/a", "http://example.org/a"},
		{"other port kept", "https://example.org:8443/a", "https://example.org:8443/a"},
		{"http port on https kept", "https://example.org:80/a", "https://example.org:80/a"},
		{"trailing slash dropped", "https://example.org/a/", "https://example.org/a"},
		{"many trailing slashes dropped", "https://example.org/a///", "https://example.org/a"},
		{"bare host slash dropped", "https://example.org/", "https://example.org"},
		{"utm parameters removed", "https://example.org/a?utm_source=tw&utm_medium=social&UTM_Campaign=x", "https://example.org/a"},
		{"fbclid removed", "https://example.org/a?fbclid=IwAR0abc", "https://example.org/a"},
		{"gclid removed", "https://example.org/a?gclid=xyz", "https://example.org/a"},
		{"real parameters kept", "https://example.org/a?id=3&utm_source=x&page=2", "https://example.org/a?id=3&page=2"},
		{"parameters keep their order", "https://example.org/a?page=2&id=3", "https://example.org/a?page=2&id=3"},
		{"bare parameter stays bare", "https://www.example.ru/?41658-title", "https://www.example.ru?41658-title"},
		{"empty value stays empty", "https://example.org/a?x=", "https://example.org/a?x="},
		{"encoding kept", "https://example.org/a?q=a%20b+c&r=%2F", "https://example.org/a?q=a%20b+c&r=%2F"},
		{"encoded tracking name removed", "https://example.org/a?utm%5Fsource=x&id=1", "https://example.org/a?id=1"},
		{"fragment removed", "https://example.org/a#paragraph-4", "https://example.org/a"},
		{"credentials removed", "https://user:secret@example.org/a", "https://example.org/a"},
		{"spaces around trimmed", "  https://example.org/a \n", "https://example.org/a"},
		{"all at once", "HTTPS://Example.ORG:443/a/?utm_source=x&fbclid=y#top", "https://example.org/a"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := conflict.URLKey(tt.in)
			if err != nil {
				t.Fatalf("URLKey(%q) error %v, want %q", tt.in, err, tt.want)
			}
			if got != tt.want {
				t.Errorf("URLKey(%q) = %q, want %q", tt.in, got, tt.want)
			}
			// A key is its own key, so a stored key finds itself.
			if again, err := conflict.URLKey(got); err != nil || again != got {
				t.Errorf("URLKey(%q) = %q, %v; want it unchanged", got, again, err)
			}
		})
	}
}

// The same article under two spellings shares a key, while each keeps its
// own address when stored.
func TestURLKeyFindsSpellingsKeepsAddress(t *testing.T) {
	a, b := "https://Example.org/a/?utm_source=x", "https://example.org/a/"
	ka, errA := conflict.URLKey(a)
	kb, errB := conflict.URLKey(b)
	if errA != nil || errB != nil || ka != kb {
		t.Errorf("URLKey(%q) = %q, %v; URLKey(%q) = %q, %v; want the same key", a, ka, errA, b, kb, errB)
	}
	for _, in := range []string{"https://www.example.ru/?41658-title", "https://example.org/a/", "  " + a + "\t"} {
		s := conflict.Source{URL: in, ArchivedURL: " " + in}
		s.Normalize()
		if want := strings.TrimSpace(in); s.URL != want || s.ArchivedURL != want {
			t.Errorf("Normalize() of %q = %q, archive %q; want both %q", in, s.URL, s.ArchivedURL, want)
		}
	}
}

func TestURLKeyRejects(t *testing.T) {
	const notWeb = "URL must be a web address starting with http:// or https://."
	tests := []struct {
		name, in, want string
	}{
		{"empty", "", "URL is required."},
		{"blank", "   ", "URL is required."},
		{"ftp", "ftp://example.org/report.pdf", notWeb},
		{"javascript", "javascript:alert(1)", notWeb},
		{"data", "data:text/html,<p>hi</p>", notWeb},
		{"mailto", "mailto:desk@example.org", notWeb},
		{"no scheme", "www.voanews.com/a/mosul", notWeb},
		{"scheme without host", "https:///a", notWeb},
		{"unparseable", "https://exa mple.org/%zz", notWeb},
		{"too long", "https://example.org/" + strings.Repeat("a", conflict.MaxURLLen), "URL is too long: at most 2048 characters."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := conflict.URLKey(tt.in)
			if err == nil {
				t.Fatalf("URLKey(%q) = %q, want error %q", tt.in, got, tt.want)
			}
			if code := conflict.ErrorCode(err); code != conflict.Invalid {
				t.Errorf("URLKey(%q) error code = %q, want %q", tt.in, code, conflict.Invalid)
			}
			if msg := conflict.ErrorMessage(err); msg != tt.want {
				t.Errorf("URLKey(%q) error = %q, want %q", tt.in, msg, tt.want)
			}
		})
	}
}

func TestURLKeyLongestAccepted(t *testing.T) {
	prefix := "https://example.org/"
	in := prefix + strings.Repeat("a", conflict.MaxURLLen-len(prefix))
	if _, err := conflict.URLKey(in); err != nil {
		t.Errorf("URLKey(%d characters) = %v, want nil", len(in), err)
	}
}

func TestSourceValidate(t *testing.T) {
	valid := func() conflict.Source {
		return conflict.Source{
			URL:       "https://www.voanews.com/a/mosul/?utm_source=twitter",
			Publisher: "Voice of America",
			Title:     "Islamic State Struggling to Reinforce Mosul Ahead of Iraqi Offensive",
			Authors:   []string{" Jeff Seldin ", "", "jeff seldin"},
		}
	}
	s := valid()
	if err := s.Validate(); err != nil {
		t.Fatalf("Validate() = %v, want nil", err)
	}
	if !reflect.DeepEqual(s, valid()) {
		t.Errorf("Validate() changed the source: %+v", s)
	}
	s.Normalize()
	if want := "https://www.voanews.com/a/mosul/?utm_source=twitter"; s.URL != want {
		t.Errorf("Normalize() URL = %q, want %q", s.URL, want)
	}
	if len(s.Authors) != 1 || s.Authors[0] != "Jeff Seldin" {
		t.Errorf("Normalize() authors = %q, want [Jeff Seldin]", s.Authors)
	}

	tests := []struct {
		name   string
		modify func(s *conflict.Source)
		field  string
		want   string
	}{
		{"no URL is fine with a title", func(s *conflict.Source) { s.URL = "" }, "url", ""},
		{"no URL and no title", func(s *conflict.Source) { s.URL, s.Title = "", "" }, "url",
			"Give the source's address, or, for a source without one (a broadcast, a printed report, an interview), its publisher and title."},
		{"ftp URL", func(s *conflict.Source) { s.URL = "ftp://example.org/a" }, "url", "URL must be a web address starting with http:// or https://."},
		{"bad archive URL", func(s *conflict.Source) { s.ArchivedURL = "javascript:alert(1)" }, "archived_url", "URL must be a web address starting with http:// or https://."},
		{"missing publisher", func(s *conflict.Source) { s.Publisher = " " }, "publisher", "Publisher is required."},
		{"no title is fine", func(s *conflict.Source) { s.Title = "" }, "title", ""},
		{"title too long", func(s *conflict.Source) { s.Title = strings.Repeat("t", conflict.MaxTitleLen+1) }, "title", "Title is too long: at most 300 characters."},
		{"reliability G", func(s *conflict.Source) { s.Reliability = "G" }, "reliability", "Reliability is a grade from A to F, or empty."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := valid()
			tt.modify(&s)
			err := s.Validate()
			if got := conflict.ErrorFields(err)[tt.field]; got != tt.want {
				t.Errorf("Validate() %s = %q (err %v), want %q", tt.field, got, err, tt.want)
			}
		})
	}
}

func TestSourceHasAddress(t *testing.T) {
	tests := []struct {
		url  string
		want bool
	}{
		{"https://www.voanews.com/a/x", true},
		{"https://acled.invalid/source/local-media", false},
		{"", false},
	}
	for _, tt := range tests {
		if got := (conflict.Source{URL: tt.url}).HasAddress(); got != tt.want {
			t.Errorf("Source{URL: %q}.HasAddress() = %v, want %v", tt.url, got, tt.want)
		}
	}
}

// An untitled source is named by its publisher, date and "untitled",
// never by an empty string.
func TestSourceHeading(t *testing.T) {
	tests := []struct {
		name string
		s    conflict.Source
		want string
	}{
		{"titled", conflict.Source{Publisher: "Reuters", Title: "Mosul offensive begins"}, "Mosul offensive begins"},
		{"untitled with a date", conflict.Source{Publisher: "Al-Sumaria TV", Published: edtf.MustParse("2016-10-17")}, "Al-Sumaria TV, 2016-10-17, untitled"},
		{"untitled without a date", conflict.Source{Publisher: "Leaflet"}, "Leaflet, untitled"},
	}
	for _, tt := range tests {
		if got := tt.s.Heading(); got != tt.want {
			t.Errorf("%s: Heading() = %q, want %q", tt.name, got, tt.want)
		}
	}
}

// A source without an address is found by its publisher, title and date,
// however spaced or cased; one with an address by its address alone.
func TestSourceKey(t *testing.T) {
	key := func(s conflict.Source) string {
		k, err := s.Key()
		if err != nil {
			t.Fatalf("Key(%+v): %v", s, err)
		}
		return k
	}
	day := edtf.MustParse("2016-10-17")
	radio := conflict.Source{Publisher: "Radio Nawa", Title: "Evening news", Published: day}
	if a, b := key(radio), key(conflict.Source{Publisher: " radio  NAWA", Title: "evening news ", Published: day}); a != b {
		t.Errorf("same triple, other spacing: %q != %q", a, b)
	}
	for _, other := range []conflict.Source{
		{Publisher: "Radio Nawa", Title: "Evening news", Published: edtf.MustParse("2016-10-18")},
		{Publisher: "Radio Nawa", Title: "Morning news", Published: day},
		{Publisher: "Radio Sawa", Title: "Evening news", Published: day},
	} {
		if key(other) == key(radio) {
			t.Errorf("%+v has the key of %+v", other, radio)
		}
	}
	withURL := radio
	withURL.URL = "https://Example.org/a/"
	if got := key(withURL); got != "https://example.org/a" {
		t.Errorf("Key with an address = %q, want the address's key", got)
	}
}
