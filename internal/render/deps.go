package render

import (
	"context"
	"sync"
)

// Deps collects what a page showed of other stories while it was rendered,
// as the page cache's tags ("family:12"): the cache keeps the page under
// those tags too, so that a change to a story referenced by an "Also Read"
// line drops every page that printed its headline. A page rendered without
// a collector records nothing.
type Deps struct {
	mu   sync.Mutex
	tags []string
}

type depsKey struct{}

// WithDeps returns a context that collects dependencies into the returned
// Deps.
func WithDeps(ctx context.Context) (context.Context, *Deps) {
	d := &Deps{}
	return context.WithValue(ctx, depsKey{}, d), d
}

// Depend records tags on the collector in ctx, if there is one.
func Depend(ctx context.Context, tags ...string) {
	if d, ok := ctx.Value(depsKey{}).(*Deps); ok {
		d.mu.Lock()
		d.tags = append(d.tags, tags...)
		d.mu.Unlock()
	}
}

// Tags returns what was collected.
func (d *Deps) Tags() []string {
	d.mu.Lock()
	defer d.mu.Unlock()
	return append([]string(nil), d.tags...)
}
