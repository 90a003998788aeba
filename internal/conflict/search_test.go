package conflict

import (
	"fmt"
	"slices"
	"strings"
	"testing"
)

func TestParseSearchReadsPrefixesOfThreeLettersOrMore(t *testing.T) {
	for _, c := range []struct {
		input         string
		prefix, short []string // the terms read as prefixes, and as words though typed as prefixes
	}{
		{input: "reinforc*", prefix: []string{"reinforc*"}},
		{input: "moh*", prefix: []string{"moh*"}},
		{input: "co*", short: []string{"co*"}},
		{input: "a*", short: []string{"a*"}},
		{input: "convoys -al* mos*", prefix: []string{"mos*"}, short: []string{"-al*"}},
		// Letters, not bytes: three Arabic letters are six bytes.
		{input: "موص*", prefix: []string{"موص*"}},
		{input: "مو*", short: []string{"مو*"}},
		// A phrase is never a prefix, whatever it ends with.
		{input: `"convoys mo*"`},
		// The prefix is the last word of the term: "al-mos" is al and mos.
		{input: "al-mos*", prefix: []string{"al-mos*"}},
		{input: "*"},
	} {
		var prefix, short []string
		for _, term := range ParseSearch(c.input) {
			if term.Prefix {
				prefix = append(prefix, term.Typed)
			}
			if term.ShortPrefix {
				short = append(short, term.Typed)
			}
		}
		if !slices.Equal(prefix, c.prefix) || !slices.Equal(short, c.short) {
			t.Errorf("ParseSearch(%q): prefixes %q, short %q; want %q and %q", c.input, prefix, short, c.prefix, c.short)
		}
	}
}

func TestParseSearchKeepsAtMostSearchMaxTerms(t *testing.T) {
	terms := ParseSearch(strings.Repeat("word ", SearchMaxTerms+5))
	if len(terms) != SearchMaxTerms {
		t.Fatalf("%d terms, want %d", len(terms), SearchMaxTerms)
	}
}

func TestShortPrefixesAreTheTermsSearchedAsWords(t *testing.T) {
	if short := ShortPrefixes("reinforc* convoys"); len(short) != 0 {
		t.Errorf("a query without short prefixes has %v", short)
	}
	var got []string
	for _, term := range ShortPrefixes("co* -al* mosul") {
		got = append(got, fmt.Sprint(term.Typed, " ", term.Words, " ", term.Negate))
	}
	if want := []string{"co* [co] false", "-al* [al] true"}; !slices.Equal(got, want) {
		t.Errorf("ShortPrefixes = %q, want %q", got, want)
	}
}
