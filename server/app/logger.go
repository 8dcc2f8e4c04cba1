package app

import (
	"io"
	"log/slog"

	"github.com/tickarena/tickarena/server/config"
)

// NewLogger returns the logger the configuration asks for, writing to w.
func NewLogger(cfg config.Config, w io.Writer) *slog.Logger {
	opts := &slog.HandlerOptions{Level: cfg.LogLevel}
	if cfg.LogFormat == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}
