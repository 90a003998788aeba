package components

import (
	"os"
	"testing"

	"github.com/sitrep/sitrep/internal/chart"
	"github.com/sitrep/sitrep/internal/conflict"
)

// Throwaway: renders charts into /tmp/chart*.html for a screenshot.
func TestScratchShot(t *testing.T) {
	write := func(name string, xs []conflict.Estimate, dark bool, w, h int) {
		c := chart.New(xs, chart.Options{EstimateURL: EstimatePath, Width: w, Height: h})
		bg, fg := "#fff", "#222"
		if dark {
			bg, fg = "#111", "#eee"
		}
		css := `<style>body{margin:16px;font:14px system-ui,sans-serif;background:` + bg + `;color:` + fg + `}
.chart{margin:0;color:` + fg + `}.chart__svg{max-width:100%;height:auto;overflow:visible}
.chart-legend,.chart-key{list-style:none;padding:0;display:flex;flex-wrap:wrap;gap:4px 16px;margin:8px 0}
.chart-legend li,.chart-key li{display:flex;align-items:center;gap:6px}
.chart-mark:focus{outline:none}.chart-mark:focus .chart-mark__focus{stroke:currentColor;stroke-width:2}
.chart-mark--retracted{opacity:.45}
figcaption{font-size:13px;opacity:.85}</style>`
		html := "<!doctype html><meta charset=utf-8>" + css + string(renderChart(t, c))
		if err := os.WriteFile("/tmp/"+name+".html", []byte(html), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("chart-example", chartExample(), false, 0, 0)
	write("chart-example-dark", chartExample(), true, 0, 0)
	write("chart-two", chartExample()[:2], false, 0, 0)
	write("chart-one", chartExample()[:1], false, 0, 0)
	write("chart-500", randomEstimates(500), false, 0, 0)
	write("chart-500-dark", randomEstimates(500), true, 0, 0)
	big := chartExample()
	for i := range big {
		if big[i].Low.Set {
			big[i].Low.Value *= 400
		}
		if big[i].High.Set {
			big[i].High.Value *= 400
		}
	}
	write("chart-millions", big, false, 0, 0)
	year := randomEstimates(40)
	write("chart-40", year, false, 0, 0)
}
