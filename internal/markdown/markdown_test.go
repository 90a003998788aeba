package markdown

import (
	"strings"
	"testing"
)

func TestRender(t *testing.T) {
	r := New()
	tests := []struct {
		name, in   string
		want, deny []string
	}{
		{"emphasis", "**Badr** trained", []string{"<strong>Badr</strong>"}, nil},
		{"raw html block dropped", "<script>alert(1)</script>", nil, []string{"<script", "alert(1)"}},
		{"inline raw html dropped", "hi <b onclick=x>b</b>", []string{"hi"}, []string{"onclick", "<b"}},
		{"javascript link", "[x](javascript:alert(1))", nil, []string{"javascript:"}},
		{"external link", "[VOA](https://www.voanews.com/a/x)", []string{`href="https://www.voanews.com/a/x"`, "nofollow", "ugc", "noopener"}, nil},
		{"internal link", "[Raqqa](/places/raqqa)", []string{`href="/places/raqqa"`}, []string{"ugc"}},
		{"autolink", "see https://example.org/a", []string{`href="https://example.org/a"`, "nofollow"}, nil},
		{"table", "| a | b |\n|---|---|\n| 1 | 2 |", []string{"<table>", "<td>1</td>"}, nil},
		{"arabic", "الموصل", []string{"الموصل"}, nil},
		{"image onerror", `![x](x.png" onerror="alert(1))`, nil, []string{` onerror="`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := string(r.Render(tt.in))
			for _, w := range tt.want {
				if !strings.Contains(got, w) {
					t.Errorf("Render(%q) = %q, want it to contain %q", tt.in, got, w)
				}
			}
			for _, d := range tt.deny {
				if strings.Contains(got, d) {
					t.Errorf("Render(%q) = %q, must not contain %q", tt.in, got, d)
				}
			}
		})
	}
}

func TestExcerpt(t *testing.T) {
	tests := []struct {
		in   string
		n    int
		want string
	}{
		{"Short **bold** text.", 50, "Short bold text."},
		{"First para.\n\nSecond para.", 50, "First para."},
		{"See [Raqqa](/places/raqqa) now", 50, "See Raqqa now"},
		{"one two three four five six", 12, "one two…"},
	}
	for _, tt := range tests {
		if got := Excerpt(tt.in, tt.n); got != tt.want {
			t.Errorf("Excerpt(%q, %d) = %q, want %q", tt.in, tt.n, got, tt.want)
		}
	}
}

func TestAbsolute(t *testing.T) {
	const base = "https://sitrep.example.org"
	tests := []struct{ in, want string }{
		{"See [the strike](/events/12-strike).", "See [the strike](https://sitrep.example.org/events/12-strike)."},
		{"![map](/static/map.png) and [home](/)", "![map](https://sitrep.example.org/static/map.png) and [home](https://sitrep.example.org/)"},
		{"[a](</events/1>)", "[a](<https://sitrep.example.org/events/1>)"},
		{"[a]( /events/1 \"title\")", "[a]( https://sitrep.example.org/events/1 \"title\")"},
		{"Notes.\n\n[1]: /sources/3\n", "Notes.\n\n[1]: https://sitrep.example.org/sources/3\n"},
		// Addresses elsewhere, fragments and plain text stay as they are.
		{"[VOA](https://www.voanews.com/a/1.html)", "[VOA](https://www.voanews.com/a/1.html)"},
		{"[cdn](//cdn.example.org/x.png)", "[cdn](//cdn.example.org/x.png)"},
		{"[note](#cite-1)", "[note](#cite-1)"},
		{"Jul/Sep 2016 (see /events)", "Jul/Sep 2016 (see /events)"},
	}
	for _, tt := range tests {
		if got := Absolute(tt.in, base); got != tt.want {
			t.Errorf("Absolute(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
	if got := Absolute("[a](/events/1)", ""); got != "[a](/events/1)" {
		t.Errorf("Absolute without a base = %q, want the text unchanged", got)
	}
	html := string(New().RenderAbsolute("[the strike](/events/12)", base+"/"))
	if !strings.Contains(html, `href="https://sitrep.example.org/events/12"`) {
		t.Errorf("RenderAbsolute = %s, want the link absolute", html)
	}
}
