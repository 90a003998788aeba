package components

import (
	"context"
	"html"
	"io"

	"github.com/a-h/templ"

	"github.com/sitrep/sitrep/internal/chart"
)

// chartMarks writes a panel's marks, each a link to its estimate (or a
// group when it has none) holding its title, its focus ring and its parts.
// It writes them straight into the page, escaped as templ escapes them: a
// chart has hundreds of marks in each figure, and rendering each as
// elements of its own (a pooled buffer, a class list and a component per
// mark) cost more than drawing the chart.
func chartMarks(c chart.Chart, f chart.Figure, p chart.Panel) templ.Component {
	return templ.ComponentFunc(func(ctx context.Context, w io.Writer) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		testID := markTestID(f)
		b := make([]byte, 0, 1024)
		for _, m := range p.Marks {
			tag := "g"
			if m.URL != "" {
				tag = "a"
			}
			b = append(append(append(b[:0], '<'), tag...), ` class="`...)
			b = append(append(b, html.EscapeString(markClass(m))...), '"')
			if m.URL != "" {
				b = append(append(append(b, ` href="`...), html.EscapeString(m.URL)...), '"')
				if c.LinkTarget != "" {
					b = append(append(append(b, ` target="`...), html.EscapeString(c.LinkTarget)...), '"')
				}
			}
			b = append(append(append(b, ` data-testid="`...), html.EscapeString(testID)...), '"')
			if m.Superseded || m.Retracted {
				b = append(b, ` opacity="0.4"`...)
			}
			b = append(append(append(b, `><title>`...), html.EscapeString(m.Title)...), `</title><path class="chart-mark__focus" d="`...)
			b = append(append(b, html.EscapeString(m.Focus)...), `"></path> `...)
			for _, pt := range m.Parts {
				b = append(append(append(b, `<path d="`...), html.EscapeString(pt.D)...), '"')
				if pt.Fill != "" {
					b = append(append(append(b, ` fill="`...), html.EscapeString(pt.Fill)...), '"')
				}
				if pt.FillOpacity != 0 {
					b = append(append(append(b, ` fill-opacity="`...), html.EscapeString(chart.Num(pt.FillOpacity))...), '"')
				}
				if pt.Stroke != "" {
					b = append(append(append(b, ` stroke="`...), html.EscapeString(pt.Stroke)...), '"')
				}
				if pt.Dash != "" {
					b = append(append(append(b, ` stroke-dasharray="`...), html.EscapeString(pt.Dash)...), '"')
				}
				b = append(b, `></path>`...)
			}
			b = append(append(append(b, "</"...), tag...), '>')
			if _, err := w.Write(b); err != nil {
				return err
			}
		}
		return nil
	})
}
