package conflict

import (
	"strings"

	porterstemmer "github.com/blevesearch/go-porterstemmer"
)

// A Highlighter marks, in a stored text, the words a search's terms
// matched, as the search index matches them: each word of the text is
// folded (FoldSearch), lower-cased and stemmed by the Porter algorithm,
// as the index's tokenizer does (0018_search_folding.sql), and so is each
// word of a term. A term of several words matches where they follow one
// another; a prefix matches every word whose stem begins with it; words
// left out (-word) are never marked.
//
// The index can mark matches itself, but to do so it first finds the
// record again by every word of the query, a seek into each word's list
// of matches: for the twenty newest matches of three common words that
// is most of a search's work, and the words are already known.
type Highlighter struct {
	terms []highlightTerm
}

type highlightTerm struct {
	stems  []string
	prefix bool
}

// NewHighlighter returns the highlighter of a query's terms.
func NewHighlighter(terms []SearchTerm) *Highlighter {
	h := &Highlighter{}
	for _, t := range terms {
		if t.Negate || len(t.Words) == 0 {
			continue
		}
		ht := highlightTerm{prefix: t.Prefix}
		for _, w := range t.Words {
			ht.stems = append(ht.stems, stem(w))
		}
		h.terms = append(h.terms, ht)
	}
	return h
}

// maxStemmed is the longest word, in bytes, the index's stemmer stems;
// a longer one is indexed as it is.
const maxStemmed = 64

// stem is the index's stem of a folded, lower-case word.
func stem(w string) string {
	if len(w) < 3 || len(w) > maxStemmed {
		return w
	}
	return string(porterstemmer.StemWithoutLowerCasing([]rune(w)))
}

// word is one word of a text: where it is, and its stem.
type word struct {
	start, end int
	stem       string
}

// words splits text into its words as the index's tokenizer does, each
// with its stem.
func words(text string) []word {
	var out []word
	for start, end := range wordSpans(text) {
		out = append(out, word{start: start, end: end, stem: stem(strings.ToLower(FoldSearch(text[start:end])))})
	}
	return out
}

// matches finds where the terms match: for each word, the number of
// the first term that matched it (0 for none), which a snippet counts,
// and the runs of words to mark as one, each a term's match, those that
// overlap joined (a word that begins a run holds its end, after the last
// word; others hold 0).
func (h *Highlighter) matches(ws []word) (terms, runs []int) {
	terms, runs = make([]int, len(ws)), make([]int, len(ws))
	open, end := -1, 0
	for i := range ws {
		for n, t := range h.terms {
			if i+len(t.stems) > len(ws) || !t.matchAt(ws[i:]) {
				continue
			}
			for j := i; j < i+len(t.stems); j++ {
				if terms[j] == 0 {
					terms[j] = n + 1
				}
			}
			if open >= 0 && i < end {
				end = max(end, i+len(t.stems))
				runs[open] = end
				continue
			}
			open, end = i, i+len(t.stems)
			runs[open] = end
		}
	}
	return terms, runs
}

func (t highlightTerm) matchAt(ws []word) bool {
	last := len(t.stems) - 1
	for k, s := range t.stems {
		if k == last && t.prefix {
			if !strings.HasPrefix(ws[k].stem, s) {
				return false
			}
		} else if ws[k].stem != s {
			return false
		}
	}
	return true
}

// Whole returns text with the words the terms match marked.
func (h *Highlighter) Whole(text string) []Fragment {
	ws := words(text)
	_, runs := h.matches(ws)
	return fragmentsOf(text, ws, runs, 0, len(ws), false, false)
}

// Snippet returns a passage of text of at most size words with the
// words the terms match marked, "…" where it is cut: the passage that
// shows the most of the terms, then the most matches, the earliest of
// equals, starting a few words before its first match. Without a match
// it is the text's beginning.
func (h *Highlighter) Snippet(text string, size int) []Fragment {
	ws := words(text)
	if len(ws) == 0 {
		return nil
	}
	marked, runs := h.matches(ws)
	from, best := 0, -1
	if len(ws) > size {
		for i, m := range marked {
			if m == 0 {
				continue
			}
			start := max(0, min(i-snippetLead, len(ws)-size))
			if score := snippetScore(marked[start : start+size]); score > best {
				from, best = start, score
			}
		}
	}
	to := min(from+size, len(ws))
	return fragmentsOf(text, ws, runs, from, to, from > 0, to < len(ws))
}

// snippetLead is how many words a snippet shows before its first match.
const snippetLead = 3

// snippetScore scores a passage by the terms it shows, then by its
// matches.
func snippetScore(marked []int) int {
	var terms uint64
	n := 0
	for _, m := range marked {
		if m > 0 {
			terms |= 1 << (min(m, 64) - 1)
			n++
		}
	}
	distinct := 0
	for ; terms != 0; terms &= terms - 1 {
		distinct++
	}
	return distinct*1000 + n
}

// fragmentsOf is the text of words from up to to, the runs of matched
// ones marked (matches), with what lies between them, and an ellipsis
// where the text was cut. A run is cut where the passage ends.
func fragmentsOf(text string, ws []word, runs []int, from, to int, cutStart, cutEnd bool) []Fragment {
	var out []Fragment
	add := func(s string, match bool) {
		if s == "" {
			return
		}
		if n := len(out); n > 0 && out[n-1].Match == match {
			out[n-1].Text += s
			return
		}
		out = append(out, Fragment{Text: s, Match: match})
	}
	if len(ws) == 0 {
		add(text, false)
		return out
	}
	if cutStart {
		add(ellipsis, false)
	}
	at := 0
	if cutStart {
		at = ws[from].start
	}
	// A run that began before the passage is marked from its start.
	carried := 0
	for j := range from {
		carried = max(carried, runs[j])
	}
	for i := from; i < to; {
		add(text[at:ws[i].start], false)
		end := min(runs[i], to)
		if i == from && carried > from {
			end = min(max(end, carried), to)
		}
		if end > i {
			add(text[ws[i].start:ws[end-1].end], true)
			at, i = ws[end-1].end, end
			continue
		}
		add(text[ws[i].start:ws[i].end], false)
		at, i = ws[i].end, i+1
	}
	if cutEnd {
		add(ellipsis, false)
	} else {
		add(text[at:], false)
	}
	return out
}

// ellipsis marks where a snippet cuts its text.
const ellipsis = "…"
