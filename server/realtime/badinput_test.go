package realtime

import (
	"encoding/binary"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/tickarena/tickarena/game/wire"
	"github.com/tickarena/tickarena/internal/servertest"
	"github.com/tickarena/tickarena/internal/testwait"
)

// floodBurst is how many messages the flood cases send a millisecond.
const floodBurst = 12

func TestBadInput(t *testing.T) {
	obs := newCountingObserver()
	m, url := startServer(t, Options{
		SendRate: 30, // a frame every tick: the deltas a bystander gets are the ticks run
		Auth:     panicAuth{testAuth}, Bots: 2, Observer: obs,
		HelloTimeout: 300 * time.Millisecond, IdleTimeout: time.Second, PingInterval: 200 * time.Millisecond,
	})

	tiny, _, err := m.CreateRoom(RoomSpec{Name: "Tiny", Capacity: 1, Bots: -1, Public: true})
	if err != nil {
		t.Fatalf("CreateRoom: %v", err)
	}
	occupant := servertest.MustDial(t, url)
	occupant.Join(t, "tok-fay", tiny)

	bystander := servertest.MustDial(t, url)
	bystander.Join(t, "tok-eve", "arena-1")
	arena := m.room("arena-1")
	bystander.Next(t, wire.TypeDelta)
	startTick, startDeltas, startLate := arena.tick.Load(), bystander.Deltas(), obs.lateCount()

	nanAim := []byte{0x94, byte(wire.TypeInput), 0x01, 0x00, 0x92, 0x00, 0xcb}
	nanAim = binary.BigEndian.AppendUint64(nanAim, math.Float64bits(math.NaN()))
	joined := func(t *testing.T, c *servertest.Player) { c.Join(t, "tok-ann", "arena-1") }
	send := func(b []byte) func(*testing.T, *servertest.Player) {
		return func(t *testing.T, c *servertest.Player) { c.Send(b) }
	}
	afterJoin := func(b []byte) func(*testing.T, *servertest.Player) {
		return func(t *testing.T, c *servertest.Player) { joined(t, c); c.Send(b) }
	}
	hello := func(version uint16, token, room string) []byte {
		return wire.AppendHello(nil, wire.Hello{Version: version, Token: token, Room: room})
	}
	validInput := wire.AppendInput(nil, wire.Input{Seq: 1})

	tests := []struct {
		name     string
		run      func(*testing.T, *servertest.Player)
		wantCode uint16
		wantErr  wire.ErrorCode // 0: no error message expected
	}{
		{"text frame before hello", func(t *testing.T, c *servertest.Player) { _ = c.Conn().WriteString("hello") }, wire.CloseUnsupported, wire.ErrCodeBadMessage},
		{"text frame after join", func(t *testing.T, c *servertest.Player) { joined(t, c); _ = c.Conn().WriteString("{}") }, wire.CloseUnsupported, wire.ErrCodeBadMessage},
		{"oversized frame", send(make([]byte, wire.MaxClientMessage+1)), wire.CloseTooBig, 0},
		{"garbage bytes", send([]byte{0xc1, 0xff, 0x00, 0x13}), wire.CloseInvalidData, wire.ErrCodeBadMessage},
		{"empty frame", send([]byte{}), wire.CloseInvalidData, wire.ErrCodeBadMessage},
		{"msgpack map instead of array", send([]byte{0x81, 0xa4, 't', 'y', 'p', 'e', 0x01}), wire.CloseInvalidData, wire.ErrCodeBadMessage},
		{"hello with too few fields", send([]byte{0x92, 0x01, 0x01}), wire.CloseInvalidData, wire.ErrCodeBadMessage},
		{"unknown message type", send([]byte{0x91, 0x63}), wire.CloseInvalidData, wire.ErrCodeBadMessage},
		{"NaN aim", afterJoin(nanAim), wire.CloseInvalidData, wire.ErrCodeBadMessage},
		{"unknown buttons", afterJoin([]byte{0x94, byte(wire.TypeInput), 0x01, 0x00, 0x92, 0xcc, 0xff, 0x00}), wire.CloseInvalidData, wire.ErrCodeBadMessage},
		{"input with five steps", afterJoin([]byte{0x94, byte(wire.TypeInput), 0x05, 0x00, 0x9a, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}), wire.CloseInvalidData, wire.ErrCodeBadMessage},
		{"trailing bytes", afterJoin(append(append([]byte{}, validInput...), 0x00)), wire.CloseInvalidData, wire.ErrCodeBadMessage},
		{"token too long", send(hello(wire.Version, strings.Repeat("x", wire.MaxTokenLen+1), "arena-1")), wire.CloseInvalidData, wire.ErrCodeBadMessage},
		{"input before hello", send(validInput), wire.ClosePolicy, wire.ErrCodeBadMessage},
		{"second hello", afterJoin(hello(wire.Version, "tok-ann", "arena-1")), wire.ClosePolicy, wire.ErrCodeBadMessage},
		{"wrong version", send(hello(wire.Version+1, "tok-ann", "arena-1")), wire.ClosePolicy, wire.ErrCodeVersion},
		{"old client (version 1)", send(hello(1, "tok-ann", "arena-1")), wire.ClosePolicy, wire.ErrCodeVersion},
		{"unknown room", send(hello(wire.Version, "tok-ann", "nowhere")), wire.ClosePolicy, wire.ErrCodeNoRoom},
		{"bad token", send(hello(wire.Version, "forged", "arena-1")), wire.ClosePolicy, wire.ErrCodeAuth},
		{"room full", send(hello(wire.Version, "tok-bob", tiny)), wire.CloseTryAgainLater, wire.ErrCodeRoomFull},
		{"slow handshake", func(t *testing.T, c *servertest.Player) {}, wire.ClosePolicy, wire.ErrCodeIdle},
		{"input flood", func(t *testing.T, c *servertest.Player) {
			joined(t, c)
			expired := testwait.Deadline(t, testwait.Default, "the server to close a client that floods inputs")
			// Bursts of floodBurst a millisecond: a loaded machine that
			// sleeps for 10 ms instead still sends ten times the rate
			// that counts as a flood.
			for seq := uint32(1); !expired(); {
				select {
				case <-c.Closed():
					return
				default:
				}
				for range floodBurst {
					c.Send(wire.AppendInput(nil, wire.Input{Seq: seq}))
					seq++
				}
				time.Sleep(time.Millisecond)
			}
		}, wire.ClosePolicy, wire.ErrCodeFlood},
		{"ping flood", func(t *testing.T, c *servertest.Player) {
			joined(t, c)
			expired := testwait.Deadline(t, testwait.Default, "the server to close a client that floods pings")
			for !expired() {
				select {
				case <-c.Closed():
					return
				default:
				}
				for range floodBurst {
					c.Send(wire.AppendPing(nil, wire.Ping{Time: 1}))
				}
				time.Sleep(time.Millisecond)
			}
		}, wire.ClosePolicy, wire.ErrCodeFlood},
		{"replayed sequence numbers", func(t *testing.T, c *servertest.Player) {
			joined(t, c)
			before := obs.rejectedCount("replayed")
			for _, seq := range []uint32{5, 5, 3, 6} {
				c.Send(wire.AppendInput(nil, wire.Input{Seq: seq}))
			}
			testwait.Until(t, testwait.Default, "two replayed inputs dropped", func() bool { return obs.rejectedCount("replayed") == before+2 })
			awaitAck(t, c, 6)
			c.Send(wire.AppendLeave(nil))
		}, wire.CloseNormal, 0},
		{"leave", afterJoin(wire.AppendLeave(nil)), wire.CloseNormal, 0},
		{"silent after joining", func(t *testing.T, c *servertest.Player) { c.SetSilent(true); joined(t, c) }, wire.ClosePolicy, wire.ErrCodeIdle},
		{"panic while handling a message", send(hello(wire.Version, "panic", "arena-1")), wire.CloseInternalError, wire.ErrCodeBadMessage},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := servertest.MustDial(t, url)
			tc.run(t, c)
			code, e := c.WaitClosed(t)
			if code != tc.wantCode {
				t.Errorf("close code %d, want %d", code, tc.wantCode)
			}
			switch {
			case tc.wantErr == 0 && e != nil:
				t.Errorf("got error message %+v, want none", *e)
			case tc.wantErr != 0 && e == nil:
				t.Errorf("got no error message, want code %d", tc.wantErr)
			case tc.wantErr != 0 && e.Code != tc.wantErr:
				t.Errorf("error code %d (%q), want %d", e.Code, e.Reason, tc.wantErr)
			}
		})
	}
	t.Run("abrupt TCP close mid-frame", func(t *testing.T) {
		before := obs.closedCount("network")
		raw := servertest.DialRaw(t, url, 0)
		f := servertest.ClientFrame(servertest.OpBinary, hello(wire.Version, "tok-cat", "arena-1"))
		if _, err := raw.Write(f[:len(f)/2]); err != nil {
			t.Fatalf("write half a frame: %v", err)
		}
		_ = raw.Close()
		testwait.Until(t, testwait.Default, "the server to drop the connection", func() bool { return obs.closedCount("network") == before+1 })
	})

	t.Run("bystander unaffected", func(t *testing.T) {
		ticks := int64(arena.tick.Load() - startTick)
		merged := int64(obs.lateCount() - startLate) // ticks folded into one delta by a late room
		got := bystander.Deltas() - startDeltas
		t.Logf("bystander: %d deltas over %d ticks (%d caught up)", got, ticks, merged)
		if want := ticks - merged; got < want-3 {
			t.Errorf("bystander got %d deltas, want %d", got, want)
		}
		if obs.skippedCount() != 0 {
			t.Errorf("%d deltas skipped, want 0", obs.skippedCount())
		}
		select {
		case <-bystander.Closed():
			t.Errorf("bystander was disconnected")
		default:
		}
		testwait.Until(t, testwait.Default, "only the occupant and the bystander to stay connected", func() bool { return m.Connections() == 2 })
	})
}
