package edtf

import "testing"

func FuzzParse(f *testing.F) {
	for _, tt := range validTests {
		f.Add(tt.in)
	}
	for _, tt := range looseTests {
		f.Add(tt.in)
	}
	for _, tt := range phraseTests {
		f.Add(tt.in)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if d, err := Parse(s); err == nil {
			checkRoundTrip(t, "Parse", s, d)
		}
		if d, err := ParseLoose(s); err == nil {
			checkRoundTrip(t, "ParseLoose", s, d)
		}
	})
}

// checkRoundTrip checks that d, which parse returned for s, survives being
// written as EDTF and displayed in words.
func checkRoundTrip(t *testing.T, parse, s string, d Date) {
	t.Helper()
	if d.IsZero() {
		t.Fatalf("%s(%q) returned the zero Date without an error", parse, s)
	}
	text := d.String()
	again, err := Parse(text)
	if err != nil || again != d {
		t.Fatalf("%s(%q) = %v, but Parse(%q) = %v, %v", parse, s, d, text, again, err)
	}
	if again.String() != text {
		t.Fatalf("%s(%q).String() = %q, then %q", parse, s, text, again.String())
	}
	if d.LowerKey() > d.UpperKey() {
		t.Fatalf("%s(%q) has LowerKey %s > UpperKey %s", parse, s, d.LowerKey(), d.UpperKey())
	}
	if back, err := ParseLoose(d.Display()); err != nil || back != d {
		t.Fatalf("%s(%q) = %v, but ParseLoose(%q) = %v, %v", parse, s, d, d.Display(), back, err)
	}
}
