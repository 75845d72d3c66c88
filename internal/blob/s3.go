package blob

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	// minio-go is a small, well-kept S3 client (Apache-2.0) that speaks
	// to AWS, MinIO, Garage, Ceph and the rest with signature v4. The AWS
	// SDK would bring dozens of modules for the four calls made here.
	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"
)

// S3 is a Store in a bucket of an S3-compatible object store, for
// deployments with several nodes that must all see the same files.
type S3 struct {
	client *minio.Client
	bucket string
	prefix string // ends in "/" unless empty
}

// S3Config says where the bucket is and how to reach it. The URL form read
// by Open is s3://BUCKET/PREFIX?endpoint=HOST:PORT&region=R&secure=false&lookup=path.
type S3Config struct {
	Endpoint  string // host[:port]; default s3.amazonaws.com
	Bucket    string
	Prefix    string // keys are stored under it, e.g. "qasid/"
	Region    string // optional; some servers insist on one
	AccessKey string
	SecretKey string
	Insecure  bool // plain HTTP: for a server on loopback or a private network
	// PathStyle puts the bucket in the path (http://host/bucket/key)
	// rather than in the host name, which self-hosted servers need.
	PathStyle bool
	// Transport, when set, carries the requests (tests).
	Transport http.RoundTripper
}

// NewS3 connects to the bucket and checks that it exists, so that a wrong
// bucket name or key fails at start rather than at the first upload.
func NewS3(ctx context.Context, c S3Config) (*S3, error) {
	if c.Bucket == "" {
		return nil, errors.New("blob: s3: no bucket")
	}
	if c.AccessKey == "" || c.SecretKey == "" {
		return nil, errors.New("blob: s3: no access key or secret key (QASID_S3_ACCESS_KEY, QASID_S3_SECRET_KEY)")
	}
	if c.Endpoint == "" {
		c.Endpoint = "s3.amazonaws.com"
	}
	lookup := minio.BucketLookupDNS
	if c.PathStyle {
		lookup = minio.BucketLookupPath
	}
	client, err := minio.New(c.Endpoint, &minio.Options{
		Creds:        credentials.NewStaticV4(c.AccessKey, c.SecretKey, ""),
		Secure:       !c.Insecure,
		Region:       c.Region,
		BucketLookup: lookup,
		Transport:    c.Transport,
	})
	if err != nil {
		return nil, fmt.Errorf("blob: s3 %s: %w", c.Endpoint, err)
	}
	ok, err := client.BucketExists(ctx, c.Bucket)
	if err != nil {
		return nil, fmt.Errorf("blob: s3 bucket %q at %s: %w", c.Bucket, c.Endpoint, err)
	}
	if !ok {
		return nil, fmt.Errorf("blob: s3 bucket %q does not exist at %s", c.Bucket, c.Endpoint)
	}
	prefix := strings.Trim(c.Prefix, "/")
	if prefix != "" {
		prefix += "/"
	}
	return &S3{client: client, bucket: c.Bucket, prefix: prefix}, nil
}

func (s *S3) object(key string) (string, error) {
	if err := checkKey(key); err != nil {
		return "", err
	}
	return s.prefix + key, nil
}

// Put uploads r. An object store replaces an object whole when the upload
// completes, so readers see the old blob or the new one, never a part; an
// upload cut short (fewer than size bytes) fails and changes nothing.
func (s *S3) Put(ctx context.Context, key string, r io.Reader, size int64, contentType string) error {
	name, err := s.object(key)
	if err != nil {
		return err
	}
	if size < 0 {
		return fmt.Errorf("blob: put %s: the size must be known", key)
	}
	info, err := s.client.PutObject(ctx, s.bucket, name, &exactReader{r: r, left: size}, size,
		minio.PutObjectOptions{ContentType: contentType})
	if err != nil {
		return fmt.Errorf("blob: put %s: %w", key, err)
	}
	if info.Size != size {
		return fmt.Errorf("blob: put %s: stored %d bytes, want %d", key, info.Size, size)
	}
	return nil
}

// Open returns the object, which can also seek (for range requests), and
// its size.
func (s *S3) Open(ctx context.Context, key string) (io.ReadCloser, int64, error) {
	name, err := s.object(key)
	if err != nil {
		return nil, 0, err
	}
	obj, err := s.client.GetObject(ctx, s.bucket, name, minio.GetObjectOptions{})
	if err != nil {
		return nil, 0, fmt.Errorf("blob: open %s: %w", key, err)
	}
	// GetObject is lazy: Stat makes the request and tells a missing key.
	st, err := obj.Stat()
	if err != nil {
		obj.Close()
		if notFound(err) {
			return nil, 0, fmt.Errorf("blob: %s: %w", key, ErrNotFound)
		}
		return nil, 0, fmt.Errorf("blob: open %s: %w", key, err)
	}
	return obj, st.Size, nil
}

// Delete removes an object; S3 answers a missing one like a removed one.
func (s *S3) Delete(ctx context.Context, key string) error {
	name, err := s.object(key)
	if err != nil {
		return err
	}
	if err := s.client.RemoveObject(ctx, s.bucket, name, minio.RemoveObjectOptions{}); err != nil && !notFound(err) {
		return fmt.Errorf("blob: delete %s: %w", key, err)
	}
	return nil
}

// exactReader fails a read that ends before size bytes, instead of
// ending cleanly. The client then aborts the upload rather than finishing a
// request that a lenient server might store, short, in place of the blob.
type exactReader struct {
	r    io.Reader
	left int64
}

func (e *exactReader) Read(p []byte) (int, error) {
	if e.left <= 0 {
		return 0, io.EOF
	}
	if int64(len(p)) > e.left {
		p = p[:e.left]
	}
	n, err := e.r.Read(p)
	e.left -= int64(n)
	if err == io.EOF && e.left > 0 {
		return n, fmt.Errorf("blob: the upload ended %d bytes short: %w", e.left, io.ErrUnexpectedEOF)
	}
	if err == io.EOF {
		err = nil // the next call says EOF; n bytes still count
	}
	return n, err
}

func notFound(err error) bool {
	r := minio.ToErrorResponse(err)
	return r.Code == minio.NoSuchKey || r.StatusCode == http.StatusNotFound && r.Code != minio.NoSuchBucket
}

// Open opens the blob store a deployment asks for: a folder under
// dataDir/files when rawURL is empty, or an S3 bucket for an s3:// URL,
// with its keys from getenv("QASID_S3_ACCESS_KEY") and
// getenv("QASID_S3_SECRET_KEY"). Keys never go in the URL, which is logged.
func Open(ctx context.Context, rawURL, dataDir string, getenv func(string) string) (Store, error) {
	if rawURL == "" {
		if dataDir == "" {
			return nil, errors.New("blob: no blob URL and no data folder")
		}
		return NewDir(strings.TrimRight(dataDir, "/") + "/files")
	}
	c, err := ParseS3URL(rawURL)
	if err != nil {
		return nil, err
	}
	if getenv != nil {
		c.AccessKey, c.SecretKey = getenv("QASID_S3_ACCESS_KEY"), getenv("QASID_S3_SECRET_KEY")
	}
	return NewS3(ctx, c)
}

// ParseS3URL reads s3://BUCKET/PREFIX?endpoint=HOST:PORT&region=R&secure=false&lookup=path|dns.
// A custom endpoint defaults to path-style requests (MinIO, Garage and
// most self-hosted servers need them); AWS to virtual-hosted ones. secure
// defaults to true.
func ParseS3URL(rawURL string) (S3Config, error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		return S3Config{}, errors.New("blob: the blob URL does not parse; want s3://bucket/prefix?endpoint=host:port")
	}
	if u.Scheme != "s3" {
		return S3Config{}, fmt.Errorf("blob: blob URL scheme %q: want s3:// (or nothing, for a folder in the data directory)", u.Scheme)
	}
	if u.User != nil {
		return S3Config{}, errors.New("blob: put the S3 keys in QASID_S3_ACCESS_KEY and QASID_S3_SECRET_KEY, not in the blob URL")
	}
	c := S3Config{Bucket: u.Host, Prefix: strings.Trim(u.Path, "/")}
	if c.Bucket == "" {
		return S3Config{}, errors.New("blob: the blob URL names no bucket: want s3://bucket/prefix")
	}
	q := u.Query()
	for k := range q {
		switch k {
		case "endpoint", "region", "secure", "lookup":
		default:
			return S3Config{}, fmt.Errorf("blob: blob URL parameter %q: want endpoint, region, secure or lookup", k)
		}
	}
	c.Endpoint, c.Region = q.Get("endpoint"), q.Get("region")
	if c.Endpoint != "" {
		if strings.Contains(c.Endpoint, "/") {
			return S3Config{}, fmt.Errorf("blob: blob URL endpoint %q: want host or host:port, without a scheme", c.Endpoint)
		}
		c.PathStyle = true
	}
	if v := q.Get("secure"); v != "" {
		secure, err := strconv.ParseBool(v)
		if err != nil {
			return S3Config{}, fmt.Errorf("blob: blob URL secure=%q: want true or false", v)
		}
		c.Insecure = !secure
	}
	switch q.Get("lookup") {
	case "":
	case "path":
		c.PathStyle = true
	case "dns":
		c.PathStyle = false
	default:
		return S3Config{}, fmt.Errorf("blob: blob URL lookup=%q: want path or dns", q.Get("lookup"))
	}
	return c, nil
}

// checkKey refuses keys that are not clean relative paths, the rule Dir
// applies too, so that a key valid in one store is valid in the other.
func checkKey(key string) error {
	if _, err := (&Dir{}).path(key); err != nil {
		return err
	}
	return nil
}
