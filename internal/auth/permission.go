package auth

// Action is something a user may try in the desk. The table below is the
// whole of the newsroom's permission rules; the desk asks before every page
// and action, and answers 403 when the answer is no.
type Action string

const (
	ActionDeskView      Action = "desk.view"     // see the desk at all
	ActionStoryCreate   Action = "story.create"  // start a story
	ActionStoryView     Action = "story.view"    // open a story in the desk
	ActionStoryEdit     Action = "story.edit"    // change the working copy
	ActionStorySubmit   Action = "story.submit"  // hand a draft to the editors
	ActionStoryReturn   Action = "story.return"  // send a submitted story back to draft
	ActionStoryPublish  Action = "story.publish" // publish now, with or without embargo
	ActionStorySchedule Action = "story.schedule"
	ActionStoryCorrect  Action = "story.correct" // publish a new version of a published story
	ActionStoryKill     Action = "story.kill"
	ActionStoryRelated  Action = "story.related" // pin or exclude the stories shown as related
	ActionAuditView     Action = "audit.view"
	ActionUserManage    Action = "user.manage" // add users, disable them, change roles
	// The translation desk.
	ActionTranslateStart  Action = "translate.start"  // send a story to other languages and assign the drafts
	ActionTranslateMemory Action = "translate.memory" // import the memory, change the glossary
	// Ingest: other agencies' items and the feeds that bring them.
	ActionIngestUse  Action = "ingest.use"  // the incoming list: start a story from an item, dismiss one
	ActionFeedManage Action = "feed.manage" // add and remove polled feeds
)

// Actions lists every action, for the permission matrix test and the desk.
func Actions() []Action {
	return []Action{ActionDeskView, ActionStoryCreate, ActionStoryView, ActionStoryEdit, ActionStorySubmit,
		ActionStoryReturn, ActionStoryPublish, ActionStorySchedule, ActionStoryCorrect, ActionStoryKill,
		ActionStoryRelated, ActionAuditView, ActionUserManage, ActionTranslateStart, ActionTranslateMemory, ActionIngestUse, ActionFeedManage}
}

// grants says which roles may take an action at all. Story actions are
// further narrowed by CanOnStory.
func grants(a Action) []Role {
	switch a {
	case ActionDeskView, ActionStoryCreate, ActionStoryView, ActionStoryEdit, ActionStorySubmit, ActionStoryRelated:
		return []Role{RoleAdmin, RoleEditor, RoleReporter, RoleTranslator}
	case ActionStoryReturn, ActionStoryPublish, ActionStorySchedule, ActionStoryCorrect, ActionStoryKill,
		ActionTranslateStart, ActionTranslateMemory:
		return []Role{RoleAdmin, RoleEditor}
	case ActionAuditView, ActionUserManage:
		return []Role{RoleAdmin}
	case ActionIngestUse:
		return []Role{RoleAdmin, RoleEditor, RoleReporter}
	case ActionFeedManage:
		return []Role{RoleAdmin}
	}
	return nil
}

// Can reports whether u may take action a at all. A disabled user may do
// nothing.
func Can(u User, a Action) bool {
	if u.Disabled || u.ID == 0 {
		return false
	}
	for _, r := range grants(a) {
		if u.Has(r) {
			return true
		}
	}
	return false
}

// StoryFacts is what the rules need to know of a story.
type StoryFacts struct {
	AuthorID int64
	Lang     string
	Status   string // story.Status as text: draft, submitted, published, killed
}

// CanOnStory reports whether u may take action a on a particular story.
// Editors and admins act on any story; reporters on their own drafts;
// translators on drafts in the languages they translate into.
func CanOnStory(u User, a Action, st StoryFacts) bool {
	if !Can(u, a) {
		return false
	}
	if u.Has(RoleAdmin) || u.Has(RoleEditor) {
		switch a {
		case ActionStoryEdit, ActionStoryRelated:
			return st.Status != "killed"
		case ActionStorySubmit:
			return st.Status == "draft"
		case ActionStoryReturn, ActionStoryPublish, ActionStorySchedule:
			return st.Status == "draft" || st.Status == "submitted"
		case ActionStoryCorrect, ActionStoryKill:
			return st.Status == "published"
		}
		return true
	}
	own := st.AuthorID != 0 && st.AuthorID == u.ID
	mine := own || u.Translates(st.Lang)
	switch a {
	case ActionStoryView:
		return own || u.Has(RoleReporter) || u.Translates(st.Lang) || u.translatesFrom(st.Lang)
	case ActionStoryEdit:
		if st.Status == "published" {
			// A translator brings an out-of-date translation up to date in
			// its working copy; an editor publishes the correction.
			return u.Translates(st.Lang)
		}
		return mine && (st.Status == "draft" || st.Status == "submitted")
	case ActionStorySubmit:
		return mine && st.Status == "draft"
	case ActionStoryRelated:
		// A published story's related list changes on its page at once,
		// with no editor in between, so only editors change it there.
		return mine && (st.Status == "draft" || st.Status == "submitted")
	}
	return false
}

// CanCreateIn reports whether u may start a story in language code:
// translators only in the languages they translate into.
func CanCreateIn(u User, code string) bool {
	if !Can(u, ActionStoryCreate) {
		return false
	}
	if u.Has(RoleAdmin) || u.Has(RoleEditor) || u.Has(RoleReporter) {
		return true
	}
	return u.Translates(code)
}

func (u User) translatesFrom(code string) bool {
	if !u.Has(RoleTranslator) {
		return false
	}
	for _, p := range u.Pairs {
		if p.From == code {
			return true
		}
	}
	return false
}
