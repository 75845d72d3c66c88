package store

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strconv"
	"strings"
)

// The migrations ship inside the binary: one folder per dialect, the same
// file names in both, each named NNNN_what.sql and applied in number order.
//
//go:embed migrations
var migrationFiles embed.FS

type migration struct {
	version int
	name    string
	sql     string
}

// migrations reads the dialect's migrations in order.
func migrations(dir string) ([]migration, error) {
	entries, err := fs.ReadDir(migrationFiles, dir)
	if err != nil {
		return nil, err
	}
	var ms []migration
	for _, e := range entries {
		if e.IsDir() || !strings.HasSuffix(e.Name(), ".sql") {
			continue
		}
		num, _, ok := strings.Cut(e.Name(), "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil || v <= 0 {
			return nil, fmt.Errorf("migration %s: name must start with a positive number and _", e.Name())
		}
		b, err := fs.ReadFile(migrationFiles, path.Join(dir, e.Name()))
		if err != nil {
			return nil, err
		}
		ms = append(ms, migration{version: v, name: e.Name(), sql: string(b)})
	}
	slices.SortFunc(ms, func(a, b migration) int { return a.version - b.version })
	for i := 1; i < len(ms); i++ {
		if ms[i].version == ms[i-1].version {
			return nil, fmt.Errorf("migrations %s and %s share a number", ms[i-1].name, ms[i].name)
		}
	}
	return ms, nil
}

// migrate applies, each in its own transaction, the migrations the
// database has not recorded yet. Every transaction first takes the
// dialect's migration lock and then checks again what is applied, so a
// second process starting at the same moment waits and then finds nothing
// left to do.
func (db *DB) migrate(ctx context.Context) error {
	ms, err := migrations(db.d.migrationsDir())
	if err != nil {
		return fmt.Errorf("store: migrate: %w", err)
	}
	for _, m := range ms {
		applied := false
		err := db.write(ctx, func(c conn, tx *sql.Tx) error {
			applied = false
			if err := db.d.lockMigrations(ctx, tx); err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, db.d.migrationsTable()); err != nil {
				return fmt.Errorf("create schema_migrations: %w", err)
			}
			var n int
			err := c.queryRow(ctx, `SELECT COUNT(*) FROM schema_migrations WHERE version = ?`, m.version).Scan(&n)
			if err != nil || n > 0 {
				return err
			}
			// A migration is a script of several statements: run it as
			// it is, without arguments or rebinding.
			if _, err := tx.ExecContext(ctx, m.sql); err != nil {
				return err
			}
			_, err = c.exec(ctx, `INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)`,
				m.version, db.timeArg(db.now()))
			applied = err == nil
			return err
		})
		if err != nil {
			return fmt.Errorf("store: migrate %s: %w", m.name, err)
		}
		if applied {
			db.log.InfoContext(ctx, "store: migration applied", "dialect", db.d.name(), "migration", m.name)
		}
	}

	// A database migrated by a newer Qasid may hold tables and rules this
	// binary does not know; refuse it rather than misread it.
	v, err := db.SchemaVersion(ctx)
	if err != nil {
		return err
	}
	if len(ms) > 0 && v > ms[len(ms)-1].version {
		return fmt.Errorf("store: migrate: database schema version %d is newer than this program's %d", v, ms[len(ms)-1].version)
	}
	return nil
}

// SchemaVersion is the number of the newest migration applied.
func (db *DB) SchemaVersion(ctx context.Context) (int, error) {
	var v sql.NullInt64
	err := db.read().queryRow(ctx, `SELECT MAX(version) FROM schema_migrations`).Scan(&v)
	if err != nil {
		return 0, fmt.Errorf("store: schema version: %w", err)
	}
	if !v.Valid {
		return 0, errors.New("store: schema version: no migration applied")
	}
	return int(v.Int64), nil
}
