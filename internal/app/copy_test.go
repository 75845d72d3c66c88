package app_test

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/qasid/qasid/internal/store/storetest"
)

func TestMigrateFromSQLiteToPostgres(t *testing.T) {
	url := storetest.PostgresURL(t)
	dir := filepath.Join(t.TempDir(), "data")
	if code, _, errOut := runIn(t, "", "migrate", "--data", dir); code != 0 {
		t.Fatalf("migrate: %s", errOut)
	}
	if code, _, errOut := runIn(t, "a very good password\n", "user", "add", "--data", dir, "--email", "desk@example.org", "--role", "admin"); code != 0 {
		t.Fatalf("user add: %s", errOut)
	}
	db := "sqlite:" + filepath.Join(dir, "qasid.db")
	code, out, errOut := runIn(t, "", "migrate", "--from", db, "--to", url)
	if code != 0 {
		t.Fatalf("migrate --from --to: %d %s", code, errOut)
	}
	if !strings.Contains(out, "every table's rows were copied and counted") || !strings.Contains(out, "users") {
		t.Errorf("output: %q", out)
	}
	// The user can be found in PostgreSQL.
	code, out, _ = runIn(t, "", "user", "list", "--database-url", url)
	if code != 0 || !strings.Contains(out, "desk@example.org") {
		t.Errorf("user list on PostgreSQL: %d %q", code, out)
	}
	// A second move into the same database is refused.
	if code, _, errOut := runIn(t, "", "migrate", "--from", db, "--to", url); code == 0 || !strings.Contains(errOut, "already holds 1 rows in users") {
		t.Errorf("second move: exit %d, %q; want a refusal", code, errOut)
	}
}

func TestMigrateFromBadArguments(t *testing.T) {
	for _, args := range [][]string{
		{"migrate", "--from", "qasid.db", "--to", "postgres://x"},
		{"migrate", "--from", "sqlite:", "--to", "postgres://x"},
		{"migrate", "--from", "sqlite:/nonexistent/qasid.db", "--to", "postgres://x"},
		{"migrate", "--from", "sqlite:x.db", "--to", "mysql://x"},
	} {
		if code, _, errOut := runIn(t, "", args...); code == 0 || errOut == "" {
			t.Errorf("%v: exit %d, stderr %q", args, code, errOut)
		}
	}
}
