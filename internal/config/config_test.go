package config

import (
	"flag"
	"io"
	"strings"
	"testing"
	"time"
)

func parse(t *testing.T, env map[string]string, args ...string) (Config, error) {
	t.Helper()
	fs := flag.NewFlagSet("test", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	load := Bind(fs, func(k string) string { return env[k] })
	if err := fs.Parse(args); err != nil {
		return Config{}, err
	}
	return load()
}

func TestFlagsWinOverEnvironment(t *testing.T) {
	env := map[string]string{"QASID_ADDR": "127.0.0.1:9000", "QASID_DATA": "/srv/env", "QASID_LOG_LEVEL": "debug"}
	c, err := parse(t, env, "--data", "/srv/flag")
	if err != nil {
		t.Fatal(err)
	}
	if c.Addr != "127.0.0.1:9000" || c.DataDir != "/srv/flag" || c.LogLevel.String() != "DEBUG" {
		t.Errorf("got %+v", c)
	}
	if c.BaseURL != "http://127.0.0.1:9000" {
		t.Errorf("base URL %q derived from addr", c.BaseURL)
	}
}

func TestDefaultsAndDerivedBaseURL(t *testing.T) {
	c, err := parse(t, nil)
	if err != nil {
		t.Fatal(err)
	}
	if c.Addr != "127.0.0.1:8080" || c.DataDir != "./qasid-data" || c.DatabaseURL != "" || c.BaseURL != "http://127.0.0.1:8080" {
		t.Errorf("defaults %+v", c)
	}
	c, err = parse(t, nil, "--addr", ":8080", "--base-url", "https://news.example.org/")
	if err != nil || c.BaseURL != "https://news.example.org" {
		t.Errorf("base URL %q, %v", c.BaseURL, err)
	}
	c, err = parse(t, nil, "--addr", "0.0.0.0:80")
	if err != nil || c.BaseURL != "http://127.0.0.1:80" {
		t.Errorf("wildcard address: base URL %q, %v", c.BaseURL, err)
	}
}

func TestVoiceRecent(t *testing.T) {
	for _, tt := range []struct {
		env  string
		args []string
		want time.Duration
	}{
		{"", nil, 7 * 24 * time.Hour},
		{"", []string{"--voice-recent", "2d"}, 48 * time.Hour},
		{"", []string{"--voice-recent", "36h"}, 36 * time.Hour},
		{"", []string{"--voice-recent", "0"}, 0},
		{"30d", nil, 30 * 24 * time.Hour},
		{"30d", []string{"--voice-recent", "1d"}, 24 * time.Hour},
	} {
		c, err := parse(t, map[string]string{"QASID_VOICE_RECENT": tt.env}, tt.args...)
		if err != nil || c.VoiceRecent != tt.want {
			t.Errorf("env %q args %v: %v, %v; want %v", tt.env, tt.args, c.VoiceRecent, err, tt.want)
		}
	}
}

func TestPageCache(t *testing.T) {
	for _, tt := range []struct {
		env  string
		args []string
		want int64
	}{
		{"", nil, 64 << 20},
		{"", []string{"--page-cache", "1GiB"}, 1 << 30},
		{"", []string{"--page-cache", "500MB"}, 500e6},
		{"", []string{"--page-cache", "2097152"}, 2 << 20},
		{"256MiB", nil, 256 << 20},
		{"256MiB", []string{"--page-cache", "32 MiB"}, 32 << 20},
	} {
		c, err := parse(t, map[string]string{"QASID_PAGE_CACHE": tt.env}, tt.args...)
		if err != nil || c.PageCacheBytes != tt.want {
			t.Errorf("env %q args %v: %d, %v; want %d", tt.env, tt.args, c.PageCacheBytes, err, tt.want)
		}
	}
}

func TestInvalidSettings(t *testing.T) {
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"--addr", "8080"}, "addr"},
		{[]string{"--data", " "}, "data folder"},
		{[]string{"--database-url", "sqlite:///x"}, "postgres://"},
		{[]string{"--base-url", "ftp://x"}, "base URL"},
		{[]string{"--base-url", "https://x/news"}, "base URL"},
		{[]string{"--log-level", "chatty"}, "log level"},
		{[]string{"--mt-url", "libretranslate"}, "mt URL"},
		{[]string{"--debug-addr", "6060"}, "debug addr"},
		{[]string{"--page-cache", "lots"}, "page-cache"},
		{[]string{"--page-cache", "1KiB"}, "page-cache"},
		{[]string{"--page-cache", "-5MiB"}, "page-cache"},
		{[]string{"--page-cache", "99999999GiB"}, "page-cache"},
		{[]string{"--voice-recent", "-1h"}, "voice-recent"},
		{[]string{"--voice-recent", "a week"}, "voice-recent"},
		{[]string{"--voice-recent", "-3d"}, "voice-recent"},
		{[]string{"--voice-recent", "99999999999d"}, "voice-recent"},
	}
	for _, tt := range tests {
		if _, err := parse(t, nil, tt.args...); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%v: err %v, want it to mention %q", tt.args, err, tt.want)
		}
	}
}

func TestStringHidesThePassword(t *testing.T) {
	c, err := parse(t, map[string]string{"QASID_MT_KEY": "mtsecret"}, "--database-url", "postgres://qasid:s3cret@db.internal/qasid", "--mt-url", "http://127.0.0.1:5000")
	if err != nil {
		t.Fatal(err)
	}
	if s := c.String(); strings.Contains(s, "s3cret") || strings.Contains(s, "mtsecret") || !strings.Contains(s, "db.internal") || c.MTKey != "mtsecret" {
		t.Errorf("String() = %q", s)
	}
}
