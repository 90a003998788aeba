package server

import (
	"maps"
	"net/url"
	"slices"
	"strings"
)

// queryTemplate encodes v once, leaving room for keys, and returns what
// fills them in: the query url.Values.Encode would give for v with each
// key set to its value (one left out when its value is empty). A map's
// marks and a histogram's bars link dozens of addresses that differ only
// in a few values, and encoding the whole query for each was a tenth of
// their pages.
func queryTemplate(v url.Values, keys ...string) func(values ...string) string {
	type part struct {
		text string // a pair of v, encoded
		slot int    // or which of keys goes here (-1 for a pair of v)
	}
	names := slices.Sorted(maps.Keys(v))
	var parts []part
	for _, name := range names {
		if !slices.Contains(keys, name) {
			parts = append(parts, part{text: url.Values{name: v[name]}.Encode(), slot: -1})
		}
	}
	for i, k := range keys {
		at, _ := slices.BinarySearchFunc(parts, k, func(p part, k string) int {
			name := p.text
			if p.slot >= 0 {
				name = keys[p.slot]
			} else {
				name, _ = url.QueryUnescape(name[:strings.IndexByte(name, '=')])
			}
			return strings.Compare(name, k)
		})
		parts = slices.Insert(parts, at, part{slot: i})
	}
	return func(values ...string) string {
		var b strings.Builder
		for _, p := range parts {
			text := p.text
			if p.slot >= 0 {
				if values[p.slot] == "" {
					continue
				}
				text = url.QueryEscape(keys[p.slot]) + "=" + url.QueryEscape(values[p.slot])
			}
			if b.Len() > 0 {
				b.WriteByte('&')
			}
			b.WriteString(text)
		}
		return b.String()
	}
}
