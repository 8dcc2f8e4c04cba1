package wire

import (
	"github.com/tickarena/tickarena/game"
)

// docExample is one message documented in docs/protocol.md, with its bytes.
type docExample struct {
	name   string // the marker in the document: <!-- example: name -->
	client bool   // sent by clients (decoded with DecodeClient)
	b      []byte
}

// The two views of the documented delta examples.
var (
	exampleRound = RoundInfo{Round: 1, Phase: game.Playing, PhaseEnd: 9000}

	// exampleFirst is a client's first view: a full snapshot at tick 1.
	exampleFirst = View{Tick: 1, Round: exampleRound, Entities: []Entity{
		{ID: 7, Kind: KindPellet, X: 33600, Y: 31200},
		{ID: 1024, Kind: KindShip, X: 32000, Y: 32000, Aim: 64, HP: 100, Name: "ann"},
	}}

	// exampleBase and exampleCur are a baseline at tick 100 and the view at
	// tick 102: ann moved 3 Sub units further than predicted, turned and
	// picked up pellet 7 (which reappeared out of view), bot1 was hit and
	// moved exactly as predicted, cy came into view and pellet 9 too.
	exampleBase = View{Tick: 100, Round: exampleRound, Entities: []Entity{
		{ID: 7, Kind: KindPellet, X: 33600, Y: 31200},
		{ID: 1024, Kind: KindShip, X: 32000, Y: 32000, VX: 10, Aim: 64, HP: 100, Name: "ann"},
		{ID: 1025, Kind: KindShip, X: 35000, Y: 30000, VX: -10, VY: 7, Aim: 128, HP: 100, Flags: FlagBot, Score: 20, Name: "bot1"},
	}}
	exampleCur = View{Tick: 102, Round: exampleRound, Entities: []Entity{
		{ID: 9, Kind: KindPellet, X: 30400, Y: 33600},
		{ID: 1024, Kind: KindShip, X: 32023, Y: 32000, VX: 10, Aim: 70, HP: 100, Score: 10, Name: "ann"},
		{ID: 1025, Kind: KindShip, X: 34980, Y: 30014, VX: -10, VY: 7, Aim: 128, HP: 80, Flags: FlagBot, Score: 20, Name: "bot1"},
		{ID: 1026, Kind: KindShip, X: 36000, Y: 33000, Aim: 200, HP: 100, Name: "cy"},
	}}
	exampleEvents = []game.Event{
		{Kind: game.Pickup, Tick: 101, A: 1024, B: 7, X: 33600, Y: 31200, Value: 10},
		{Kind: game.Shot, Tick: 101, A: 311, B: 1024, X: 32002, Y: 32384, Angle: 17920},
		{Kind: game.Hit, Tick: 102, A: 1025, B: 1024, C: 305, X: 34980, Y: 30014, Value: 20},
		{Kind: game.Spawn, Tick: 102, A: 1026, X: 36000, Y: 33000},
	}
	exampleLastSeq uint32 = 57
)

// The two rosters of the documented examples: ann, bot1 and dee at tick 9030;
// a second later ann moved, bot1 respawned elsewhere, cy joined and dee left.
var (
	exampleRoster = []RosterLine{
		{Ship: 1024, Name: "ann", Score: 120, Kills: 1, MapX: 128, MapY: 128},
		{Ship: 1025, Name: "bot1", Flags: FlagBot | FlagDead, Score: 80, Deaths: 1, MapX: 140, MapY: 120},
		{Ship: 1027, Name: "dee", Score: 10, MapX: 5, MapY: 250},
	}
	exampleRosterNext = []RosterLine{
		{Ship: 1024, Name: "ann", Score: 120, Kills: 1, MapX: 131, MapY: 126},
		{Ship: 1025, Name: "bot1", Flags: FlagBot, Score: 80, Deaths: 1, MapX: 40, MapY: 200},
		{Ship: 1026, Name: "cy", MapX: 10, MapY: 20},
	}
)

// exampleFrame is a server frame of one tick: the delta, then a ping.
func exampleFrame() []byte {
	var enc DeltaEncoder
	b := enc.Append(nil, &exampleBase, &exampleCur, exampleLastSeq, exampleEvents)
	return AppendPing(b, Ping{Time: 1700000000123, RTT: 42})
}

// docExamples returns every documented example message in the order of the document.
func docExamples() []docExample {
	var enc DeltaEncoder
	return []docExample{
		{"hello", true, AppendHello(nil, Hello{Version: Version, Token: "tok", Room: "r1"})},
		{"welcome", false, AppendWelcome(nil, Welcome{Ship: 1024, ServerTick: 100,
			Rules: game.Rules{TickRate: 30, WorldSize: 4000, RoundSeconds: 300, IntermissionSeconds: 8}, RoomID: "r1", RoomName: "Arena"})},
		{"input", true, AppendInput(nil, Input{Seq: 57, Ack: 100, N: 2, Steps: [MaxInputSteps]InputStep{
			{Buttons: game.Up, Aim: 17920}, {Buttons: game.Up | game.Fire, Aim: 17920}}})},
		{"delta-full", false, enc.Append(nil, nil, &exampleFirst, 0, nil)},
		{"delta", false, enc.Append(nil, &exampleBase, &exampleCur, exampleLastSeq, exampleEvents)},
		{"ping", false, AppendPing(nil, Ping{Time: 1700000000123, RTT: 42})},
		{"pong", true, AppendPong(nil, Pong{Time: 1700000000123, Held: 12500})},
		{"roster", false, AppendRosterDiff(nil, 9030, 0, nil, exampleRoster)},
		{"roster-difference", false, AppendRosterDiff(nil, 9060, 9030, exampleRoster, exampleRosterNext)},
		{"roundEnd", false, AppendRoundEnd(nil, RoundEnd{Round: 1, EndTick: 9000, NextRound: 9240, Players: []game.PlayerResult{
			{Ship: 1024, Name: "ann", Score: 120, Kills: 1, Placement: 1},
			{Ship: 1025, Name: "bot1", Bot: true, Score: 80, Deaths: 1, Placement: 2},
		}})},
		{"leave", true, AppendLeave(nil)},
		{"error", false, AppendError(nil, Error{Code: ErrCodeVersion, Reason: "protocol version 1 is not supported (this server speaks 2): reload the page"})},
		{"hello-spectate", true, AppendHello(nil, Hello{Version: Version, Token: "tok", Room: "r1", Spectate: true, Follow: 1025})},
		{"follow", true, AppendFollow(nil, Follow{Ship: 1024})},
		{"spectating", false, AppendSpectating(nil, Spectating{Follow: 1024, DelayMs: 3000})},
	}
}
