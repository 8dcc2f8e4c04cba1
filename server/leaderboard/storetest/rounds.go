package storetest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/tickarena/tickarena/game"
	"github.com/tickarena/tickarena/game/bot"
	"github.com/tickarena/tickarena/game/replay"
	"github.com/tickarena/tickarena/server/leaderboard"
)

// NewRoundStore returns an empty store that keeps rounds and replays, for
// one test; it should close it on t.Cleanup.
type NewRoundStore func(t *testing.T) interface {
	leaderboard.Store
	leaderboard.RoundStore
}

// RunRounds runs the contract of leaderboard.RoundStore: round lookups and
// replays stored with their result.
func RunRounds(t *testing.T, newStore NewRoundStore) {
	cases := []struct {
		name string
		run  func(t *testing.T, s roundStore)
	}{
		{"RoundLookup", testRoundLookup},
		{"ReplayStoredWithResult", testReplayStored},
		{"RoundWithoutReplay", testRoundWithoutReplay},
		{"UnknownRound", testUnknownRound},
		{"ReplayOfRecordedRoundUnchanged", testReplayIdempotent},
		{"InvalidReplayRejected", testInvalidReplay},
		{"RoundsByNumber", testRoundsByNumber},
		{"RoundsByNumberBounded", testRoundsByNumberBounded},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) { c.run(t, newStore(t)) })
	}
}

type roundStore interface {
	leaderboard.Store
	leaderboard.RoundStore
}

// Recording records a short round of three bots on a world seeded with seed
// and returns its replay file and the duration it covers.
func Recording(t testing.TB, seed uint64) ([]byte, time.Duration) {
	t.Helper()
	r := NewRecording(t, seed)
	return r.Encode(), time.Duration(r.Ticks()) * time.Second / time.Duration(r.Meta.Rules.TickRate)
}

// NewRecording records a short round of three bots on a world seeded with
// seed, as a room does, and returns the recording not yet encoded.
func NewRecording(t testing.TB, seed uint64) *replay.Recording {
	t.Helper()
	w := game.NewWorld(game.Rules{Seed: seed, RoundSeconds: 3, WorldSize: 600, Pellets: 20})
	rec := replay.NewRecorder(replay.Options{KeyframeSeconds: 1})
	rec.Start(w, replay.Meta{Room: replay.Room{ID: "room", Name: "Test"}})
	var brains []*bot.Brain
	for i := range 3 {
		id := w.AddShip(fmt.Sprintf("Bot %d", i+1), true)
		rec.Joined(w, id)
		brains = append(brains, bot.New(id))
	}
	for w.Result == nil {
		inputs := make([]game.Input, 0, len(brains))
		for _, b := range brains {
			inputs = append(inputs, b.Think(w))
		}
		game.Step(w, inputs)
		rec.Step(w)
	}
	r, err := rec.Finish(w)
	if err != nil {
		t.Fatalf("finish recording: %v", err)
	}
	return r
}

// WithReplay returns r carrying replay file b of duration d.
func WithReplay(r leaderboard.RoundResult, b []byte, d time.Duration) leaderboard.RoundResult {
	r.Replay, r.ReplayDuration = b, d
	return r
}

func testRoundLookup(t *testing.T, s roundStore) {
	r := Round("r1", Sunday, Line("b", "Bea", 5, 1, 2), Line("a", "Al", 9, 2, 1), Bot("bot-1", 3, 0, 3))
	MustRecord(t, s, r)
	got, err := s.Round(context.Background(), "r1")
	if err != nil {
		t.Fatalf("Round(r1): %v", err)
	}
	if got.ID != "r1" || got.RoomID != "room-r1" || got.RoomName != "Room r1" || got.Round != 1 || !got.EndedAt.Equal(Sunday) {
		t.Errorf("Round(r1) = %+v; want the recorded round, room and end time", got)
	}
	var order []string
	for _, p := range got.Players {
		order = append(order, fmt.Sprintf("%d:%s/%s/%d/%d/%d/%v", p.Placement, p.PlayerID, p.Name, p.Score, p.Kills, p.Deaths, p.Bot))
	}
	want := "[1:a/Al/9/2/1/false 2:b/Bea/5/1/1/false 3:bot-1/bot bot-1/3/0/1/true]"
	if fmt.Sprint(order) != want {
		t.Errorf("players = %v; want %s", order, want)
	}
}

func testReplayStored(t *testing.T, s roundStore) {
	file, d := Recording(t, 7)
	MustRecord(t, s, WithReplay(Round("r1", Sunday, Line("a", "Al", 9, 2, 1)), file, d))
	got, err := s.Replay(context.Background(), "r1")
	if err != nil {
		t.Fatalf("Replay(r1): %v", err)
	}
	if !bytes.Equal(got, file) {
		t.Fatalf("Replay(r1) is %d bytes, not the %d recorded", len(got), len(file))
	}
	if _, err := replay.Decode(got); err != nil {
		t.Errorf("stored replay does not decode: %v", err)
	}
	info, err := s.Round(context.Background(), "r1")
	if err != nil {
		t.Fatalf("Round(r1): %v", err)
	}
	if info.Replay == nil || info.Replay.Size != len(file) || info.Replay.DurationMS != d.Milliseconds() {
		t.Errorf("Round(r1).Replay = %+v; want size %d, duration %d ms", info.Replay, len(file), d.Milliseconds())
	}
}

func testRoundWithoutReplay(t *testing.T, s roundStore) {
	MustRecord(t, s, Round("r1", Sunday, Line("a", "Al", 9, 2, 1)))
	info, err := s.Round(context.Background(), "r1")
	if err != nil {
		t.Fatalf("Round(r1): %v", err)
	}
	if info.Replay != nil {
		t.Errorf("Round(r1).Replay = %+v for a round recorded without one; want nil", info.Replay)
	}
	if _, err := s.Replay(context.Background(), "r1"); !errors.Is(err, leaderboard.ErrNotFound) {
		t.Errorf("Replay(r1) without one: %v; want ErrNotFound", err)
	}
}

func testUnknownRound(t *testing.T, s roundStore) {
	if _, err := s.Round(context.Background(), "nope"); !errors.Is(err, leaderboard.ErrNotFound) {
		t.Errorf("Round(nope): %v; want ErrNotFound", err)
	}
	if _, err := s.Replay(context.Background(), "nope"); !errors.Is(err, leaderboard.ErrNotFound) {
		t.Errorf("Replay(nope): %v; want ErrNotFound", err)
	}
}

func testReplayIdempotent(t *testing.T, s roundStore) {
	first, d := Recording(t, 7)
	second, _ := Recording(t, 8)
	r := Round("r1", Sunday, Line("a", "Al", 9, 2, 1))
	MustRecord(t, s, WithReplay(r, first, d), WithReplay(r, second, d))
	got, err := s.Replay(context.Background(), "r1")
	if err != nil || !bytes.Equal(got, first) {
		t.Errorf("Replay(r1) after recording twice = %d bytes, %v; want the first file (%d bytes)", len(got), err, len(first))
	}
}

func testInvalidReplay(t *testing.T, s roundStore) {
	file, d := Recording(t, 7)
	bad := bytes.Clone(file)
	bad[6]++ // another rules version
	err := s.Record(context.Background(), WithReplay(Round("r1", Sunday, Line("a", "Al", 9, 2, 1)), bad, d))
	if !errors.Is(err, leaderboard.ErrInvalidResult) {
		t.Fatalf("Record with a replay of another rules version: %v; want ErrInvalidResult", err)
	}
	if _, err := s.Round(context.Background(), "r1"); !errors.Is(err, leaderboard.ErrNotFound) {
		t.Errorf("Round(r1) after a rejected record: %v; want ErrNotFound (nothing stored)", err)
	}
}

// InRoom returns r as round number of room roomID; an empty roomID makes it
// a private room's round, stored without its room.
func InRoom(r leaderboard.RoundResult, roomID string, number uint32) leaderboard.RoundResult {
	r.RoomID, r.Round = roomID, number
	return r
}

// roundIDs lists the ids of rounds in order, for readable failures.
func roundIDs(rounds []leaderboard.RoundInfo) string {
	ids := make([]string, len(rounds))
	for i, r := range rounds {
		ids[i] = r.ID
	}
	return strings.Join(ids, " ")
}

func testRoundsByNumber(t *testing.T, s roundStore) {
	file, d := Recording(t, 7)
	MustRecord(t, s,
		InRoom(Round("a3-then", Sunday.Add(-time.Hour), Line("a", "Al", 4, 0, 1)), "arena", 3),
		InRoom(WithReplay(Round("a3-now", Sunday, Line("b", "Bea", 5, 1, 2), Line("a", "Al", 9, 2, 1)), file, d), "arena", 3),
		InRoom(Round("a4", Sunday, Line("a", "Al", 1, 0, 1)), "arena", 4),
		InRoom(Round("b3", Sunday, Line("a", "Al", 2, 0, 1)), "brawl", 3),
		InRoom(Round("private", Sunday, Line("a", "Al", 7, 1, 1)), "", 3),
		// Recorded again: listed once.
		InRoom(Round("a4", Sunday, Line("a", "Al", 1, 0, 1)), "arena", 4),
	)
	tests := []struct {
		name  string
		room  string
		round uint32
		want  string // round ids, latest first
	}{
		{"the room's rounds of that number, latest first", "arena", 3, "a3-now a3-then"},
		{"a round recorded twice", "arena", 4, "a4"},
		{"another room, same number", "brawl", 3, "b3"},
		{"a number not played yet", "arena", 5, ""},
		{"an unknown room", "nowhere", 3, ""},
		{"a private round by the empty room id", "", 3, ""},
		{"a private round by the id its room would have", "room-private", 3, ""},
		{"a room id that only starts like one", "aren", 3, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := s.RoundsByNumber(context.Background(), tt.room, tt.round)
			if err != nil {
				t.Fatalf("RoundsByNumber(%q, %d): %v; want a list, empty when nothing is found", tt.room, tt.round, err)
			}
			if got == nil {
				t.Errorf("RoundsByNumber(%q, %d) = nil; want an empty list (JSON [])", tt.room, tt.round)
			}
			if ids := roundIDs(got); ids != tt.want {
				t.Errorf("RoundsByNumber(%q, %d) = [%s]; want [%s]", tt.room, tt.round, ids, tt.want)
			}
		})
	}
	// Each round found is as Round returns it.
	got, err := s.RoundsByNumber(context.Background(), "arena", 3)
	if err != nil || len(got) != 2 {
		t.Fatalf("RoundsByNumber(arena, 3) = %d rounds, %v; want 2", len(got), err)
	}
	want, err := s.Round(context.Background(), "a3-now")
	if err != nil {
		t.Fatalf("Round(a3-now): %v", err)
	}
	if !reflect.DeepEqual(got[0], want) {
		t.Errorf("RoundsByNumber(arena, 3)[0] = %+v; want it as Round(a3-now) = %+v", got[0], want)
	}
	if got[0].Replay == nil || got[0].Replay.Size != len(file) || got[1].Replay != nil {
		t.Errorf("replays of the rounds found = %+v, %+v; want a3-now's (%d bytes), none for a3-then", got[0].Replay, got[1].Replay, len(file))
	}
}

func testRoundsByNumberBounded(t *testing.T, s roundStore) {
	n := leaderboard.MaxRoundMatches + 3
	var want []string // latest first
	for i := range n {
		want = append([]string{fmt.Sprintf("r%02d", i)}, want...)
	}
	// Recorded out of order (a result can wait in a queue): the latest to
	// end are kept, not the latest recorded.
	for k := range n {
		i := k * 5 % n
		MustRecord(t, s, InRoom(Round(fmt.Sprintf("r%02d", i), Sunday.Add(time.Duration(i)*time.Minute), Line("a", "Al", 1, 0, 1)), "arena", 1))
	}
	got, err := s.RoundsByNumber(context.Background(), "arena", 1)
	if err != nil {
		t.Fatalf("RoundsByNumber(arena, 1): %v", err)
	}
	if ids, w := roundIDs(got), strings.Join(want[:leaderboard.MaxRoundMatches], " "); ids != w {
		t.Errorf("RoundsByNumber(arena, 1) after %d rounds = [%s]; want the latest %d: [%s]", n, ids, leaderboard.MaxRoundMatches, w)
	}
}
