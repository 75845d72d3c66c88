package app_test

import (
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

var printedKey = regexp.MustCompile(`qsd_[A-Za-z0-9_-]{43}`)

func TestSubscriberCommands(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data")
	if code, _, errOut := runIn(t, "", "migrate", "--data", dir); code != 0 {
		t.Fatalf("migrate: %s", errOut)
	}
	code, out, errOut := runIn(t, "", "subscriber", "add", "--data", dir, "--name", "Daily Jang", "--contact", "wire@jang.example", "--languages", "ur, en")
	key := printedKey.FindString(out)
	if code != 0 || key == "" || !strings.Contains(out, "added subscriber 1: Daily Jang (languages: ur,en; sections: all)") {
		t.Fatalf("subscriber add: %d %q %q", code, out, errOut)
	}
	code, out, _ = runIn(t, "", "subscriber", "list", "--data", dir)
	if code != 0 || !strings.Contains(out, "1\tDaily Jang\tactive\tur,en\tall\tkeys:"+key[:12]+"\tendpoints:0") || strings.Contains(out, key) {
		t.Errorf("subscriber list: %d %q", code, out)
	}
	code, out, _ = runIn(t, "", "subscriber", "key", "--data", dir, "--id", "1")
	second := printedKey.FindString(out)
	if code != 0 || second == "" || second == key {
		t.Fatalf("subscriber key: %d %q", code, out)
	}
	if code, out, errOut := runIn(t, "", "subscriber", "key", "--data", dir, "--revoke", key[:12]); code != 0 || !strings.Contains(out, "revoked key "+key[:12]) {
		t.Errorf("revoke: %d %q %q", code, out, errOut)
	}
	if _, out, _ := runIn(t, "", "subscriber", "list", "--data", dir); !strings.Contains(out, "keys:"+second[:12]+"\t") {
		t.Errorf("list after revoking: %q", out)
	}
	if code, out, _ := runIn(t, "", "subscriber", "suspend", "--data", dir, "--id", "1"); code != 0 || !strings.Contains(out, "suspended") {
		t.Errorf("suspend: %d %q", code, out)
	}
	if _, out, _ := runIn(t, "", "subscriber", "list", "--data", dir); !strings.Contains(out, "\tsuspended\t") {
		t.Errorf("list after suspending: %q", out)
	}
	if code, out, _ := runIn(t, "", "subscriber", "suspend", "--data", dir, "--id", "1", "--resume"); code != 0 || !strings.Contains(out, "resumed") {
		t.Errorf("resume: %d %q", code, out)
	}

	tests := []struct {
		name     string
		args     []string
		exit     int
		inStderr string
	}{
		{"no name", []string{"add"}, 2, "--name is required"},
		{"unknown language", []string{"add", "--name", "X", "--languages", "en,xx"}, 1, `unknown language "xx"`},
		{"unknown section", []string{"add", "--name", "X", "--sections", "gossip"}, 1, `unknown section "gossip"`},
		{"key without id or prefix", []string{"key"}, 2, "either --id"},
		{"key with both", []string{"key", "--id", "1", "--revoke", "qsd_x"}, 2, "either --id"},
		{"key for unknown subscriber", []string{"key", "--id", "99"}, 1, "not found"},
		{"revoke unknown prefix", []string{"key", "--revoke", "qsd_nothing"}, 1, "not found"},
		{"suspend without id", []string{"suspend"}, 2, "--id is required"},
		{"suspend unknown", []string{"suspend", "--id", "99"}, 1, "not found"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			args := append([]string{"subscriber", tt.args[0], "--data", dir}, tt.args[1:]...)
			code, _, errOut := runIn(t, "", args...)
			if code != tt.exit || !strings.Contains(errOut, tt.inStderr) {
				t.Errorf("exit %d, stderr %q; want %d mentioning %q", code, errOut, tt.exit, tt.inStderr)
			}
		})
	}
	if code, out, _ := runIn(t, "", "--help"); code != 0 || !strings.Contains(out, "subscriber add") {
		t.Errorf("--help does not list subscriber add: %q", out)
	}
}
