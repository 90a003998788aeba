package main

import (
	"strings"
	"testing"

	"github.com/sitrep/sitrep/internal/conflict"
)

func TestParseReviewRule(t *testing.T) {
	for in, want := range map[string]conflict.ReviewRule{"": conflict.TwoPeople, "two-people": conflict.TwoPeople, "one-person": conflict.OnePerson} {
		if got, err := parseReviewRule(in); err != nil || got != want {
			t.Errorf("parseReviewRule(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	if _, err := parseReviewRule("none"); err == nil || !strings.Contains(err.Error(), "two-people") {
		t.Errorf("parseReviewRule(none) = %v, want an error naming the choices", err)
	}
	// A mistyped setting stops serve before anything is opened.
	_, _, err := runCLI(t, "serve", "--db", t.TempDir()+"/x.db", "--review-rule", "one")
	if err == nil || !strings.Contains(err.Error(), "--review-rule") {
		t.Errorf("serve --review-rule one = %v, want an error", err)
	}
}
