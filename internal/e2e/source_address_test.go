package e2e

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/sitrep/sitrep/internal/importer"
	"github.com/sitrep/sitrep/web/components"
)

// TestSourceAddressLinkedExactly imports a UCDP GED row citing a report
// whose address has a bare query parameter and a trailing slash, and a
// broadcast with no address: the event page links the report at exactly
// the imported address and shows the broadcast without a link.
func TestSourceAddressLinkedExactly(t *testing.T) {
	chromiumPath(t)
	srv, a := newAccountsServer(t)
	const address = "https://example.org/report/?41658-title"
	file := "id,year,type_of_violence,conflict_name,side_a,side_b,source_article,where_coordinates,adm_1,adm_2,latitude,longitude,country,date_prec,date_start,date_end,deaths_a,deaths_b,deaths_civilians,deaths_unknown,best,high,low\n" +
		`4101,2016,1,Iraq: Government,Government of Iraq,IS,"Example News,2016-10-17,Battle for Mosul ` + address + `; Radio Nawa,2016-10-17,Evening news",Mosul town,Ninawa governorate,Mosul district,36.34,43.13,Iraq,1,2016-10-17,2016-10-17,3,5,0,0,8,10,8` + "\n"
	if res, err := importer.Run(t.Context(), a.DB, strings.NewReader(file), importer.Options{Name: "ged.csv"}); err != nil {
		t.Fatalf("import: %v %v", err, res.Problems)
	}
	e, err := a.DB.FindEventByExternalID(t.Context(), "ged:4101")
	if err != nil {
		t.Fatal(err)
	}

	ctx := newBrowser(t)
	noExternalRequests(t, ctx, srv)
	setViewport(t, ctx, desktopWidth)
	run(t, ctx,
		chromedp.Navigate(srv.URL+components.EventPath(e.ID, e.Slug)),
		chromedp.WaitVisible(chromedp.CSS("[data-testid=citation]")),
	)
	type cite struct {
		Href, Title string
		Linked      bool
	}
	cites := eval[[]cite](t, ctx, `[...document.querySelectorAll('[data-testid=citation]')].map(c => {
		const a = c.querySelector('a.citation__title');
		return {Href: a ? a.getAttribute('href') : '', Title: c.querySelector('.citation__title').innerText.trim(), Linked: !!a};
	})`)
	if len(cites) != 2 {
		t.Fatalf("the event page cites %+v, want 2 sources", cites)
	}
	if !cites[0].Linked || cites[0].Href != address {
		t.Errorf("the report is linked at %q, want exactly %q", cites[0].Href, address)
	}
	if cites[1].Linked || !strings.Contains(cites[1].Title, "Evening news") {
		t.Errorf("the broadcast without an address = %+v, want its title and no link", cites[1])
	}
}
