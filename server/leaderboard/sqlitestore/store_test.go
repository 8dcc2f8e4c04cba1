package sqlitestore

import (
	"context"
	"errors"
	"log/slog"
	"path/filepath"
	"testing"

	"github.com/tickarena/tickarena/server/leaderboard"
	"github.com/tickarena/tickarena/server/leaderboard/storetest"
)

func openAt(t testing.TB, path string) *Store {
	t.Helper()
	s, err := Open(context.Background(), Options{Path: path, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatalf("Open(%s): %v", path, err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func TestContract(t *testing.T) {
	storetest.Run(t, func(t *testing.T) leaderboard.Store {
		return openAt(t, filepath.Join(t.TempDir(), "lb.db"))
	})
}

func TestReopenKeepsEverything(t *testing.T) {
	path := filepath.Join(t.TempDir(), "lb.db")
	s, err := Open(context.Background(), Options{Path: path, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	b := storetest.NewBrute()
	for _, r := range storetest.RandomRounds(7, 120) {
		storetest.MustRecord(t, s, r)
		b.Record(r)
	}
	secret, err := s.GetOrCreateSetting(context.Background(), "session-key", func() ([]byte, error) { return []byte("first"), nil })
	if err != nil {
		t.Fatalf("GetOrCreateSetting: %v", err)
	}
	if err := s.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}

	again := openAt(t, path)
	storetest.CheckAgainst(t, again, b, storetest.Instants...)
	got, err := again.GetOrCreateSetting(context.Background(), "session-key", func() ([]byte, error) { return []byte("second"), nil })
	if err != nil || string(got) != string(secret) {
		t.Errorf("setting after reopen = %q, %v; want %q", got, err, secret)
	}
	p, err := again.Player(context.Background(), "pl-01", storetest.Sunday)
	if err != nil || len(p.Recent) == 0 {
		t.Errorf("Player after reopen = %+v, %v; want recent rounds", p, err)
	}
	if v, err := again.SchemaVersion(context.Background()); err != nil || v != len(migrations) {
		t.Errorf("schema version = %d, %v; want %d", v, err, len(migrations))
	}
}

func TestGetOrCreateSetting(t *testing.T) {
	ctx := context.Background()
	s := openAt(t, filepath.Join(t.TempDir(), "lb.db"))
	calls := 0
	create := func() ([]byte, error) { calls++; return []byte{0, 1, 2, byte(calls)}, nil }
	first, err := s.GetOrCreateSetting(ctx, "k", create)
	if err != nil {
		t.Fatalf("first: %v", err)
	}
	second, err := s.GetOrCreateSetting(ctx, "k", create)
	if err != nil || string(second) != string(first) || calls != 1 {
		t.Errorf("second = %v, %v after %d creates; want %v from one create", second, err, calls, first)
	}
	boom := errors.New("no entropy")
	if _, err := s.GetOrCreateSetting(ctx, "other", func() ([]byte, error) { return nil, boom }); !errors.Is(err, boom) {
		t.Errorf("failing create error = %v; want it wrapped", err)
	}
	v, err := s.GetOrCreateSetting(ctx, "other", func() ([]byte, error) { return []byte("ok"), nil })
	if err != nil || string(v) != "ok" {
		t.Errorf("after a failed create = %q, %v; want a fresh create", v, err)
	}
}

func TestOpenErrors(t *testing.T) {
	tests := []struct {
		name string
		path string
	}{
		{"query characters in path", filepath.Join(t.TempDir(), "a?b.db")},
		{"missing directory", filepath.Join(t.TempDir(), "no", "such", "dir", "lb.db")},
		{"directory instead of file", t.TempDir()},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := Open(context.Background(), Options{Path: tt.path, Logger: slog.New(slog.DiscardHandler)})
			if err == nil {
				s.Close()
				t.Fatalf("Open(%s) succeeded; want an error", tt.path)
			}
		})
	}
}

func TestPingAfterClose(t *testing.T) {
	s := openAt(t, filepath.Join(t.TempDir(), "lb.db"))
	s.Close()
	if err := s.Ping(context.Background()); err == nil {
		t.Error("Ping on a closed store succeeded")
	}
}

func TestRoundContract(t *testing.T) {
	storetest.RunRounds(t, func(t *testing.T) interface {
		leaderboard.Store
		leaderboard.RoundStore
	} {
		return openAt(t, filepath.Join(t.TempDir(), "lb.db"))
	})
}
