// Package audit names the events the newsroom records: who did what, when,
// to which story or user, and from which address. The store appends an
// entry in the same transaction as the change it describes.
package audit

import "time"

// Action names an audited event.
type Action string

const (
	LoginOK          Action = "login.ok"
	LoginFailed      Action = "login.failed"
	Logout           Action = "logout"
	StoryCreate      Action = "story.create"
	StorySave        Action = "story.save"
	StorySubmit      Action = "story.submit"
	StoryReturn      Action = "story.return"
	StoryPublish     Action = "story.publish"
	StorySchedule    Action = "story.schedule"
	StoryCorrect     Action = "story.correct"
	StoryKill        Action = "story.kill"
	StoryEmbargoLift Action = "story.embargo_lift"
	UserCreate       Action = "user.create"
	UserRoles        Action = "user.roles" // roles or language pairs changed
	UserDisable      Action = "user.disable"
	UserEnable       Action = "user.enable"
	UserPassword     Action = "user.password"
)

// Entry is one line of the audit log.
type Entry struct {
	ID      int64
	At      time.Time
	ActorID int64  // the user who acted; 0 for the system (the scheduler) or an unknown login
	Actor   string // the actor's email at the time, or "system"; kept so the log reads without joins
	Action  Action
	StoryID int64  // the story acted on, if any
	UserID  int64  // the user acted on, if any (a role change, a failed login's account)
	IP      string // the client's address
	Detail  string // a short free text: the new roles, the scheduled time, the correction note
}

// Query filters the log. Zero fields do not filter.
type Query struct {
	StoryID int64
	UserID  int64 // entries where the user acted or was acted on
	Limit   int   // default 50, at most 500
	Offset  int
}
