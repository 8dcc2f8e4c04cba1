package wire

// Spectating: a hello that asks to watch a room instead of playing in it, the
// follow message a spectator sends to change what it watches, and the
// spectating message that tells it what it watches and how far behind.
// docs/protocol.md §4.10–4.12 describes them byte for byte.

// The message types of spectating. They are numbered apart from the others
// (20 and up) so that the players' messages can grow without meeting them.
const (
	TypeFollow     Type = 20 // C→S: a spectator picks the ship it follows
	TypeSpectating Type = 21 // S→C: what a spectator watches, and its delay
)

// spectateHelloFields is the array length of a hello that asks to spectate:
// the type, version, token, room and the ship to follow.
const spectateHelloFields = 5

// ErrCodeSpectators refuses a spectator because the room or the server has
// as many spectators as it takes (close 1013: try again later).
const ErrCodeSpectators ErrorCode = 4012

// Follow is a spectator's choice of what to watch: the ship with id Ship, or
// the whole arena when Ship is 0.
type Follow struct {
	Ship uint32
}

// Spectating tells a spectator what the server sends it: the view around
// ship Follow, or the whole arena when Follow is 0, DelayMs milliseconds
// behind the room's live tick. The server sends it after the welcome and
// again whenever what the spectator watches changes: at its own request, or
// because the ship it followed left the room.
type Spectating struct {
	Follow  uint32
	DelayMs uint32
}

// AppendFollow appends a follow message.
func AppendFollow(b []byte, m Follow) []byte {
	b = appendArray(b, 2)
	b = appendUint(b, uint64(TypeFollow))
	return appendUint(b, uint64(m.Ship))
}

// AppendSpectating appends a spectating message.
func AppendSpectating(b []byte, m Spectating) []byte {
	b = appendArray(b, 3)
	b = appendUint(b, uint64(TypeSpectating))
	b = appendUint(b, uint64(m.Follow))
	return appendUint(b, uint64(m.DelayMs))
}

// appendSpectateHello appends the fifth field of a hello that asks to
// spectate, after AppendHello wrote the array header of five.
func appendSpectateHello(b []byte, m Hello) []byte {
	return appendUint(b, uint64(m.Follow))
}

// helloFields returns the array length of hello m.
func helloFields(m Hello) int {
	if m.Spectate {
		return spectateHelloFields
	}
	return clientFields[TypeHello]
}

// decodeSpectateHello reads the fifth field of a spectator's hello.
func decodeSpectateHello(r *reader, m *Hello) {
	m.Spectate, m.Follow = true, r.u32()
}

// Load fills s with a world kept earlier at tick: its round and its entities,
// pellets then ships as Capture leaves them (sorted by id), in an arena of
// side size Sub units. s uses entities without copying them until the next
// Load or Capture. A server keeps its recent snapshots' entities this way to
// show spectators the room as it was a while ago.
func (s *Snapshot) Load(tick uint32, round RoundInfo, entities []Entity, size int32) {
	s.Tick, s.Round, s.Entities = tick, round, entities
	s.buildGrid(size)
}

// Find returns the entity of the snapshot with id, or nil.
func (s *Snapshot) Find(id uint32) *Entity {
	if i := s.index(id); i >= 0 {
		return &s.Entities[i]
	}
	return nil
}
