package conflict

import (
	"net/url"
	"strings"
	"time"

	"github.com/sitrep/sitrep/internal/edtf"
)

// Source is a report that records cite: one per address, or, for a
// source without one (a broadcast, a printed report, an interview), one
// per publisher, title and date.
type Source struct {
	ID SourceID
	// URL is the address exactly as given, or "" for a source that has
	// none; such a source is never shown as a link.
	URL         string
	Publisher   string
	Title       string
	Published   edtf.Date
	Authors     []string
	Language    string
	ArchivedURL string
	Reliability Reliability
	Notes       string
	// Status is where the source stands in review: one an editor creates
	// is a draft, seen only by signed-in users until it is published
	// (system writes, such as imports, create it published).
	Status     Status
	StatusNote string
	Version    int
	CreatedAt  time.Time
	UpdatedAt  time.Time
}

// Reliability grades a source on the Admiralty scale, A to F; "" means
// ungraded.
type Reliability string

// Meaning is the Admiralty scale's wording for the grade.
func (r Reliability) Meaning() string {
	switch r {
	case "A":
		return "Completely reliable"
	case "B":
		return "Usually reliable"
	case "C":
		return "Fairly reliable"
	case "D":
		return "Not usually reliable"
	case "E":
		return "Unreliable"
	case "F":
		return "Reliability cannot be judged"
	}
	return ""
}

// Valid reports whether r is ungraded or a grade from A to F.
func (r Reliability) Valid() bool { return r == "" || r.Meaning() != "" }

// Normalize puts the source in the form it is stored in: its addresses
// exactly as given but for surrounding spaces (a link to the evidence must
// still resolve), and its authors without blanks or repeats. The store
// runs it once on every write, before Validate.
func (s *Source) Normalize() {
	s.URL = strings.TrimSpace(s.URL)
	s.ArchivedURL = strings.TrimSpace(s.ArchivedURL)
	s.Authors = cleanList(s.Authors)
}

// Validate checks the source's fields, changing nothing.
func (s Source) Validate() error {
	errs := FieldErrors{}
	checkText(errs, "publisher", "Publisher", s.Publisher, true, MaxNameLen)
	// A wire item or a leaflet may have no title: publisher and date
	// then name it (see Heading).
	checkText(errs, "title", "Title", s.Title, false, MaxTitleLen)
	checkText(errs, "notes", "Notes", s.Notes, false, MaxShortLen)
	checkText(errs, "language", "Language", s.Language, false, 35)
	switch {
	case s.URL != "":
		if _, err := URLKey(s.URL); err != nil {
			errs.Add("url", err.Error())
		}
	case strings.TrimSpace(s.Title) == "":
		// Without an address, publisher, title and date are all that
		// tell this source from the publisher's others.
		errs.Add("url", "Give the source's address, or, for a source without one (a broadcast, a printed report, an interview), its publisher and title.")
	}
	if s.ArchivedURL != "" {
		if _, err := URLKey(s.ArchivedURL); err != nil {
			errs.Add("archived_url", err.Error())
		}
	}
	if !s.Reliability.Valid() {
		errs.Add("reliability", "Reliability is a grade from A to F, or empty.")
	}
	return errs.Err()
}

// trackingParams are query parameters that say how a reader arrived, not
// what they read; two URLs that differ only in them are the same article.
var trackingParams = map[string]bool{
	"fbclid": true, "gclid": true, "dclid": true, "msclkid": true, "mc_cid": true,
	"mc_eid": true, "igshid": true, "ref": true, "ref_src": true, "cmpid": true,
	"ocid": true, "_ga": true, "yclid": true, "twclid": true,
}

// URLKey returns the key that finds a source already stored under another
// spelling of the same address: the scheme and host in lower case, no
// default port, no credentials, no fragment, no trailing slash and no
// tracking parameters. It is only ever compared, never stored in place of
// the address or shown: the rest of the query keeps its order and encoding,
// and a parameter without a value stays without one, because some sites
// serve different pages for "?a" and "?a=".
//
// An address that is not a web address gives an Invalid error.
func URLKey(raw string) (string, error) {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		return "", Errorf(Invalid, "URL is required.")
	}
	if len(raw) > MaxURLLen {
		return "", Errorf(Invalid, "URL is too long: at most %d characters.", MaxURLLen)
	}
	u, err := url.Parse(raw)
	// url.Parse lower-cases the scheme itself.
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return "", Errorf(Invalid, "URL must be a web address starting with http:// or https://.")
	}
	host := strings.ToLower(u.Host)
	if (u.Scheme == "http" && u.Port() == "80") || (u.Scheme == "https" && u.Port() == "443") {
		host = strings.ToLower(u.Hostname())
		if strings.Contains(host, ":") {
			host = "[" + host + "]"
		}
	}
	var kept []string
	if u.RawQuery != "" {
		for _, part := range strings.Split(u.RawQuery, "&") {
			if part == "" {
				continue
			}
			name, _, _ := strings.Cut(part, "=")
			if n, err := url.QueryUnescape(name); err == nil {
				name = n
			}
			name = strings.ToLower(name)
			if strings.HasPrefix(name, "utm_") || trackingParams[name] {
				continue
			}
			kept = append(kept, part)
		}
	}
	key := u.Scheme + "://" + host + strings.TrimRight(u.EscapedPath(), "/")
	if len(kept) > 0 {
		key += "?" + strings.Join(kept, "&")
	}
	return key, nil
}

// URLKey is the key of the source's address (see the function URLKey).
func (s Source) URLKey() (string, error) { return URLKey(s.URL) }

// noAddressKey starts the key of a source without an address; no address
// key can start so, since those start with http.
const noAddressKey = "no-address\x1f"

// Key returns what finds the source stored twice: its address's key
// (URLKey) or, for a source without an address, its publisher, title and
// date, compared regardless of case and spacing. An address that is not
// a web address gives an Invalid error.
func (s Source) Key() (string, error) {
	if strings.TrimSpace(s.URL) != "" {
		return URLKey(s.URL)
	}
	fold := func(v string) string { return strings.ToLower(strings.Join(strings.Fields(v), " ")) }
	return noAddressKey + fold(s.Publisher) + "\x1f" + fold(s.Title) + "\x1f" + s.Published.String(), nil
}

// Untitled is what stands for a missing title, beside the publisher and
// date that then identify the source.
const Untitled = "untitled"

// Heading names the source where it stands alone (its page, a list): its
// title, or for an untitled source its publisher, date and "untitled".
func (s Source) Heading() string {
	if s.Title != "" {
		return s.Title
	}
	h := s.Publisher
	if !s.Published.IsZero() {
		h += ", " + s.Published.String()
	}
	return h + ", " + Untitled
}

// HasAddress reports whether the source's URL leads to the report itself.
// Sources known only by publisher (as in ACLED's data) get an address under
// the reserved .invalid domain, which must never be shown as a link.
func (s Source) HasAddress() bool {
	u, err := url.Parse(s.URL)
	return err == nil && u.Host != "" && !strings.HasSuffix(u.Hostname(), ".invalid")
}
