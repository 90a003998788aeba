package e2e

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/sitrep/sitrep/internal/auth"
	"github.com/sitrep/sitrep/internal/conflict"
)

const importHeader = "event_id_cnty,event_date,time_precision,event_type,sub_event_type,actor1,assoc_actor_1,actor2,assoc_actor_2,country,admin1,admin2,location,latitude,longitude,geo_precision,source,source_scale,notes,fatalities\n"

// TestImportForm uploads a bad CSV and a good one through the admin's
// import form: the bad one is reported row by row and cannot be imported;
// the good one is checked, then imported, and its event is published.
func TestImportForm(t *testing.T) {
	chromiumPath(t)
	const password = "correct horse battery staple"
	srv, a := newAccountsServer(t)
	hash, err := auth.NewHasher(auth.TestParams).Hash(password)
	if err != nil {
		t.Fatal(err)
	}
	admin := conflict.User{Email: "ada@example.org", Name: "Ada Admin", Role: conflict.RoleAdmin}
	if err := a.DB.CreateUser(t.Context(), &admin, hash); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.csv")
	good := filepath.Join(dir, "good.csv")
	row := "IRQ7,%s,1,Battles,Armed clash,Islamic State,,Iraqi security forces,,Iraq,Ninewa,Mosul,Mosul,%s,43.13,1,Rudaw,National,Fighting in the old city.,2\n"
	os.WriteFile(bad, []byte(importHeader+strings.Replace(strings.Replace(row, "%s", "2016-02-30", 1), "%s", "36.34", 1)+
		strings.Replace(strings.Replace(strings.Replace(row, "IRQ7", "IRQ8", 1), "%s", "2016-10-17", 1), "%s", "136.34", 1)), 0o644)
	os.WriteFile(good, []byte(importHeader+strings.Replace(strings.Replace(row, "%s", "2016-10-17", 1), "%s", "36.34", 1)), 0o644)

	ctx := newBrowser(t)
	noExternalRequests(t, ctx, srv)
	setViewport(t, ctx, desktopWidth)
	run(t, ctx,
		chromedp.Navigate(srv.URL+"/admin/import"),
		chromedp.WaitVisible(chromedp.CSS("#signin-email")),
		chromedp.SendKeys(chromedp.CSS("#signin-email"), admin.Email),
		chromedp.SendKeys(chromedp.CSS("#signin-password"), password),
		chromedp.Click(chromedp.CSS("[data-testid=signin-submit]")),
		chromedp.WaitVisible(chromedp.CSS("[data-testid=import-form]")),
	)
	checkAxe(t, ctx)

	run(t, ctx,
		chromedp.SetUploadFiles(chromedp.CSS("#import-file"), []string{bad}),
		chromedp.Click(chromedp.CSS("[data-testid=import-form] button[type=submit]")),
		chromedp.WaitVisible(chromedp.CSS("[data-testid=import-problems]")),
	)
	problems := eval[[]string](t, ctx, `[...document.querySelectorAll('[data-testid=import-problem]')].map(r => r.innerText.replace(/\s+/g, ' ').trim())`)
	if len(problems) != 2 || !strings.Contains(problems[0], "2 event_date") || !strings.Contains(problems[1], "3 latitude") {
		t.Errorf("problems = %q, want row 2's date and row 3's latitude", problems)
	}
	if eval[bool](t, ctx, `!!document.querySelector('[data-testid=import-commit-form]')`) {
		t.Error("a file with problems can be imported")
	}
	checkAxe(t, ctx)
	screenshot(t, ctx, "import-problems.png")

	// What the button said once pressed is kept where the next page can
	// read it: the page that pressed it is gone by then. This listener
	// runs after site.js's, which the page added first.
	const recordBusy = `document.addEventListener('submit', e => sessionStorage.setItem('busy',
		e.target.getAttribute('aria-busy') + '|' + e.target.querySelector('[type=submit]').textContent.trim()))`
	eval[bool](t, ctx, recordBusy+"; true")
	run(t, ctx,
		chromedp.SetUploadFiles(chromedp.CSS("#import-file"), []string{good}),
		chromedp.Click(chromedp.CSS("[data-testid=import-form] button[type=submit]")),
		chromedp.WaitVisible(chromedp.CSS("[data-testid=import-commit-form]")),
	)
	if busy := eval[string](t, ctx, `sessionStorage.getItem('busy')`); busy != "true|Checking the file…" {
		t.Errorf("the check's button, once pressed, read %q; want the form busy and \"Checking the file…\"", busy)
	}
	counts := eval[string](t, ctx, `document.querySelector('[data-testid=import-counts]').innerText`)
	if !strings.Contains(counts, "Events\t1\t0\t0") {
		t.Errorf("the check's counts read:\n%s\nwant one event to create", counts)
	}
	checkAxe(t, ctx)
	screenshot(t, ctx, "import-check.png")
	// The check page shows the upload form too: wait for the commit form to
	// go, which happens only once the import has answered.
	eval[bool](t, ctx, recordBusy+"; true")
	run(t, ctx,
		chromedp.Click(chromedp.CSS("[data-testid=import-commit-form] button[type=submit]")),
		chromedp.WaitNotPresent(chromedp.CSS("[data-testid=import-commit-form]")),
		chromedp.WaitVisible(chromedp.CSS("[data-testid=import-form]")),
	)
	if busy := eval[string](t, ctx, `sessionStorage.getItem('busy')`); busy != "true|Importing…" {
		t.Errorf("the import's button, once pressed, read %q; want the form busy and \"Importing…\"", busy)
	}
	if text := visibleText(t, ctx); !strings.Contains(text, "Imported good.csv: 1 events created") {
		t.Errorf("after the import the page reads:\n%s", text)
	}
	e, err := a.DB.FindEventByExternalID(t.Context(), "acled:IRQ7")
	if err != nil || e.Status != conflict.Published {
		t.Fatalf("the imported event: %+v, %v", e, err)
	}
}
