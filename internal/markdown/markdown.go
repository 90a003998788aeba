// Package markdown renders the Markdown that editors write (event bodies,
// descriptions, notes) into safe HTML: goldmark with raw HTML off, then a
// bluemonday sanitiser, configured once.
package markdown

import (
	"bytes"
	"html/template"
	"net/url"
	"regexp"
	"strings"
	"unicode"

	"github.com/microcosm-cc/bluemonday"
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// Renderer turns Markdown into sanitised HTML. It is safe for concurrent
// use.
type Renderer struct {
	md     goldmark.Markdown
	policy *bluemonday.Policy
}

// New returns a renderer with tables, strikethrough and autolinks. Raw HTML
// in the source is dropped by goldmark (it is never enabled) and whatever
// HTML comes out is sanitised again, so a mistake in one layer is caught by
// the other.
func New() *Renderer {
	md := goldmark.New(
		goldmark.WithExtensions(extension.Table, extension.Strikethrough, extension.Linkify),
		goldmark.WithParserOptions(parser.WithASTTransformers(util.Prioritized(externalLinks{}, 100))),
	)
	p := bluemonday.UGCPolicy()
	p.AllowAttrs("rel").Matching(regexp.MustCompile(`^[a-z ]+$`)).OnElements("a")
	p.RequireNoFollowOnFullyQualifiedLinks(true)
	p.AllowAttrs("dir").Matching(regexp.MustCompile(`^(auto|ltr|rtl)$`)).Globally()
	return &Renderer{md: md, policy: p}
}

// Render converts src to sanitised HTML. Rendering Markdown cannot fail on
// any input; should goldmark ever report an error, the text is shown
// escaped rather than lost.
func (r *Renderer) Render(src string) template.HTML {
	var buf bytes.Buffer
	if err := r.md.Convert([]byte(src), &buf); err != nil {
		return template.HTML("<p>" + template.HTMLEscapeString(src) + "</p>")
	}
	return template.HTML(r.policy.SanitizeBytes(buf.Bytes()))
}

// Excerpt returns the first paragraph of src as plain text, cut to about n
// characters at a word boundary, for list items.
func Excerpt(src string, n int) string {
	para := strings.TrimSpace(src)
	if i := strings.Index(para, "\n\n"); i >= 0 {
		para = para[:i]
	}
	// Lists show dozens of excerpts a page: most paragraphs have no
	// Markdown to take out, and only the first n letters are kept.
	para = Plain(para)
	// The paragraph's words, one space between them, up to one letter past
	// n (which says it is cut).
	var b strings.Builder
	b.Grow(min(len(para), 4*n+4))
	runes, space := 0, false
	for _, r := range para {
		if unicode.IsSpace(r) {
			space = runes > 0
			continue
		}
		if space {
			if runes++; runes > n {
				break
			}
			b.WriteByte(' ')
			space = false
		}
		if runes++; runes > n {
			break
		}
		b.WriteRune(r)
	}
	text := b.String()
	if runes <= n {
		return text
	}
	cut := text
	if i := strings.LastIndexByte(cut, ' '); i > n/2 {
		cut = cut[:i]
	}
	return strings.TrimRight(cut, " ,.;:") + "…"
}

// Plain returns src with its Markdown taken out: emphasis, code marks,
// quote and heading marks, and each link reduced to its text, for text
// shown without rendering (excerpts, search's snippets).
func Plain(src string) string {
	// Most text has no Markdown, and lists and searches take out dozens a
	// page.
	if !strings.ContainsAny(src, "*_`>#[") {
		return src
	}
	return linkPattern.ReplaceAllString(plain.Replace(src), "$1")
}

var (
	linkPattern = regexp.MustCompile(`\[([^\]]*)\]\([^)]*\)`)
	plain       = strings.NewReplacer("**", "", "__", "", "`", "", "> ", "", "# ", "")
)

// externalLinks marks links that leave sitrep as user-generated content
// that must not reach back through window.opener.
type externalLinks struct{}

func (externalLinks) Transform(doc *ast.Document, _ text.Reader, _ parser.Context) {
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		var dest []byte
		switch l := n.(type) {
		case *ast.Link:
			dest = l.Destination
		case *ast.AutoLink:
			// Autolinks carry no attributes in goldmark's renderer; the
			// sanitiser still adds nofollow to them.
			return ast.WalkContinue, nil
		default:
			return ast.WalkContinue, nil
		}
		if u, err := url.Parse(string(dest)); err == nil && u.IsAbs() {
			n.SetAttributeString("rel", []byte("nofollow ugc noopener"))
		}
		return ast.WalkContinue, nil
	})
}

// siteLink finds the destinations of Markdown links and images that point
// into the site itself ("/events/12"): inline, as in [text](/events/12) or
// [text](</events/12>), and in reference definitions, as in [1]: /events/12.
// "//" starts an address on another host and is left alone.
var siteLink = regexp.MustCompile(`(\]\(\s*<?|(?m:^ {0,3}\[[^\]\n]+\]:[ \t]*<?))(/[^/\s)>][^\s)>]*|/(?:[\s)>]|$))`)

// Absolute rewrites the links in src that point into the site ("/events/12")
// as absolute addresses on base ("https://sitrep.example.org/events/12"),
// so that the Markdown still links correctly when it is read elsewhere: in
// an export, a feed or a citation manager. Other links are left as they
// are; with an empty base, so is src.
func Absolute(src, base string) string {
	base = strings.TrimRight(base, "/")
	if base == "" || !strings.Contains(src, "/") {
		return src
	}
	return siteLink.ReplaceAllString(src, "${1}"+strings.ReplaceAll(base, "$", "$$")+"${2}")
}

// RenderAbsolute is Render with the site's links made absolute on base,
// for HTML that is read off the site.
func (r *Renderer) RenderAbsolute(src, base string) template.HTML {
	return r.Render(Absolute(src, base))
}
