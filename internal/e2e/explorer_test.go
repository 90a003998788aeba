package e2e

import (
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// TestExplorerForceSuggestsAsYouType starts from the explorer's overview,
// types an alias into the force box, picks the suggestion with the
// keyboard and lands on that force's chart.
func TestExplorerForceSuggestsAsYouType(t *testing.T) {
	chromiumPath(t)
	srv := newServer(t)
	ctx := newBrowser(t)
	noConsoleErrors(t, ctx)
	run(t, ctx,
		chromedp.Navigate(srv.URL+"/estimates"),
		chromedp.WaitVisible(chromedp.CSS("[data-testid=force-overview]")),
		chromedp.Click(chromedp.CSS("#est-force")),
		chromedp.SendKeys(chromedp.CSS("#est-force"), "daesh"),
		chromedp.WaitVisible(chromedp.CSS("#est-force-list [role=option]")),
		chromedp.KeyEvent(kb.ArrowDown),
	)
	if got := eval[string](t, ctx, `document.querySelector('#est-force-list [role=option]').dataset.value`); got != "Islamic State" {
		t.Errorf("the first suggestion for daesh is %q, want Islamic State", got)
	}
	run(t, ctx,
		chromedp.KeyEvent(kb.Enter),
		chromedp.WaitVisible(chromedp.CSS("[data-testid=estimate-chart] svg")),
	)
	if got := eval[string](t, ctx, `new URLSearchParams(location.search).get('force')`); got != "Islamic State" {
		t.Errorf("after choosing, the address names force %q, want Islamic State", got)
	}
	if got := eval[string](t, ctx, `document.querySelector('#est-force').value`); got != "Islamic State" {
		t.Errorf("the force box reads %q after choosing, want Islamic State", got)
	}
}
