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
