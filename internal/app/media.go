package app

import (
	"context"
	"log/slog"

	"github.com/qasid/qasid/internal/blob"
	"github.com/qasid/qasid/internal/config"
	"github.com/qasid/qasid/internal/media"
	"github.com/qasid/qasid/internal/store"
)

// blobStore opens where files that are not rows live: <data>/files, or the
// S3-compatible bucket of --blob-url, which several nodes must share.
func blobStore(ctx context.Context, cfg config.Config) (blob.Store, error) {
	keys := func(name string) string {
		switch name {
		case "QASID_S3_ACCESS_KEY":
			return cfg.S3AccessKey
		case "QASID_S3_SECRET_KEY":
			return cfg.S3SecretKey
		}
		return ""
	}
	return blob.Open(ctx, cfg.BlobURL, cfg.DataDir, keys)
}

// mediaService builds the photo desk over the store and the blob store.
func mediaService(ctx context.Context, cfg config.Config, log *slog.Logger, db store.Store) (*media.Service, error) {
	blobs, err := blobStore(ctx, cfg)
	if err != nil {
		return nil, err
	}
	return media.New(media.Options{Store: db, Blobs: blobs, Log: log})
}
