package server

import (
	"github.com/labstack/echo/v4"

	"github.com/sitrep/sitrep/internal/conflict"
)

// routes lists every route in one place.
func (s *Server) routes(e *echo.Echo) {
	e.GET("/", s.home)
	e.GET("/events", s.eventList)
	e.GET("/events/:id", s.eventShow)
	e.GET("/events/:id/rev/:n", s.eventRevision)
	e.GET("/events/:id/rev/:n/:format", s.eventCite)
	e.GET("/events/:id/history", s.eventHistory)
	e.GET("/events/:id/diff", s.eventDiff)
	e.GET("/timelines/:slug", s.timelineShow)
	e.GET("/estimates", s.estimateList)
	e.GET("/estimates/:id", s.estimateShow)
	e.GET("/estimates/:id/rev/:n", s.estimateRevision)
	e.GET("/estimates/:id/history", s.estimateHistory)
	e.GET("/estimates/:id/diff", s.estimateDiff)
	e.GET("/actors/:slug", s.actorShow)
	e.GET("/places/:slug", s.placeShow)
	e.GET("/sources/:id", s.sourceShow)
	e.GET("/search", s.search)
	e.GET("/suggest/:kind", s.filterSuggest)
	e.GET("/embed/timelines/:slug", s.embedTimeline)
	e.GET("/embed/estimates", s.embedEstimates)
	e.GET("/embed/events/:id", s.embedEvent)
	e.GET("/embed.js", s.embedScript)
	e.GET("/oembed", s.oembed)
	e.GET("/healthz", s.health)
	e.GET("/static/*", s.staticFile)
	e.GET("/favicon.ico", s.favicon)

	// The read-only JSON API and the exports (api*.go, export.go): GET
	// only, public, CORS, no cookies; errors in JSON (apiError).
	v1 := e.Group("/api/v1", apiHeaders)
	v1.GET("", s.apiDocs)
	v1.GET("/openapi.json", s.apiOpenAPI)
	v1.GET("/events", s.apiEvents)
	v1.GET("/events/:id", s.apiEvent)
	v1.GET("/estimates", s.apiEstimates)
	v1.GET("/estimates/:id", s.apiEstimate)
	v1.GET("/sources", s.apiSources)
	v1.GET("/sources/:id", s.apiSource)
	v1.GET("/actors", s.apiActors)
	v1.GET("/actors/:ref", s.apiActor)
	v1.GET("/places", s.apiPlaces)
	v1.GET("/places/:ref", s.apiPlace)
	v1.GET("/timelines", s.apiTimelines)
	v1.GET("/timelines/:ref", s.apiTimeline)
	v1.GET("/timelines/:ref/events", s.apiTimelineEvents)
	v1.GET("/export/events", s.exportEvents)
	v1.GET("/export/estimates", s.exportEstimates)
	v1.GET("/export/timelines/:ref", s.exportTimeline)

	// Accounts. Every route below needs a role, given by its group's prefix:
	// /edit editors, /review reviewers, /admin admins (and each role above).
	// A route outside these groups is public; authz_test.go walks every
	// registered route and fails for one that is neither protected nor on its
	// list of public routes.
	e.GET("/signin", s.signinForm)
	e.POST("/signin", s.signin)
	e.POST("/signout", s.signout)

	edit := e.Group("/edit", s.requireRole(conflict.RoleEditor))
	review := e.Group("/review", s.requireRole(conflict.RoleReviewer))
	admin := e.Group("/admin", s.requireRole(conflict.RoleAdmin))

	// Everyone signed in: the desk of their own work, and taking back an
	// edit they sent for review (pending.go, desk.go).
	edit.GET("", s.editorDesk)
	edit.GET("/pending/:id", s.pendingShow)
	edit.POST("/pending/:id/withdraw", s.pendingWithdraw)

	// Editors: the forms of every record, and what they ask while typing.
	edit.GET("/events/new", s.eventNew)
	edit.POST("/events/new", s.eventCreate)
	edit.GET("/events/:id", s.eventEdit)
	edit.POST("/events/:id", s.eventUpdate)
	edit.POST("/events/:id/submit", s.eventStatus(conflict.ActionSubmit))
	edit.GET("/estimates/new", s.estimateNew)
	edit.POST("/estimates/new", s.estimateCreate)
	edit.GET("/estimates/:id", s.estimateEdit)
	edit.POST("/estimates/:id", s.estimateUpdate)
	edit.POST("/estimates/:id/submit", s.estimateStatus(conflict.ActionSubmit))
	edit.GET("/sources/new", s.sourceNew)
	edit.POST("/sources/new", s.sourceCreate)
	edit.GET("/sources/:id", s.sourceEdit)
	edit.POST("/sources/:id", s.sourceUpdate)
	edit.POST("/sources/:id/submit", s.sourceStatus(conflict.ActionSubmit))
	edit.GET("/actors/new", s.actorNew)
	edit.POST("/actors/new", s.actorCreate)
	edit.GET("/actors/:id", s.actorEdit)
	edit.POST("/actors/:id", s.actorUpdate)
	edit.POST("/actors/:id/submit", s.actorStatus(conflict.ActionSubmit))
	edit.GET("/places/new", s.placeNew)
	edit.POST("/places/new", s.placeCreate)
	edit.GET("/places/:id", s.placeEdit)
	edit.POST("/places/:id", s.placeUpdate)
	edit.POST("/places/:id/submit", s.placeStatus(conflict.ActionSubmit))
	edit.GET("/timelines/new", s.timelineNew)
	edit.POST("/timelines/new", s.timelineCreate)
	edit.GET("/timelines/:id", s.timelineEdit)
	edit.POST("/timelines/:id", s.timelineUpdate)
	edit.POST("/timelines/:id/submit", s.timelineStatus(conflict.ActionSubmit))
	edit.GET("/suggest/:kind", s.editSuggest)
	edit.GET("/date", s.editDate)
	edit.POST("/preview", s.editPreview)

	// Reviewers: the queue, the review actions and reverts.
	review.GET("", s.reviewQueue)
	review.POST("/pending/:id/accept", s.pendingAccept)
	review.POST("/pending/:id/return", s.pendingReturn)
	review.POST("/events/:id/publish", s.eventStatus(conflict.ActionPublish))
	review.POST("/events/:id/reject", s.eventStatus(conflict.ActionReject))
	review.POST("/events/:id/retract", s.eventStatus(conflict.ActionRetract))
	review.POST("/events/:id/revert", s.eventRevert)
	review.POST("/estimates/:id/publish", s.estimateStatus(conflict.ActionPublish))
	review.POST("/estimates/:id/reject", s.estimateStatus(conflict.ActionReject))
	review.POST("/estimates/:id/retract", s.estimateStatus(conflict.ActionRetract))
	review.POST("/estimates/:id/revert", s.estimateRevert)
	review.POST("/sources/:id/publish", s.sourceStatus(conflict.ActionPublish))
	review.POST("/sources/:id/reject", s.sourceStatus(conflict.ActionReject))
	review.POST("/actors/:id/publish", s.actorStatus(conflict.ActionPublish))
	review.POST("/actors/:id/reject", s.actorStatus(conflict.ActionReject))
	review.POST("/places/:id/publish", s.placeStatus(conflict.ActionPublish))
	review.POST("/places/:id/reject", s.placeStatus(conflict.ActionReject))
	review.POST("/timelines/:id/publish", s.timelineStatus(conflict.ActionPublish))
	review.POST("/timelines/:id/reject", s.timelineStatus(conflict.ActionReject))

	admin.GET("/activity", s.adminActivity)

	admin.GET("/users", s.adminUsers)
	admin.POST("/users", s.adminUserCreate)
	admin.POST("/users/:id/role", s.adminUserRole)
	admin.POST("/users/:id/disable", s.adminUserDisable)
	admin.POST("/users/:id/enable", s.adminUserEnable)
	admin.POST("/users/:id/password", s.adminUserPassword)
	admin.POST("/users/:id/throttle", s.adminUserClearThrottle)
	admin.GET("/import", s.importForm)
	admin.POST("/import", s.importCheck)
	admin.POST("/import/commit", s.importCommit)
}
