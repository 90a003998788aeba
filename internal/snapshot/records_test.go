package snapshot

import (
	"time"

	"github.com/sitrep/sitrep/internal/conflict"
	"github.com/sitrep/sitrep/internal/edtf"
)

// The records the golden files hold, one per kind, as realistic as the
// archive's own: Arabic-script names, citations with quotes, locators and
// credibility, an approximate date, coordinates, aliases and parents.
var (
	created = time.Date(2016, 10, 17, 6, 12, 40, 123456000, time.UTC)
	updated = time.Date(2016, 10, 18, 21, 3, 5, 987654000, time.UTC)

	mosul = conflict.PlaceRef{ID: 12, Slug: "mosul", Name: "Mosul", Coordinates: &conflict.LatLon{Lat: 36.34, Lon: 43.13}}
	isis  = conflict.ActorRef{ID: 3, Slug: "islamic-state", Name: "Islamic State", Colour: "#222222"}
	isf   = conflict.ActorRef{ID: 7, Slug: "iraqi-security-forces", Name: "Iraqi Security Forces", Colour: "#1f5fa8"}

	reuters = conflict.Source{ID: 41, URL: "https://www.reuters.com/article/us-mideast-crisis-iraq-mosul-idUSKBN12H0IU",
		Publisher: "Reuters", Title: "Iraqi forces launch offensive to retake Mosul from Islamic State",
		Published: edtf.MustParse("2016-10-17"), Authors: []string{"Stephen Kalin", "Maher Chmaytelli"}, Language: "en",
		ArchivedURL: "https://web.archive.org/web/20161017/https://www.reuters.com/article/idUSKBN12H0IU",
		Reliability: "B", Notes: "Wire report filed from Erbil.", Status: conflict.Published, Version: 2, CreatedAt: created, UpdatedAt: updated}
	sumaria = conflict.Source{ID: 42, URL: "https://www.alsumaria.tv/news/184226/",
		Publisher: "السومرية نيوز", Title: "انطلاق عمليات تحرير نينوى", Published: edtf.MustParse("2016-10-17"),
		Authors: nil, Language: "ar", Reliability: "C", Status: conflict.Published, Version: 1, CreatedAt: created, UpdatedAt: created}
)

func goldenEvent() conflict.Event {
	return conflict.Event{
		ID: 1042, Slug: "mosul-offensive-begins", Title: "Offensive to retake Mosul begins (معركة الموصل)",
		Date:  edtf.MustParse("2016-10-17~"),
		Place: &mosul,
		Actors: []conflict.EventActor{
			{Actor: isf, Role: "attacker"},
			{Actor: isis, Role: "target"},
		},
		Tags: []string{"offensive", "ground assault"},
		Body: "Iraqi and Kurdish forces advanced on villages east of **Mosul** at dawn.\n\nالقوات العراقية تتقدم نحو الموصل.",
		Citations: []conflict.Citation{
			{ID: 901, Source: reuters, Quote: "Iraqi forces launched an offensive on Monday to retake Mosul.", Locator: "para. 1", Credibility: 2},
			{ID: 902, Source: sumaria, Quote: "أعلن رئيس الوزراء انطلاق عمليات تحرير نينوى", Locator: "00:45", Credibility: 3},
		},
		Status: conflict.Published, StatusNote: "", ExternalID: "acled:IRQ4471",
		Version: 3, CreatedAt: created, UpdatedAt: updated,
	}
}

func goldenEstimate() conflict.Estimate {
	return conflict.Estimate{
		ID: 77, Force: isis, Place: &mosul, AsOf: edtf.MustParse("2016-10~"),
		Unit: "fighters", Qualifier: conflict.Range,
		Low: conflict.Bound{Value: 3000, Set: true}, High: conflict.Bound{Value: 4500, Set: true},
		Claimant: "قيادة العمليات المشتركة", ClaimantActor: &isf,
		Notes: "Figure given at the start of the offensive; the coalition's was higher.",
		Citations: []conflict.Citation{
			{ID: 950, Source: reuters, Quote: "between 3,000 and 4,500 fighters", Locator: "para. 9", Credibility: 2},
		},
		Status: conflict.Rejected, StatusNote: "The claimant is the force's enemy; find a second source.",
		ExternalID: "est-2016-10-mosul", Version: 2, CreatedAt: created, UpdatedAt: updated,
	}
}

func goldenSource() conflict.Source { return reuters }

func goldenActor() conflict.Actor {
	return conflict.Actor{
		ID: 15, Slug: "badr-organization", Name: "Badr Organization",
		Aliases: []string{"Badr Brigades", "منظمة بدر", "فيلق بدر"},
		Kind:    "militia", Parent: &conflict.ActorRef{ID: 9, Slug: "popular-mobilization-forces", Name: "Popular Mobilization Forces", Colour: "#3a7d44"},
		Colour: "#2a7f3f", Description: "Shia armed group, part of the *Popular Mobilization Forces*.",
		Status: conflict.Published, Version: 4, CreatedAt: created, UpdatedAt: updated,
	}
}

func goldenPlace() conflict.Place {
	return conflict.Place{
		ID: 12, Slug: "mosul", Name: "Mosul",
		AltNames: []conflict.AltName{{Name: "الموصل", Lang: "ar"}, {Name: "مووسڵ", Lang: "ckb"}},
		Kind:     "city", Parent: &conflict.PlaceRef{ID: 2, Slug: "nineveh", Name: "Nineveh Governorate"},
		Coordinates: &conflict.LatLon{Lat: 36.335, Lon: 43.118889},
		Description: "Capital of Nineveh Governorate, on the Tigris.",
		Status:      conflict.Published, Version: 2, CreatedAt: created, UpdatedAt: updated,
	}
}

func goldenTimeline() conflict.Timeline {
	return conflict.Timeline{
		ID: 5, Slug: "battle-of-mosul", Title: "Battle of Mosul", Description: "From the first advance to the fall of the old city.",
		Filter: conflict.TimelineFilter{
			Actors: []conflict.ActorID{3, 7}, Places: []conflict.PlaceID{12},
			Tags: []string{"offensive", "airstrike"},
			From: edtf.MustParse("2016-10-16"), To: edtf.MustParse("2017-07~"),
		},
		Pinned: []conflict.EventID{1042, 1077}, Excluded: []conflict.EventID{1100},
		WithEstimates: true, Status: conflict.Published,
		Version: 6, CreatedAt: created, UpdatedAt: updated,
	}
}
