package app

import (
	"context"
	"log/slog"

	"github.com/qasid/qasid/internal/config"
	"github.com/qasid/qasid/internal/speech"
	"github.com/qasid/qasid/internal/store"
	"github.com/qasid/qasid/internal/voice"
)

// voiceService builds the voice-over service: espeak-ng reads and opusenc
// encodes, both found on PATH when a rendering runs. Neither is required
// to start: without them the service says at start that voice-overs are
// off, the desk says why, and nothing else changes. The files go to the
// blob store beside the images, which several nodes must share.
func voiceService(ctx context.Context, cfg config.Config, log *slog.Logger, db store.Store) (*voice.Service, error) {
	blobs, err := blobStore(ctx, cfg) // media.go: the data folder or the S3 bucket
	if err != nil {
		return nil, err
	}
	return voice.New(voice.Options{Store: db, Blobs: blobs, Provider: speech.NewESpeak(""), Encoder: speech.NewOpus("", 0), Log: log,
		Recent: cfg.VoiceRecent})
}
