package conflict

import (
	"net/mail"
	"strings"
)

// DefaultSiteName is what a deployment is called until it is named.
const DefaultSiteName = "sitrep"

// Limits on the site's settings: a name fits a title bar, a description a
// search result's snippet.
const (
	MaxSiteNameLen        = 100
	MaxSiteDescriptionLen = 300
)

// Settings are how a deployment presents itself: its name in page titles
// and citations, a line describing it, who publishes it (the author of its
// citations), its about and methodology pages in Markdown, and an address
// to write to.
type Settings struct {
	Name        string
	Description string
	Publisher   string
	About       string
	Methodology string
	Contact     string
}

// DefaultSettings are a deployment's settings before anyone edits them.
func DefaultSettings() Settings { return Settings{Name: DefaultSiteName} }

// CitedAs is the name citations give as the author: the publisher when
// one is set, otherwise the site's name.
func (s Settings) CitedAs() string {
	if s.Publisher != "" {
		return s.Publisher
	}
	return s.Name
}

// Normalize trims the one-line fields; the store runs it before Validate.
// Markdown keeps its spacing, which can matter.
func (s *Settings) Normalize() {
	s.Name = strings.Join(strings.Fields(s.Name), " ")
	s.Description = strings.Join(strings.Fields(s.Description), " ")
	s.Publisher = strings.Join(strings.Fields(s.Publisher), " ")
	s.Contact = strings.TrimSpace(s.Contact)
	if strings.TrimSpace(s.About) == "" {
		s.About = ""
	}
	if strings.TrimSpace(s.Methodology) == "" {
		s.Methodology = ""
	}
}

// Validate checks the settings as Normalize leaves them, changing nothing.
func (s Settings) Validate() error {
	errs := FieldErrors{}
	checkText(errs, "name", "Site name", s.Name, true, MaxSiteNameLen)
	checkText(errs, "description", "Description", s.Description, false, MaxSiteDescriptionLen)
	checkText(errs, "publisher", "Publisher", s.Publisher, false, MaxNameLen)
	checkText(errs, "about", "About page", s.About, false, MaxBodyLen)
	checkText(errs, "methodology", "Methodology page", s.Methodology, false, MaxBodyLen)
	if s.Contact != "" {
		if a, err := mail.ParseAddress(s.Contact); err != nil || a.Address != s.Contact || len(s.Contact) > 254 {
			errs.Add("contact", "Enter an email address such as desk@example.org, or leave it empty.")
		}
	}
	return errs.Err()
}
