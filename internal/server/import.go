package server

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/labstack/echo/v4"

	"github.com/sitrep/sitrep/internal/conflict"
	"github.com/sitrep/sitrep/internal/importer"
	"github.com/sitrep/sitrep/web/pages"
)

// The import form, /admin/import: an admin uploads a file; it is checked
// (a dry run, which writes nothing) and kept under a random token; the
// report says what importing it would create, match and update, and lists
// every problem by row and column. Only a file without problems can then
// be imported, all of it in one transaction.

// maxProblemsShown is how many problems the report lists.
const maxProblemsShown = 500

// importKeep is how long a checked file waits to be imported.
const importKeep = time.Hour

// importDir holds checked files until they are imported or expire.
func importDir() string { return filepath.Join(os.TempDir(), "sitrep-imports") }

func (s *Server) importForm(c echo.Context) error {
	return s.renderImport(c, http.StatusOK, pages.ImportView{Status: conflict.Published})
}

func (s *Server) renderImport(c echo.Context, status int, v pages.ImportView) error {
	v.Base = s.base(c, "Import records", "")
	if n := len(v.Result.Problems); n > maxProblemsShown {
		v.Problems, v.More = v.Result.Problems[:maxProblemsShown], n-maxProblemsShown
	} else {
		v.Problems = v.Result.Problems
	}
	// The importer lists the first problems of a file and counts the rest.
	v.More += v.Result.Unlisted
	return s.render(c, status, pages.Import(v))
}

func importStatus(c echo.Context) conflict.Status {
	if c.FormValue("status") == string(conflict.Draft) {
		return conflict.Draft
	}
	return conflict.Published
}

// importCheck keeps the uploaded file and reports what importing it would
// do.
func (s *Server) importCheck(c echo.Context) error {
	v := pages.ImportView{Status: importStatus(c)}
	fh, err := c.FormFile("file")
	if err != nil {
		v.Error = "Choose a file to check."
		return s.renderImport(c, http.StatusUnprocessableEntity, v)
	}
	src, err := fh.Open()
	if err != nil {
		return err
	}
	defer src.Close()
	token, path, err := keepUpload(src)
	if err != nil {
		return err
	}
	v.Name = cleanFileName(fh.Filename)
	res, err := s.runImport(c, path, v.Name, v.Status, true)
	if err != nil && conflict.ErrorCode(err) != conflict.Invalid {
		os.Remove(path)
		return err
	}
	v.Checked, v.Result = true, res
	if len(res.Problems) > 0 {
		os.Remove(path)
		return s.renderImport(c, http.StatusUnprocessableEntity, v)
	}
	v.Token = token
	return s.renderImport(c, http.StatusOK, v)
}

// importCommit imports a checked file, all or nothing.
func (s *Server) importCommit(c echo.Context) error {
	token := c.FormValue("token")
	if len(token) != 32 || strings.Trim(token, "0123456789abcdef") != "" {
		return conflict.Errorf(conflict.Invalid, "That import is not known; check the file again.")
	}
	path := filepath.Join(importDir(), token+".upload")
	v := pages.ImportView{Status: importStatus(c), Name: cleanFileName(c.FormValue("name"))}
	if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
		v.Error = "That check has expired or was already imported; check the file again."
		return s.renderImport(c, http.StatusUnprocessableEntity, v)
	}
	res, err := s.runImport(c, path, v.Name, v.Status, false)
	if err != nil && conflict.ErrorCode(err) != conflict.Invalid {
		return err
	}
	v.Checked, v.Result = true, res
	if len(res.Problems) > 0 {
		// The data changed since the check; the file may be checked again.
		return s.renderImport(c, http.StatusUnprocessableEntity, v)
	}
	os.Remove(path)
	if err := s.db.Checkpoint(c.Request().Context()); err != nil {
		s.log.Warn("checkpoint after import", "err", err)
	}
	u := currentUser(c)
	s.log.Info("import", "file", v.Name, "by", int64(u.ID), "changes", res.Changes())
	s.flash(c, importSummary(v.Name, res))
	return c.Redirect(http.StatusSeeOther, "/admin/import")
}

// importSummary says in a sentence what an import did.
func importSummary(name string, r conflict.ImportResult) string {
	var parts []string
	for _, k := range []struct {
		what string
		n    conflict.ImportCounts
	}{{"events", r.Events}, {"estimates", r.Estimates}, {"actors", r.Actors}, {"places", r.Places}, {"sources", r.Sources}} {
		if k.n.Created+k.n.Updated > 0 {
			parts = append(parts, fmt.Sprintf("%d %s created, %d updated", k.n.Created, k.what, k.n.Updated))
		}
	}
	if len(parts) == 0 {
		return "Imported " + name + ": nothing needed changing."
	}
	return "Imported " + name + ": " + strings.Join(parts, "; ") + "."
}

func (s *Server) runImport(c echo.Context, path, name string, status conflict.Status, dry bool) (conflict.ImportResult, error) {
	f, err := os.Open(path)
	if err != nil {
		return conflict.ImportResult{}, err
	}
	defer f.Close()
	ch := conflict.Change{AuthorName: "import: " + name, Summary: "Imported from " + name, Import: true}
	if u := currentUser(c); u != nil {
		id := u.ID
		ch.Author = &id
	}
	return importer.Run(c.Request().Context(), s.db, f, importer.Options{Name: name, Change: ch, DryRun: dry, Status: status})
}

// keepUpload copies an upload into importDir under a new random token,
// and clears out checked files older than importKeep.
func keepUpload(src io.Reader) (token, path string, err error) {
	dir := importDir()
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", "", err
	}
	if entries, err := os.ReadDir(dir); err == nil {
		for _, e := range entries {
			if info, err := e.Info(); err == nil && time.Since(info.ModTime()) > importKeep {
				os.Remove(filepath.Join(dir, e.Name()))
			}
		}
	}
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		return "", "", err
	}
	token = hex.EncodeToString(b)
	path = filepath.Join(dir, token+".upload")
	dst, err := os.OpenFile(path, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
	if err != nil {
		return "", "", err
	}
	if _, err := io.Copy(dst, src); err != nil {
		dst.Close()
		os.Remove(path)
		return "", "", err
	}
	return token, path, dst.Close()
}

// cleanFileName keeps the base name of an uploaded file, as text fit to
// show and record.
func cleanFileName(name string) string {
	name = filepath.Base(strings.ReplaceAll(name, "\\", "/"))
	name = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return -1
		}
		return r
	}, strings.ToValidUTF8(name, ""))
	if utf8.RuneCountInString(name) > 100 {
		name = string([]rune(name)[:100])
	}
	if name == "" || name == "." || name == "/" {
		name = "upload"
	}
	return name
}
