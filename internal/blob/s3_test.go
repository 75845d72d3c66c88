package blob

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"
)

func TestParseS3URL(t *testing.T) {
	for _, tc := range []struct {
		url  string
		want S3Config
	}{
		{"s3://photos", S3Config{Bucket: "photos"}},
		{"s3://photos/qasid/prod/", S3Config{Bucket: "photos", Prefix: "qasid/prod"}},
		{"s3://photos/p?endpoint=127.0.0.1:9000&secure=false&region=eu-1",
			S3Config{Bucket: "photos", Prefix: "p", Endpoint: "127.0.0.1:9000", Insecure: true, Region: "eu-1", PathStyle: true}},
		{"s3://photos?endpoint=s3.example.org&lookup=dns", S3Config{Bucket: "photos", Endpoint: "s3.example.org"}},
		{"s3://photos?lookup=path", S3Config{Bucket: "photos", PathStyle: true}},
	} {
		got, err := ParseS3URL(tc.url)
		if err != nil || got != tc.want {
			t.Errorf("ParseS3URL(%q) = %+v, %v; want %+v", tc.url, got, err, tc.want)
		}
	}
	for _, tc := range []struct{ url, says string }{
		{"https://photos", "scheme"},
		{"s3://", "no bucket"},
		{"s3://AKIA:secret@photos", "QASID_S3_ACCESS_KEY"},
		{"s3://photos?endpoint=http://127.0.0.1:9000", "without a scheme"},
		{"s3://photos?secure=maybe", "secure"},
		{"s3://photos?lookup=magic", "lookup"},
		{"s3://photos?acl=public-read", "parameter"},
		{"s3://photos/%zz", "parse"},
	} {
		_, err := ParseS3URL(tc.url)
		if err == nil || !strings.Contains(err.Error(), tc.says) {
			t.Errorf("ParseS3URL(%q): %v, want an error about %q", tc.url, err, tc.says)
		}
		if err != nil && strings.Contains(err.Error(), "secret") {
			t.Errorf("error %q repeats the secret", err)
		}
	}
}

func TestOpen(t *testing.T) {
	ctx := t.Context()
	data := t.TempDir()
	s, err := Open(ctx, "", data, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Put(ctx, "images/aa/x.jpg", strings.NewReader("x"), 1, "image/jpeg"); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(data, "files", "images", "aa", "x.jpg")); err != nil {
		t.Errorf("the default store is not under <data>/files: %v", err)
	}
	if _, err := Open(ctx, "", "", nil); err == nil {
		t.Error("no URL and no data folder was accepted")
	}
	// Keys come from the environment; without them the S3 store refuses
	// to start, before any request.
	if _, err := Open(ctx, "s3://photos?endpoint=127.0.0.1:1&secure=false", data, func(string) string { return "" }); err == nil ||
		!strings.Contains(err.Error(), "QASID_S3_ACCESS_KEY") {
		t.Errorf("S3 without keys: %v", err)
	}
}

// TestS3 runs against a real S3-compatible server named by QASID_TEST_S3,
// e.g. s3://qasid-test?endpoint=127.0.0.1:4568&secure=false with the keys
// in QASID_S3_ACCESS_KEY and QASID_S3_SECRET_KEY; .ci/run starts one.
// Each run works under a prefix of its own.
func TestS3(t *testing.T) {
	raw := os.Getenv("QASID_TEST_S3")
	if raw == "" {
		t.Skip("QASID_TEST_S3 not set: no S3-compatible server to test against")
	}
	ctx := t.Context()
	c, err := ParseS3URL(raw)
	if err != nil {
		t.Fatal(err)
	}
	b := make([]byte, 6)
	rand.Read(b)
	c.Prefix = strings.Trim(c.Prefix+"/t-"+hex.EncodeToString(b), "/")
	c.AccessKey, c.SecretKey = os.Getenv("QASID_S3_ACCESS_KEY"), os.Getenv("QASID_S3_SECRET_KEY")
	ensureBucket(t, c)
	s, err := NewS3(ctx, c)
	if err != nil {
		t.Fatal(err)
	}
	storeBehaviour(t, s)

	// An object bigger than a part goes up in parts and comes back whole.
	big := make([]byte, 20<<20)
	rand.Read(big)
	if err := s.Put(ctx, "images/big/original.png", bytes.NewReader(big), int64(len(big)), "image/png"); err != nil {
		t.Fatal(err)
	}
	r, n, err := s.Open(ctx, "images/big/original.png")
	if err != nil {
		t.Fatal(err)
	}
	got, err := io.ReadAll(r)
	r.Close()
	if err != nil || n != int64(len(big)) || !bytes.Equal(got, big) {
		t.Errorf("big object: %d bytes (said %d), %v; want the %d bytes put", len(got), n, err, len(big))
	}
	// The object can seek, which range requests need.
	r, _, err = s.Open(ctx, "images/big/original.png")
	if err != nil {
		t.Fatal(err)
	}
	rs, ok := r.(io.ReadSeeker)
	if !ok {
		t.Fatalf("%T cannot seek", r)
	}
	if _, err := rs.Seek(10<<20, io.SeekStart); err != nil {
		t.Fatal(err)
	}
	part := make([]byte, 16)
	if _, err := io.ReadFull(rs, part); err != nil || !bytes.Equal(part, big[10<<20:10<<20+16]) {
		t.Errorf("read after seek: %x, %v", part, err)
	}
	r.Close()
	if err := s.Delete(ctx, "images/big/original.png"); err != nil {
		t.Fatal(err)
	}

	// A bucket that does not exist fails at start.
	c.Bucket = "qasid-no-such-bucket-" + hex.EncodeToString(b)
	if _, err := NewS3(ctx, c); err == nil {
		t.Error("a missing bucket was accepted")
	}
	// So does a wrong secret key: a real server checks every signature.
	c.Bucket, c.SecretKey = mustBucket(t, raw), "wrong-secret"
	if _, err := NewS3(ctx, c); err == nil {
		t.Error("the server accepted a wrong secret key")
	}
}

func mustBucket(t *testing.T, raw string) string {
	c, err := ParseS3URL(raw)
	if err != nil {
		t.Fatal(err)
	}
	return c.Bucket
}

// ensureBucket creates the test bucket on a fresh server, so that CI needs
// no client of its own to prepare one.
func ensureBucket(t *testing.T, c S3Config) {
	t.Helper()
	client, err := minio.New(c.Endpoint, &minio.Options{Creds: credentials.NewStaticV4(c.AccessKey, c.SecretKey, ""),
		Secure: !c.Insecure, Region: c.Region, BucketLookup: minio.BucketLookupPath})
	if err != nil {
		t.Fatal(err)
	}
	ok, err := client.BucketExists(t.Context(), c.Bucket)
	if err != nil {
		t.Fatalf("test bucket %s: %v", c.Bucket, err)
	}
	if !ok {
		if err := client.MakeBucket(t.Context(), c.Bucket, minio.MakeBucketOptions{Region: c.Region}); err != nil {
			t.Fatalf("make test bucket %s: %v", c.Bucket, err)
		}
	}
}
