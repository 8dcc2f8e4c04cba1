package wire

import (
	"fmt"

	"github.com/tickarena/tickarena/game"
)

// Version is the protocol version a hello must carry. Version 2 made the
// input message carry several inputs, let a server frame hold several
// messages, gave the pong its held time and made the roster a difference.
const Version = 2

// Type is the first element of every message.
type Type uint8

// The message types. C→S: sent by clients; S→C: sent by the server; both: either.
const (
	TypeHello    Type = 1  // C→S
	TypeWelcome  Type = 2  // S→C
	TypeInput    Type = 3  // C→S
	TypeDelta    Type = 4  // S→C
	TypePing     Type = 5  // both
	TypePong     Type = 6  // both
	TypeRoundEnd Type = 7  // S→C
	TypeRoster   Type = 8  // S→C
	TypeError    Type = 9  // S→C
	TypeLeave    Type = 10 // C→S
)

// Limits of client messages.
const (
	// MaxClientMessage is the largest client message in bytes; servers should
	// refuse larger frames before decoding.
	MaxClientMessage = 256
	// MaxTokenLen and MaxRoomLen bound the strings of a hello.
	MaxTokenLen = 160
	MaxRoomLen  = 32
	// MaxReasonLen bounds an error's reason.
	MaxReasonLen = 200
)

// Hello is the first message of a connection: who the player is and which room
// they join.
type Hello struct {
	Version uint16
	Token   string
	Room    string
	// Spectate asks to watch the room without a ship (spectate.go); Follow
	// is then the ship to follow, 0 for the whole arena.
	Spectate bool
	Follow   uint32
}

// Welcome answers a hello: the player's ship and what the client needs to run
// the same rules for prediction.
type Welcome struct {
	Ship       uint32
	ServerTick uint32
	Rules      game.Rules // TickRate, WorldSize, RoundSeconds, IntermissionSeconds
	RoomID     string
	RoomName   string
}

// MaxInputSteps is the most inputs one input message carries.
const MaxInputSteps = 4

// InputStep is one client tick of a player's controls.
type InputStep struct {
	Buttons game.Buttons
	Aim     game.Angle
}

// Input is an input message: the newest of a player's inputs that the server
// has not acknowledged, so that one message lost or late costs nothing. Steps
// 0 to N-1 are consecutive inputs, oldest first; the last one has sequence
// number Seq. Unused steps are zero, so that two Inputs compare with ==.
type Input struct {
	// Seq is the sequence number of the newest input, Steps[N-1]. A client
	// numbers its inputs from 1, one per client tick.
	Seq uint32
	// Ack is the last server tick the client received.
	Ack uint32
	// N is the number of steps, 1 to MaxInputSteps.
	N     int
	Steps [MaxInputSteps]InputStep
}

// SeqOf returns the sequence number of step i.
func (in *Input) SeqOf(i int) uint32 { return in.Seq - uint32(in.N-1-i) }

// Ping asks the peer to echo Time in a Pong. RTT is the sender's latest
// measured round-trip time in milliseconds (0 when unknown).
type Ping struct {
	Time int64
	RTT  uint32
}

// Pong echoes the Time of a Ping. Held is how long the answer waited at its
// sender before it left, in microseconds: the server answers in its next
// tick's frame, and the asker takes Held from the round trip it measures.
type Pong struct {
	Time int64
	Held uint32
}

// RoundEnd carries a finished round's result and when the next one starts.
type RoundEnd struct {
	Round     uint32
	EndTick   uint32
	NextRound uint32 // tick at which the next round starts
	Players   []game.PlayerResult
}

// RosterLine is one ship on the room's roster: the scoreboard and the minimap.
type RosterLine struct {
	Ship                 uint32
	Name                 string
	Flags                Flags
	Score, Kills, Deaths int32
	// MapX, MapY are the ship's position in 1/256 of the arena side.
	MapX, MapY uint8
}

// Roster is sent to every client about once a second: every ship in the room,
// near or far, as the difference from the roster at Base that the client
// holds, or whole when Base is 0 (see RosterView.Apply).
type Roster struct {
	Tick uint32
	// Base is the tick of the roster this one changes; 0: Lines is the whole roster.
	Base uint32
	// Lines are the ships new since Base (every ship when Base is 0), by ship id.
	Lines []RosterLine
	// Changes are the ships whose line changed since Base, by ship id.
	Changes []RosterChange
	// Removed are the ships gone since Base, in increasing order.
	Removed []uint32
}

// Error tells a client why the server is about to close its connection.
type Error struct {
	Code   ErrorCode
	Reason string
}

// ErrorCode is the application's reason in an Error message.
type ErrorCode uint16

// The application error codes.
const (
	ErrCodeVersion    ErrorCode = 4001 // protocol version mismatch
	ErrCodeBadMessage ErrorCode = 4002 // malformed or unexpected message
	ErrCodeAuth       ErrorCode = 4003 // missing or invalid session token
	ErrCodeNoRoom     ErrorCode = 4004 // unknown room
	ErrCodeRoomFull   ErrorCode = 4005 // room is full
	ErrCodeTooSlow    ErrorCode = 4006 // the client did not keep up with the updates
	ErrCodeFlood      ErrorCode = 4007 // too many messages
	ErrCodeShutdown   ErrorCode = 4008 // server shutting down
	ErrCodeReplaced   ErrorCode = 4009 // the same player connected again elsewhere
	ErrCodeIdle       ErrorCode = 4010 // no traffic for too long
	ErrCodeLimit      ErrorCode = 4011 // too many connections
)

// The WebSocket close codes of the protocol (RFC 6455, section 7.4.1): the
// code of the close frame that follows an Error message, or that a client
// sends or sees. They are untyped so that both the server's uint16 and a
// client's int take them; docs/protocol.md §7 says when each is used.
const (
	// CloseNormal ends a connection on purpose: the server after a leave, a
	// client that reloads, resyncs or closes (its ship is held for the grace
	// period unless it sent a leave first).
	CloseNormal = 1000
	// CloseGoingAway: the server is shutting down (ErrCodeShutdown first), or
	// a browser page is closing.
	CloseGoingAway = 1001
	// CloseProtocolError: a WebSocket protocol violation (bad framing).
	CloseProtocolError = 1002
	// CloseUnsupported: a text frame (ErrCodeBadMessage first).
	CloseUnsupported = 1003
	// CloseNoStatus is what a peer reports for a close frame without a code;
	// it is never sent.
	CloseNoStatus = 1005
	// CloseAbnormal is what a peer reports when the connection dropped without
	// a close frame; it is never sent.
	CloseAbnormal = 1006
	// CloseInvalidData: a message that does not decode (ErrCodeBadMessage first).
	CloseInvalidData = 1007
	// ClosePolicy: a broken rule: version, token, room, flood, too slow,
	// replaced, idle, or a message out of order (an ErrorCode first).
	ClosePolicy = 1008
	// CloseTooBig: a frame over MaxClientMessage.
	CloseTooBig = 1009
	// CloseInternalError: the server hit a bug handling the connection.
	CloseInternalError = 1011
	// CloseTryAgainLater: the room is full or the server is draining
	// (ErrCodeRoomFull or ErrCodeShutdown first).
	CloseTryAgainLater = 1013
)

// ClientMsg is a decoded client message: Type says which field holds it.
type ClientMsg struct {
	Type  Type
	Hello Hello
	Input Input
	Ping  Ping
	Pong  Pong
	// Follow is a spectator's follow message (spectate.go).
	Follow Follow
}

// ServerMsg is a decoded server message: Type says which field holds it. A
// client reuses one ServerMsg so that decoding deltas does not allocate.
type ServerMsg struct {
	Type     Type
	Welcome  Welcome
	Delta    Delta
	Ping     Ping
	Pong     Pong
	RoundEnd RoundEnd
	Roster   Roster
	Error    Error
	// Spectating tells a spectator what it watches (spectate.go).
	Spectating Spectating
}

// AppendHello appends a hello message.
func AppendHello(b []byte, m Hello) []byte {
	b = appendArray(b, helloFields(m))
	b = appendUint(b, uint64(TypeHello))
	b = appendUint(b, uint64(m.Version))
	b = appendString(b, m.Token)
	b = appendString(b, m.Room)
	if m.Spectate {
		b = appendSpectateHello(b, m)
	}
	return b
}

// AppendWelcome appends a welcome message.
func AppendWelcome(b []byte, m Welcome) []byte {
	b = appendArray(b, 9)
	b = appendUint(b, uint64(TypeWelcome))
	b = appendUint(b, uint64(m.Ship))
	b = appendUint(b, uint64(m.ServerTick))
	b = appendInt(b, int64(m.Rules.TickRate))
	b = appendInt(b, int64(m.Rules.WorldSize))
	b = appendInt(b, int64(m.Rules.RoundSeconds))
	b = appendInt(b, int64(m.Rules.IntermissionSeconds))
	b = appendString(b, m.RoomID)
	return appendString(b, m.RoomName)
}

// AppendInput appends an input message. N is taken as 1 when it is out of
// range; Seq must be at least N.
func AppendInput(b []byte, m Input) []byte {
	n := m.N
	if n < 1 || n > MaxInputSteps {
		n = 1
	}
	b = appendArray(b, 4)
	b = appendUint(b, uint64(TypeInput))
	b = appendUint(b, uint64(m.Seq))
	b = appendUint(b, uint64(m.Ack))
	b = appendArray(b, 2*n)
	for _, st := range m.Steps[:n] {
		b = appendUint(b, uint64(st.Buttons))
		b = appendUint(b, uint64(st.Aim))
	}
	return b
}

// AppendPing appends a ping message.
func AppendPing(b []byte, m Ping) []byte {
	b = appendArray(b, 3)
	b = appendUint(b, uint64(TypePing))
	b = appendInt(b, m.Time)
	return appendUint(b, uint64(m.RTT))
}

// AppendPong appends a pong message.
func AppendPong(b []byte, m Pong) []byte {
	b = appendArray(b, 3)
	b = appendUint(b, uint64(TypePong))
	b = appendInt(b, m.Time)
	return appendUint(b, uint64(m.Held))
}

// AppendLeave appends a leave message: the player quits and gives up the ship.
func AppendLeave(b []byte) []byte {
	b = appendArray(b, 1)
	return appendUint(b, uint64(TypeLeave))
}

// AppendRoundEnd appends a round-end message.
func AppendRoundEnd(b []byte, m RoundEnd) []byte {
	b = appendArray(b, 5)
	b = appendUint(b, uint64(TypeRoundEnd))
	b = appendUint(b, uint64(m.Round))
	b = appendUint(b, uint64(m.EndTick))
	b = appendUint(b, uint64(m.NextRound))
	b = appendArray(b, len(m.Players))
	for _, p := range m.Players {
		b = appendArray(b, 7)
		b = appendUint(b, uint64(p.Ship))
		b = appendString(b, p.Name)
		b = appendBool(b, p.Bot)
		b = appendInt(b, int64(p.Score))
		b = appendInt(b, int64(p.Kills))
		b = appendInt(b, int64(p.Deaths))
		b = appendUint(b, uint64(p.Placement))
	}
	return b
}

// AppendError appends an error message.
func AppendError(b []byte, m Error) []byte {
	b = appendArray(b, 3)
	b = appendUint(b, uint64(TypeError))
	b = appendUint(b, uint64(m.Code))
	return appendString(b, m.Reason)
}

// clientFields and serverFields give the array length of each message type,
// the type itself included.
var (
	clientFields = map[Type]int{TypeHello: 4, TypeInput: 4, TypePing: 3, TypePong: 3, TypeLeave: 1, TypeFollow: 2}
	serverFields = map[Type]int{TypeWelcome: 9, TypeDelta: 9, TypePing: 3, TypePong: 3, TypeRoundEnd: 5, TypeRoster: 6, TypeError: 3, TypeSpectating: 3}
)

// DecodeClient decodes one client message. It never panics and allocates only
// the strings of a hello; every error wraps ErrMalformed.
func DecodeClient(b []byte, m *ClientMsg) error {
	if len(b) > MaxClientMessage {
		return fmt.Errorf("%w: %d bytes, at most %d", ErrRange, len(b), MaxClientMessage)
	}
	r := reader{b: b}
	n := r.array(8)
	m.Type = Type(r.u8())
	if r.err != nil {
		return fmt.Errorf("decode client message: %w", r.err)
	}
	want, ok := clientFields[m.Type]
	if !ok {
		return fmt.Errorf("decode client message: %w: unknown type %d", ErrMalformed, m.Type)
	}
	if n != want && (m.Type != TypeHello || n != spectateHelloFields) {
		return fmt.Errorf("decode client message: %w: type %d with %d fields, want %d", ErrMalformed, m.Type, n, want)
	}
	switch m.Type {
	case TypeHello:
		m.Hello = Hello{Version: r.u16(), Token: r.str(MaxTokenLen), Room: r.str(MaxRoomLen)}
		if n == spectateHelloFields {
			decodeSpectateHello(&r, &m.Hello)
		}
	case TypeInput:
		decodeInput(&r, &m.Input)
	case TypePing:
		m.Ping = Ping{Time: r.int(), RTT: r.u32()}
	case TypePong:
		m.Pong = Pong{Time: r.int(), Held: r.u32()}
	case TypeFollow:
		m.Follow = Follow{Ship: r.u32()}
	}
	if err := r.end(); err != nil {
		return fmt.Errorf("decode client message type %d: %w", m.Type, err)
	}
	return nil
}

// decodeInput reads the fields of an input message after its type.
func decodeInput(r *reader, in *Input) {
	*in = Input{Seq: r.u32(), Ack: r.u32()}
	k := r.array(2 * MaxInputSteps)
	if r.err == nil && (k < 2 || k%2 != 0) {
		r.fail(fmt.Errorf("%w: %d integers of steps, want 2 to %d, even", ErrRange, k, 2*MaxInputSteps))
	}
	in.N = k / 2
	for i := range in.N {
		in.Steps[i] = InputStep{Buttons: game.Buttons(r.ranged(0, int64(game.AllButtons))), Aim: game.Angle(r.u16())}
	}
	if r.err == nil && in.Seq < uint32(in.N) {
		r.fail(fmt.Errorf("%w: %d steps up to seq %d: sequence numbers start at 1", ErrRange, in.N, in.Seq))
	}
}

// MaxServerMessage bounds the server frames a client decodes.
const MaxServerMessage = 4 << 20

// DecodeServer decodes one server message into m, reusing m's memory. b must
// hold exactly one message; DecodeServerNext reads a frame of several.
func DecodeServer(b []byte, m *ServerMsg) error {
	rest, err := DecodeServerNext(b, m)
	if err == nil && len(rest) > 0 {
		err = fmt.Errorf("decode server message type %d: %w", m.Type, ErrTrailing)
	}
	return err
}

// DecodeServerNext decodes the first message of a server frame into m,
// reusing m's memory, and returns the bytes after it: a frame holds one or
// more messages back to back (a delta with the roster and a ping of the same
// tick, for example). Call it again on the rest until it is empty.
func DecodeServerNext(b []byte, m *ServerMsg) (rest []byte, err error) {
	if len(b) > MaxServerMessage {
		return nil, fmt.Errorf("%w: %d bytes, at most %d", ErrRange, len(b), MaxServerMessage)
	}
	r := reader{b: b}
	n := r.array(16)
	m.Type = Type(r.u8())
	if r.err != nil {
		return nil, fmt.Errorf("decode server message: %w", r.err)
	}
	want, ok := serverFields[m.Type]
	if !ok {
		return nil, fmt.Errorf("decode server message: %w: unknown type %d", ErrMalformed, m.Type)
	}
	if n != want {
		return nil, fmt.Errorf("decode server message: %w: type %d with %d fields, want %d", ErrMalformed, m.Type, n, want)
	}
	switch m.Type {
	case TypeWelcome:
		w := Welcome{Ship: r.u32(), ServerTick: r.u32()}
		w.Rules.TickRate, w.Rules.WorldSize = int32(r.ranged(1, 1000)), int32(r.ranged(1, 1<<20))
		w.Rules.RoundSeconds, w.Rules.IntermissionSeconds = int32(r.ranged(1, 1<<20)), int32(r.ranged(1, 1<<20))
		w.RoomID, w.RoomName = r.str(MaxRoomLen), r.str(MaxNameLen)
		m.Welcome = w
	case TypeDelta:
		decodeDelta(&r, &m.Delta)
	case TypePing:
		m.Ping = Ping{Time: r.int(), RTT: r.u32()}
	case TypePong:
		m.Pong = Pong{Time: r.int(), Held: r.u32()}
	case TypeRoundEnd:
		decodeRoundEnd(&r, &m.RoundEnd)
	case TypeRoster:
		decodeRoster(&r, &m.Roster)
	case TypeError:
		m.Error = Error{Code: ErrorCode(r.u16()), Reason: r.str(MaxReasonLen)}
	case TypeSpectating:
		m.Spectating = Spectating{Follow: r.u32(), DelayMs: r.u32()}
	}
	if r.err != nil {
		return nil, fmt.Errorf("decode server message type %d: %w", m.Type, r.err)
	}
	return b[r.off:], nil
}

func decodeRoundEnd(r *reader, m *RoundEnd) {
	m.Round, m.EndTick, m.NextRound = r.u32(), r.u32(), r.u32()
	m.Players = m.Players[:0]
	for k, n := 0, r.array(MaxEntities); k < n && r.err == nil; k++ {
		if r.array(7) != 7 {
			r.fail(ErrRange)
		}
		p := game.PlayerResult{Ship: r.u32(), Name: r.str(MaxNameLen), Bot: r.bool()}
		p.Score, p.Kills, p.Deaths = r.i32(), r.i32(), r.i32()
		p.Placement = int(r.ranged(1, MaxEntities))
		m.Players = append(m.Players, p)
	}
}

// PeekType returns the type of an encoded message without decoding the rest, or
// 0 when b does not start like a message.
func PeekType(b []byte) Type {
	r := reader{b: b}
	r.array(16)
	t := r.u8()
	if r.err != nil {
		return 0
	}
	return Type(t)
}
