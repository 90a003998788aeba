package server

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/sitrep/sitrep/internal/auth"
	"github.com/sitrep/sitrep/internal/conflict"
	"github.com/sitrep/sitrep/web/pages"
)

const adminUsersPath = "/admin/users"

// adminUsers lists the accounts with the forms that change them.
func (s *Server) adminUsers(c echo.Context) error {
	return s.renderAdminUsers(c, http.StatusOK, pages.AdminUsersView{New: pages.NewUserForm{Role: conflict.RoleEditor}})
}

// adminUserCreate adds an account with an initial password.
func (s *Server) adminUserCreate(c echo.Context) error {
	f := pages.NewUserForm{
		Email: strings.TrimSpace(c.FormValue("email")),
		Name:  strings.TrimSpace(c.FormValue("name")),
		Role:  conflict.Role(c.FormValue("role")),
	}
	u := conflict.User{Email: f.Email, Name: f.Name, Role: f.Role}
	errs := conflict.FieldErrors{}
	if err := u.Validate(); err != nil {
		for k, msg := range conflict.ErrorFields(err) {
			errs.Add(k, msg)
		}
	}
	password := c.FormValue("password")
	if err := auth.CheckPassword(password, f.Name, f.Email); err != nil {
		errs.Add("password", conflict.ErrorFields(err)["password"])
	}
	if len(errs) == 0 {
		hash, err := s.acc.hasher.Hash(password)
		if err != nil {
			return err
		}
		err = s.db.CreateUser(c.Request().Context(), &u, hash)
		if err == nil {
			s.log.Info("user added", "user_id", int64(u.ID), "role", string(u.Role), "by", int64(currentUser(c).ID))
			s.flash(c, "Added "+u.Email+" as "+string(u.Role)+".")
			return c.Redirect(http.StatusSeeOther, adminUsersPath)
		}
		if len(conflict.ErrorFields(err)) == 0 {
			return err
		}
		errs = conflict.ErrorFields(err)
	}
	f.Errors = errs
	return s.renderAdminUsers(c, http.StatusUnprocessableEntity, pages.AdminUsersView{
		New: f, Problem: "The user was not added: check the fields marked below.",
	})
}

// adminUserRole changes a user's role.
func (s *Server) adminUserRole(c echo.Context) error {
	id, err := userIDParam(c)
	if err != nil {
		return err
	}
	role := conflict.Role(c.FormValue("role"))
	if err := s.db.SetUserRole(c.Request().Context(), id, role); err != nil {
		return s.userChangeFailed(c, id, role, err)
	}
	return s.userChanged(c, id, "role changed to "+string(role))
}

// adminUserDisable disables an account; an admin cannot disable their own.
func (s *Server) adminUserDisable(c echo.Context) error {
	id, err := userIDParam(c)
	if err != nil {
		return err
	}
	if id == currentUser(c).ID {
		return s.userChangeFailed(c, id, "", conflict.FieldErrors{"disabled": "You cannot disable your own account."}.Err())
	}
	if err := s.db.SetUserDisabled(c.Request().Context(), id, true); err != nil {
		return s.userChangeFailed(c, id, "", err)
	}
	return s.userChanged(c, id, "disabled")
}

// adminUserEnable enables a disabled account.
func (s *Server) adminUserEnable(c echo.Context) error {
	id, err := userIDParam(c)
	if err != nil {
		return err
	}
	if err := s.db.SetUserDisabled(c.Request().Context(), id, false); err != nil {
		return s.userChangeFailed(c, id, "", err)
	}
	return s.userChanged(c, id, "enabled")
}

// adminUserPassword sets a new password for a user.
func (s *Server) adminUserPassword(c echo.Context) error {
	id, err := userIDParam(c)
	if err != nil {
		return err
	}
	u, err := s.db.FindUserByID(c.Request().Context(), id)
	if err != nil {
		return err
	}
	password := c.FormValue("password")
	if err := auth.CheckPassword(password, u.Name, u.Email); err != nil {
		return s.userChangeFailed(c, id, "", err)
	}
	hash, err := s.acc.hasher.Hash(password)
	if err != nil {
		return err
	}
	if err := s.db.SetUserPassword(c.Request().Context(), id, hash); err != nil {
		return s.userChangeFailed(c, id, "", err)
	}
	// A new password ends the user's sessions, but not the admin's own
	// when they set their own.
	if id == currentUser(c).ID {
		s.acc.sessions.Put(c.Request().Context(), sessionPassword, passwordStamp(hash))
	}
	return s.userChanged(c, id, "password set")
}

// adminUserClearThrottle forgets the failed sign-ins counted against an
// account, for its owner locked out while someone was guessing. Failures
// counted against a client address stay: that address may have failed on
// other accounts too.
func (s *Server) adminUserClearThrottle(c echo.Context) error {
	id, err := userIDParam(c)
	if err != nil {
		return err
	}
	u, err := s.db.FindUserByID(c.Request().Context(), id)
	if err != nil {
		return err
	}
	key := accountThrottleKey(u.Email)
	s.acc.byAccount.Reset(key)
	s.acc.byPair.ResetPrefix(key + "\x00")
	return s.userChanged(c, id, "failed sign-ins cleared")
}

// userChanged logs the change, says so on the next page and goes back to
// the list.
func (s *Server) userChanged(c echo.Context, id conflict.UserID, what string) error {
	u, err := s.db.FindUserByID(c.Request().Context(), id)
	if err != nil {
		return err
	}
	s.log.Info("user changed", "user_id", int64(id), "change", what, "by", int64(currentUser(c).ID))
	s.flash(c, u.Email+": "+what+".")
	return c.Redirect(http.StatusSeeOther, adminUsersPath)
}

// userChangeFailed shows the list again, 422, with the message in the
// user's row, for a bad value or a change that breaks a rule (the last
// admin); anything else gets the usual error page.
func (s *Server) userChangeFailed(c echo.Context, id conflict.UserID, role conflict.Role, err error) error {
	fields := conflict.ErrorFields(err)
	code := conflict.ErrorCode(err)
	if len(fields) == 0 || (code != conflict.Invalid && code != conflict.Conflict) {
		return err
	}
	return s.renderAdminUsers(c, http.StatusUnprocessableEntity, pages.AdminUsersView{
		New:     pages.NewUserForm{Role: conflict.RoleEditor},
		Row:     pages.UserRowForm{ID: id, Role: role, Errors: fields},
		Problem: "Nothing was changed: see the message in the user's row.",
	})
}

func (s *Server) renderAdminUsers(c echo.Context, status int, v pages.AdminUsersView) error {
	users, err := s.db.FindUsers(c.Request().Context())
	if err != nil {
		return err
	}
	v.Users = users
	v.FailedSignins = map[conflict.UserID]string{}
	for _, u := range users {
		n := s.acc.byAccount.Failures(accountThrottleKey(u.Email))
		switch {
		case n >= failuresPerAccount:
			v.FailedSignins[u.ID] = fmt.Sprintf("%d or more failed sign-ins in the last %d minutes", n, int(throttleWindow.Minutes()))
		case n == 1:
			v.FailedSignins[u.ID] = fmt.Sprintf("1 failed sign-in in the last %d minutes", int(throttleWindow.Minutes()))
		case n > 1:
			v.FailedSignins[u.ID] = fmt.Sprintf("%d failed sign-ins in the last %d minutes", n, int(throttleWindow.Minutes()))
		}
	}
	v.Base = s.base(c, "Users", "")
	v.Canonical = ""
	return s.render(c, status, pages.AdminUsers(v))
}

// userIDParam reads the :id of the path; anything but a positive number is
// NotFound.
func userIDParam(c echo.Context) (conflict.UserID, error) {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, conflict.Errorf(conflict.NotFound, "No such user.")
	}
	return conflict.UserID(id), nil
}
