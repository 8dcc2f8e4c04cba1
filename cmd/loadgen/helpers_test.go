package main

import (
	"io"
	"log/slog"
	"path/filepath"
	"testing"
)

func quietLog() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

// writeSummary writes s as a -json summary named name in dir and returns its
// path.
func writeSummary(t *testing.T, dir, name string, s summary) string {
	t.Helper()
	path := filepath.Join(dir, name)
	if err := s.writeJSON(path); err != nil {
		t.Fatal(err)
	}
	return path
}
