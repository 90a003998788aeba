// Package static embeds sitrep's stylesheets, scripts and images and serves
// them under content-hashed URLs, so browsers and CDNs may cache them for a
// year and a new release is fetched at once.
package static

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"io/fs"
	"path"
	"strings"
)

//go:embed css js img
var files embed.FS

// Assets maps asset names ("css/site.css") to their hashed URLs and back.
type Assets struct {
	fs     fs.FS
	hashed map[string]string // name → /static/css/site.1a2b3c4d5e.css
	names  map[string]string // hashed file path → name
}

// Prefix is where assets are served.
const Prefix = "/static/"

// New hashes every embedded file once, at start.
func New() (*Assets, error) {
	a := &Assets{fs: files, hashed: map[string]string{}, names: map[string]string{}}
	err := fs.WalkDir(files, ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		body, err := fs.ReadFile(files, name)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(body)
		ext := path.Ext(name)
		hashedName := strings.TrimSuffix(name, ext) + "." + hex.EncodeToString(sum[:5]) + ext
		a.hashed[name] = Prefix + hashedName
		a.names[hashedName] = name
		return nil
	})
	return a, err
}

// URL returns the hashed URL of the named asset. An unknown name panics:
// it is a programming error that tests catch on the first render.
func (a *Assets) URL(name string) string {
	u, ok := a.hashed[name]
	if !ok {
		panic("static: no asset " + name)
	}
	return u
}

// Open returns the asset behind a hashed path (without the prefix), and
// false when the path names no asset of this build.
func (a *Assets) Open(hashedPath string) ([]byte, string, bool) {
	name, ok := a.names[hashedPath]
	if !ok {
		return nil, "", false
	}
	body, err := fs.ReadFile(a.fs, name)
	if err != nil {
		return nil, "", false
	}
	return body, name, true
}
