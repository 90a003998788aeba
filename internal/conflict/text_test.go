package conflict_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/sitrep/sitrep/internal/conflict"
)

func TestSlugify(t *testing.T) {
	tests := []struct {
		in, want string
	}{
		{"Islamic State", "islamic-state"},
		{"Badr Organization", "badr-organization"},
		{"  Badr   Organization  ", "badr-organization"},
		{"U.S.-led coalition", "u-s-led-coalition"},
		{"Mosul, 2016", "mosul-2016"},
		{"Diyālā", "diyala"},
		{"Mûsil", "musil"},
		{"Café Ötzi", "cafe-otzi"},
		{"ÉCOLE", "ecole"},
		{"Mosul الموصل", "mosul"},
		{"الموصل", ""},
		{"الدولة الإسلامية", ""},
		{"", ""},
		{"---", ""},
		{"!!! Raqqa !!!", "raqqa"},
	}
	for _, tt := range tests {
		if got := conflict.Slugify(tt.in); got != tt.want {
			t.Errorf("Slugify(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestSlugifyLongName(t *testing.T) {
	in := strings.Repeat("Mosul ", 40)
	got := conflict.Slugify(in)
	if len(got) > 80 {
		t.Errorf("Slugify(%d characters) has %d characters, want at most 80", len(in), len(got))
	}
	if strings.HasSuffix(got, "-") || !strings.HasPrefix(got, "mosul-mosul") {
		t.Errorf("Slugify(%q) = %q, want mosul-mosul-… without a trailing hyphen", in, got)
	}
}

func TestNormalizeTags(t *testing.T) {
	tests := []struct {
		name string
		in   []string
		want []string
	}{
		{"nil", nil, []string{}},
		{"lower-cased", []string{"Airstrikes"}, []string{"airstrikes"}},
		{"spaces become hyphens", []string{"Air strike"}, []string{"air-strike"}},
		{"inner runs of space", []string{"  mosul   offensive "}, []string{"mosul-offensive"}},
		{"same tag twice", []string{"Air strike", "air-strike", "AIR STRIKE"}, []string{"air-strike"}},
		{"empty dropped", []string{"", "   ", "training"}, []string{"training"}},
		{"order kept", []string{"training", "Mosul offensive", "training"}, []string{"training", "mosul-offensive"}},
		{"arabic kept", []string{"الموصل"}, []string{"الموصل"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := conflict.NormalizeTags(tt.in)
			if !slices.Equal(got, tt.want) {
				t.Errorf("NormalizeTags(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestFormatCount(t *testing.T) {
	tests := []struct {
		in   int64
		want string
	}{
		{0, "0"},
		{7, "7"},
		{999, "999"},
		{1000, "1,000"},
		{4500, "4,500"},
		{10000, "10,000"},
		{100000, "100,000"},
		{1234567, "1,234,567"},
		{-1234, "-1,234"},
		{-999, "-999"},
	}
	for _, tt := range tests {
		if got := conflict.FormatCount(tt.in); got != tt.want {
			t.Errorf("FormatCount(%d) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestErrorMessageHidesInternals(t *testing.T) {
	tests := []struct {
		name     string
		err      error
		wantCode conflict.Code
		wantMsg  string
	}{
		{"nil", nil, "", "An internal error occurred."},
		{"plain error", errTest("disk I/O error at /var/lib/sitrep.db"), conflict.Internal, "An internal error occurred."},
		{"not found", conflict.Errorf(conflict.NotFound, "No such event."), conflict.NotFound, "No such event."},
		{"internal domain error", conflict.Errorf(conflict.Internal, "SELECT failed"), conflict.Internal, "An internal error occurred."},
	}
	for _, tt := range tests {
		if got := conflict.ErrorCode(tt.err); got != tt.wantCode {
			t.Errorf("ErrorCode(%v) = %q, want %q", tt.err, got, tt.wantCode)
		}
		if got := conflict.ErrorMessage(tt.err); got != tt.wantMsg {
			t.Errorf("ErrorMessage(%v) = %q, want %q", tt.err, got, tt.wantMsg)
		}
	}
}

type errTest string

func (e errTest) Error() string { return string(e) }
