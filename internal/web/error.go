// Package web is the HTTP plumbing the public site and, later, the desk
// share: embedded templates and assets, errors that keep a public message
// apart from their cause, and middleware.
package web

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"syscall"
)

// Error is an error with a status and a message safe to show; Err is the
// internal cause, logged but never shown.
type Error struct {
	Status int
	Public string
	Err    error
}

func (e *Error) Error() string {
	if e.Err == nil {
		return fmt.Sprintf("%d %s", e.Status, e.Public)
	}
	return fmt.Sprintf("%d %s: %v", e.Status, e.Public, e.Err)
}

func (e *Error) Unwrap() error { return e.Err }

// NotFound is the error for a page that does not exist.
func NotFound(cause error) *Error {
	return &Error{Status: http.StatusNotFound, Public: "not found", Err: cause}
}

// StatusOf returns the status an error should answer with: its own if it is
// an *Error, else 500.
func StatusOf(err error) int {
	var e *Error
	if errors.As(err, &e) {
		return e.Status
	}
	return http.StatusInternalServerError
}

// ClientGone reports whether a request failed only because its client
// went away: its context ended, or writing the answer found the
// connection closed. Nobody is left to read an error page, and a burst of
// readers closing their connections (a load balancer's timeout, a load
// test ending) is not the server's failure to log as one.
func ClientGone(r *http.Request, err error) bool {
	return r.Context().Err() != nil || errors.Is(err, context.Canceled) ||
		errors.Is(err, syscall.EPIPE) || errors.Is(err, syscall.ECONNRESET)
}
