package server

import (
	"github.com/a-h/templ"
	"github.com/labstack/echo/v4"

	"github.com/sitrep/sitrep/internal/conflict"
	"github.com/sitrep/sitrep/web/components"
)

// The tools a record's public page shows a signed-in editor: a link to
// edit it and, for events and estimates, the review actions their role
// allows (a reviewer retracts a published record from its page). Readers
// get nil and see nothing of them.

func (s *Server) eventTools(c echo.Context, e conflict.Event) templ.Component {
	if currentUser(c) == nil {
		return nil
	}
	wf := s.eventWorkflow(c, e, "record")
	return components.Workflow(wf)
}

func (s *Server) estimateTools(c echo.Context, x conflict.Estimate) templ.Component {
	if currentUser(c) == nil {
		return nil
	}
	wf := s.estimateWorkflow(c, x, "record")
	return components.Workflow(wf)
}

// editTools is the edit link of a record without a review workflow.
func (s *Server) editTools(c echo.Context, url, label string) templ.Component {
	if currentUser(c) == nil {
		return nil
	}
	return components.EditLink(url, label)
}
