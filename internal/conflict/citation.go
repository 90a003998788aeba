package conflict

// Citation ties an event or an estimate to the source that reported it.
type Citation struct {
	ID     CitationID
	Source Source
	// Quote is the source's own words that support the record.
	Quote string
	// Locator says where in the source the quote stands: a paragraph or a page.
	Locator string
	// Credibility grades the cited information from 1 (confirmed) to 6
	// (cannot be judged); 0 means ungraded.
	Credibility int
}

// CredibilityMeaning is the Admiralty scale's wording for a credibility
// grade, or "" when ungraded.
func CredibilityMeaning(grade int) string {
	switch grade {
	case 1:
		return "Confirmed by other sources"
	case 2:
		return "Probably true"
	case 3:
		return "Possibly true"
	case 4:
		return "Doubtful"
	case 5:
		return "Improbable"
	case 6:
		return "Truth cannot be judged"
	}
	return ""
}

// validateCitations checks each citation and reports under "citations.N.*".
func validateCitations(errs FieldErrors, cs []Citation) {
	for i, c := range cs {
		prefix := "citations." + itoa(i) + "."
		if c.Source.ID == 0 && c.Source.URL == "" && c.Source.Publisher == "" && c.Source.Title == "" {
			errs.Add(prefix+"source", "Choose the source this citation comes from.")
		}
		checkText(errs, prefix+"quote", "Quote", c.Quote, false, MaxShortLen)
		checkText(errs, prefix+"locator", "Locator", c.Locator, false, MaxNameLen)
		if c.Credibility < 0 || c.Credibility > 6 {
			errs.Add(prefix+"credibility", "Credibility is a grade from 1 to 6, or empty.")
		}
	}
}
