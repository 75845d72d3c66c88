package app_test

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/qasid/qasid/internal/app"
)

func runIn(t *testing.T, stdin string, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code := app.Run(context.Background(), args, app.Env{Stdin: strings.NewReader(stdin), Stdout: &out, Stderr: &errOut,
		Getenv: func(string) string { return "" }})
	return code, out.String(), errOut.String()
}

func TestUserAddAndList(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data")
	if code, _, errOut := runIn(t, "", "migrate", "--data", dir); code != 0 {
		t.Fatalf("migrate: %s", errOut)
	}
	code, out, errOut := runIn(t, "a very good password\n", "user", "add", "--data", dir, "--email", "Sub.Editor@Example.org",
		"--role", "editor,translator", "--pairs", "en>ur,en>ar", "--name", "Sana")
	if code != 0 || !strings.Contains(out, "sub.editor@example.org (editor,translator)") {
		t.Fatalf("user add: %d %q %q", code, out, errOut)
	}
	code, out, _ = runIn(t, "", "user", "list", "--data", dir)
	if code != 0 || !strings.Contains(out, "sub.editor@example.org\teditor,translator\ten>ur,en>ar\tactive") {
		t.Errorf("user list: %d %q", code, out)
	}
	tests := []struct {
		name, stdin string
		args        []string
		want        string
	}{
		{"duplicate", "another good password\n", []string{"--email", "sub.editor@example.org", "--role", "reporter"}, "already exists"},
		{"short password", "short\n", []string{"--email", "x@example.org", "--role", "reporter"}, "password must be"},
		{"no password", "", []string{"--email", "x@example.org", "--role", "reporter"}, "password must be"},
		{"unknown role", "a very good password\n", []string{"--email", "x@example.org", "--role", "boss"}, "unknown role"},
		{"translator without pairs", "a very good password\n", []string{"--email", "x@example.org", "--role", "translator"}, "language pair"},
		{"bad pair", "a very good password\n", []string{"--email", "x@example.org", "--role", "translator", "--pairs", "en>xx"}, "unknown language"},
		{"bad email", "a very good password\n", []string{"--email", "not-an-email", "--role", "reporter"}, "email"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, errOut := runIn(t, tt.stdin, append([]string{"user", "add", "--data", dir}, tt.args...)...)
			if code == 0 || !strings.Contains(errOut, tt.want) {
				t.Errorf("exit %d, stderr %q, want it to mention %q", code, errOut, tt.want)
			}
		})
	}
	if code, out, _ := runIn(t, "", "--help"); code != 0 || !strings.Contains(out, "user add") {
		t.Errorf("--help does not list user add: %q", out)
	}
}
