package components

// EmbedPanelView is the "Embed" panel of a timeline or of the estimates
// explorer: the embed's options as a form, the two snippets to paste, and
// a live preview. Without JavaScript the form reloads the page with the
// options (embed_theme=…) and the server fills in the snippets; with it,
// embed-panel.js rebuilds them and the preview as the options change, from
// the data the panel carries.
type EmbedPanelView struct {
	// Action is the page's own path, where the options form submits.
	Action string
	// Keep are the page's own query values (its filters), sent again as
	// hidden fields so that choosing options keeps them.
	Keep []Param
	// Open shows the panel opened, after its form was submitted.
	Open bool
	// What names what is embedded: "timeline" or "chart".
	What string
	// LimitLabel labels the limit field: "Events shown"…
	LimitLabel string
	Theme      string
	Limit      int
	Order      string
	Compact    bool
	// Base is the embed's absolute address with the page's filters and
	// no options; the script adds the options to it.
	Base string
	// EmbedURL is Base with the chosen options: the preview's address.
	EmbedURL string
	// Title is the iframe's title.
	Title string
	// ScriptOpen and ScriptClose are the script snippet before and after
	// the options' data attributes.
	ScriptOpen, ScriptClose string
	IframeSnippet           string
	ScriptSnippet           string
	// Script is the address of embed-panel.js.
	Script string
	// Pin is the "pin to today's version" option: the snippets then carry
	// asof=PinAsof, the moment of the newest revision, which PinWhen says
	// in words ("1 Dec 2026 02:19 UTC"). PinAsof is "" on an empty site.
	Pin              bool
	PinAsof, PinWhen string
	// PageURL is the page the embed shows, which an oEmbed consumer is
	// given; OEmbedURL asks oEmbed about it (with the moment when
	// pinned), and OEmbedBase is OEmbedURL before the page's address.
	PageURL, OEmbedBase, OEmbedURL string
}

// Param is one query parameter.
type Param struct{ Name, Value string }
