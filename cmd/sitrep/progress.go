package main

import (
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"golang.org/x/term"

	"github.com/sitrep/sitrep/internal/conflict"
)

// progress shows how far a long command has got: on a terminal, a bar
// redrawn in place with the rate and the time left; otherwise (a log, a
// pipe) a plain line at every tenth of the way.
type progress struct {
	w     io.Writer
	tty   bool
	stage string
	start time.Time
	last  time.Time
	tenth int64
	drawn bool
	now   func() time.Time
}

func newProgress(w io.Writer) *progress {
	return &progress{w: w, tty: isTerminal(w), now: time.Now}
}

// isTerminal reports whether w is a terminal, where a bar can be redrawn.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

const barWidth = 30

// stageNotes say what a stage without a measure does.
var stageNotes = map[string]string{
	"indexing": "the new records, for search, lists and counts…",
}

// update reports done of total units in a stage; a new stage starts its
// clock and its count afresh.
func (p *progress) update(stage string, done, total int64, unit string) {
	now := p.now()
	if stage != p.stage {
		if p.drawn && p.tty {
			fmt.Fprintln(p.w)
		}
		p.stage, p.start, p.last, p.tenth, p.drawn = stage, now, time.Time{}, -1, false
		if total <= 0 {
			// A stage with no measure says what it does, once, so that
			// a long wait after 100% is not taken for a hang.
			fmt.Fprintf(p.w, "%-9s %s\n", stage, stageNotes[stage])
			return
		}
	}
	if total <= 0 {
		return
	}
	done = min(done, total)
	if p.tty {
		if done < total && now.Sub(p.last) < 100*time.Millisecond {
			return
		}
		p.last, p.drawn = now, true
		fmt.Fprintf(p.w, "\r%s", p.line(done, total, unit, now, true))
		return
	}
	if tenth := done * 10 / total; tenth != p.tenth {
		p.tenth, p.drawn = tenth, true
		fmt.Fprintln(p.w, p.line(done, total, unit, now, false))
	}
}

// line is one report: "importing [#####·····] 50% 50,000/100,000 records,
// 3,512/s, 14s left".
func (p *progress) line(done, total int64, unit string, now time.Time, bar bool) string {
	var b strings.Builder
	b.WriteString(fmt.Sprintf("%-9s ", p.stage))
	if bar {
		filled := int(done * barWidth / total)
		b.WriteString("[" + strings.Repeat("#", filled) + strings.Repeat("·", barWidth-filled) + "] ")
	}
	fmt.Fprintf(&b, "%3d%% ", done*100/total)
	if unit == "bytes" {
		fmt.Fprintf(&b, "%s/%s", byteSize(done), byteSize(total))
	} else {
		fmt.Fprintf(&b, "%s/%s %s", conflict.FormatCount(done), conflict.FormatCount(total), unit)
	}
	elapsed := now.Sub(p.start).Seconds()
	if elapsed > 0.2 && done > 0 {
		rate := float64(done) / elapsed
		if unit == "bytes" {
			fmt.Fprintf(&b, ", %s/s", byteSize(int64(rate)))
		} else {
			fmt.Fprintf(&b, ", %s/s", conflict.FormatCount(int64(rate)))
		}
		if done < total {
			left := time.Duration(float64(total-done) / rate * float64(time.Second))
			fmt.Fprintf(&b, ", %s left", left.Round(time.Second))
		}
	}
	if bar {
		b.WriteString("\x1b[K") // clear what a longer line left behind
	}
	return b.String()
}

// done ends the bar's line.
func (p *progress) done() {
	if p.drawn && p.tty {
		fmt.Fprintln(p.w)
	}
	p.drawn = false
}
