package lobby

import (
	"log/slog"
	"testing"
)

// TestQuickPlayPrefersReservedSeatsAndKeepsYours: quick play sends a new
// player to the fullest public room counting seats that are reserved but not
// yet taken, keeps a player who already holds a seat in a public room where
// they are even when a fuller room exists, and sends a player who holds a
// seat in a private room to a public one.
func TestQuickPlayPrefersReservedSeatsAndKeepsYours(t *testing.T) {
	l, err := NewLocal(newMemHost(), LocalOptions{Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	ctx := t.Context()
	create := func(name string, public bool) string {
		t.Helper()
		r, err := l.Create(ctx, RoomSpec{Name: name, Capacity: 6, RoundSeconds: 60, Public: public})
		if err != nil {
			t.Fatal(err)
		}
		return r.ID
	}
	reserve := func(room, player string) {
		t.Helper()
		if _, err := l.Reserve(ctx, room, player, 0); err != nil {
			t.Fatalf("Reserve(%s, %s): %v", room, player, err)
		}
	}
	quick := func(player string) string {
		t.Helper()
		r, err := l.QuickPlay(ctx, player)
		if err != nil {
			t.Fatalf("QuickPlay(%s): %v", player, err)
		}
		return r.ID
	}
	// Both public rooms have no one playing yet; "busy" has two seats reserved.
	quiet, busy, private := create("Quiet", true), create("Busy", true), create("Private", false)
	reserve(busy, "p1")
	reserve(busy, "p2")
	if got := quick("newcomer"); got != busy {
		t.Errorf("a newcomer was sent to %s, want the room with reserved seats %s", got, busy)
	}
	reserve(quiet, "loyal")
	if got := quick("loyal"); got != quiet {
		t.Errorf("a player holding a seat in public room %s was moved to %s", quiet, got)
	}
	reserve(private, "friend")
	if got := quick("friend"); got != busy {
		t.Errorf("a player holding a seat in a private room was sent to %s, want the fullest public room %s", got, busy)
	}
}

// TestQuickPlayPassesOverARoomFilledMeanwhile: the fullest public room by the
// host's count has had its last seat taken by a player just admitted, whom
// the host does not count yet; quick play goes on to the next room instead
// of failing.
func TestQuickPlayPassesOverARoomFilledMeanwhile(t *testing.T) {
	l, err := NewLocal(newMemHost(), LocalOptions{Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	ctx := t.Context()
	var ids []string
	for _, name := range []string{"Almost", "Empty"} {
		r, err := l.Create(ctx, RoomSpec{Name: name, Capacity: 2, RoundSeconds: 60, Public: true})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, r.ID)
	}
	almost, empty := ids[0], ids[1]
	if _, err := l.Reserve(ctx, almost, "waiting", 0); err != nil {
		t.Fatal(err)
	}
	// Admitted at hello: counted by the seats for the arrival grace, not by
	// the host yet.
	if err := l.Seats().Admit(almost, "arrived", 0, 2, true); err != nil {
		t.Fatal(err)
	}
	r, err := l.QuickPlay(ctx, "newcomer")
	if err != nil || r.ID != empty {
		t.Fatalf("quick play: %s, %v; want room %s (room %s has a reservation and a player just admitted)", r.ID, err, empty, almost)
	}
}
