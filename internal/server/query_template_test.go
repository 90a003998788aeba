package server

import (
	"net/url"
	"testing"
)

// A query filled in from its template is the query url.Values.Encode
// makes of the same values, whatever sorts before, between or after the
// keys left to fill, and a key given no value is left out.
func TestQueryTemplateEncodesAsValuesDo(t *testing.T) {
	base := url.Values{"actor": {"Islamic State", "البيشمركة"}, "place": {"الموصل"}, "q": {"siege & bridge"},
		"tag": {"air strike"}, "view": {"table"}, "a b": {"x=y"}}
	fill := queryTemplate(base, "from", "to", "z")
	for _, c := range [][3]string{{"2016-10", "2017-07", "7"}, {"", "2017", ""}, {"2016", "", "12"}, {"", "", ""}} {
		want := url.Values{}
		for k, vs := range base {
			want[k] = vs
		}
		for i, k := range []string{"from", "to", "z"} {
			if c[i] != "" {
				want.Set(k, c[i])
			}
		}
		if got := fill(c[0], c[1], c[2]); got != want.Encode() {
			t.Errorf("from=%q to=%q z=%q:\n got %s\nwant %s", c[0], c[1], c[2], got, want.Encode())
		}
	}
	if got := queryTemplate(url.Values{}, "from")(""); got != "" {
		t.Errorf("an empty query with its key unset gives %q", got)
	}
}

// A chart's bar links fill keys the filter already holds (claimant, from,
// to): they read exactly as url.Values would write them, whatever the
// filter holds.
func TestQueryTemplateReplacesKeysAlreadySet(t *testing.T) {
	for _, v := range []url.Values{
		{},
		{"force": {"Islamic State"}},
		{"force": {"Kata'ib Hezbollah"}, "claimant": {"old"}, "claimant_type": {"government"}, "place": {"Mosul & Ninawa"}, "from": {"2016"}, "to": {"2017-03"}},
		{"a": {"1", "2"}, "zz": {"ü"}},
	} {
		got := "/estimates?" + queryTemplate(v, "claimant", "from", "to")("Ministry of Défense/MoD", "2015-03-10", "2015-04-04")
		want := url.Values{}
		for k, vs := range v {
			want[k] = vs
		}
		want.Set("claimant", "Ministry of Défense/MoD")
		want.Set("from", "2015-03-10")
		want.Set("to", "2015-04-04")
		if w := "/estimates?" + want.Encode(); got != w {
			t.Errorf("the links of %v read %q, want %q", v, got, w)
		}
	}
}
