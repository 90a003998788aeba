package e2e

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// The Embed panel's "pin to today's version": the server, with the option
// in the query, and the panel's script, with the box ticked, write the
// same snippets and oEmbed address, all carrying the moment; the preview
// is the pinned embed, saying so.
func TestEmbedPanelPin(t *testing.T) {
	chromiumPath(t)
	srv := newServer(t)
	ctx := newBrowser(t)
	noExternalRequests(t, ctx, srv)
	noConsoleErrors(t, ctx)
	setViewport(t, ctx, desktopWidth)

	type snippets struct {
		Script  string `json:"script"`
		Iframe  string `json:"iframe"`
		OEmbed  string `json:"oembed"`
		Preview string `json:"preview"`
	}
	read := `({script: document.getElementById('embed-script').value, iframe: document.getElementById('embed-iframe').value,
  oembed: document.getElementById('embed-oembed').value, preview: document.querySelector('.embed-panel__preview').src})`

	run(t, ctx, chromedp.Navigate(srv.URL+"/timelines/mosul-2016?embed_pin=1"), chromedp.WaitVisible(chromedp.CSS(".embed-panel textarea")))
	server := eval[snippets](t, ctx, read)
	for _, s := range []string{server.Script, server.Iframe, server.OEmbed, server.Preview} {
		if !strings.Contains(s, "asof") {
			t.Errorf("with the pin, a snippet lacks the moment: %s", s)
		}
	}

	run(t, ctx, chromedp.Navigate(srv.URL+"/timelines/mosul-2016"), chromedp.WaitReady(chromedp.CSS(".embed-panel__copy")))
	run(t, ctx, chromedp.Click(chromedp.CSS(".embed-panel summary")))
	if unpinned := eval[snippets](t, ctx, read); strings.Contains(unpinned.Iframe+unpinned.OEmbed, "asof") {
		t.Errorf("without the pin, the snippets carry a moment: %+v", unpinned)
	}
	run(t, ctx, chromedp.Click(chromedp.CSS("#embed-pin")))
	client := eval[snippets](t, ctx, read)
	if client != server {
		t.Errorf("the panel's script built\n  %+v\nfor the pin the server wrote as\n  %+v", client, server)
	}
	screenshot(t, ctx, "embed-panel-pinned-1280.png")
	checkAxeIn(t, ctx, ".embed-panel")

	// The snippet's embed is the pinned one, and says so.
	run(t, ctx, chromedp.Navigate(client.Preview), chromedp.WaitVisible(chromedp.CSS(`[data-testid="embed-pin"]`)))
	text := eval[string](t, ctx, `document.querySelector('[data-testid="embed-pin"]').textContent`)
	if !strings.Contains(text, "As published on") || !strings.Contains(text, "What has changed since") {
		t.Errorf("the pinned embed's notice reads %q", text)
	}
	checkAxe(t, ctx)
	// The pinned page never changes, so what changed since is a page of
	// its own, a click away.
	run(t, ctx, chromedp.Click(chromedp.CSS(`[data-testid="embed-pin-changes-link"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="embed-pin"] .pc`)))
	if text := eval[string](t, ctx, `document.querySelector('[data-testid="embed-pin"]').textContent`); !strings.Contains(text, "Nothing shown here has changed since") {
		t.Errorf("what changed since a pin to today's version reads %q", text)
	}
}
