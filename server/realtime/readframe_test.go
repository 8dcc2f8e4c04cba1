package realtime

import (
	"bytes"
	"testing"

	"github.com/tickarena/tickarena/game/wire"
	"github.com/tickarena/tickarena/internal/servertest"
)

// TestNextFrame: the read poller handles whole, masked, final binary frames
// no larger than a client message, waits for the rest of one cut short, and
// leaves everything else to gws.
func TestNextFrame(t *testing.T) {
	input := wire.AppendInput(nil, wire.Input{Seq: 9})
	largest := bytes.Repeat([]byte{7}, wire.MaxClientMessage)
	unmasked := append([]byte{0x82, byte(len(input))}, input...)
	tests := []struct {
		name  string
		frame []byte
		want  frameKind
		body  []byte // the payload of a frameFast
	}{
		{"an input", servertest.ClientFrame(servertest.OpBinary, input), frameFast, input},
		{"empty binary message", servertest.ClientFrame(servertest.OpBinary, nil), frameFast, []byte{}},
		{"the largest client message (16-bit length)", servertest.ClientFrame(servertest.OpBinary, largest), frameFast, largest},
		{"one byte", []byte{0x82}, frameShort, nil},
		{"header without its mask", servertest.ClientFrame(servertest.OpBinary, input)[:4], frameShort, nil},
		{"16-bit length cut short", servertest.ClientFrame(servertest.OpBinary, largest)[:3], frameShort, nil},
		{"payload cut short", servertest.ClientFrame(servertest.OpBinary, input)[:8], frameShort, nil},
		{"too large", servertest.ClientFrame(servertest.OpBinary, make([]byte, wire.MaxClientMessage+1)), frameOther, nil},
		{"64-bit length", []byte{0x82, 0xff, 0, 0, 0, 0, 0, 0, 0, 1}, frameOther, nil},
		{"text", servertest.ClientFrame(0x1, []byte("hi")), frameOther, nil},
		{"ping", servertest.ClientFrame(0x9, []byte("hi")), frameOther, nil},
		{"close", servertest.ClientFrame(0x8, []byte{3, 232}), frameOther, nil},
		{"first fragment", append([]byte{0x02}, servertest.ClientFrame(servertest.OpBinary, input)[1:]...), frameOther, nil},
		{"continuation", servertest.ClientFrame(0x0, input), frameOther, nil},
		{"reserved bit (compressed)", append([]byte{0xc2}, servertest.ClientFrame(servertest.OpBinary, input)[1:]...), frameOther, nil},
		{"unmasked", unmasked, frameOther, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := bytes.Clone(tt.frame)
			if tt.want == frameFast {
				b = append(b, 0x82) // a next frame's first byte: not part of this one
			}
			kind, payload, size := nextFrame(b)
			if kind != tt.want {
				t.Fatalf("kind %d, want %d", kind, tt.want)
			}
			if kind != frameFast {
				return
			}
			if size != len(tt.frame) {
				t.Errorf("size %d, want %d", size, len(tt.frame))
			}
			if !bytes.Equal(payload, tt.body) {
				t.Errorf("payload % x, want % x", payload, tt.body)
			}
		})
	}
}

// FuzzNextFrame: whatever a client sends, nextFrame does not panic, a frame
// it handles lies within the bytes given and holds no more than a client
// message, and a well-formed binary frame comes back as it was sent.
func FuzzNextFrame(f *testing.F) {
	f.Add(servertest.ClientFrame(servertest.OpBinary, wire.AppendInput(nil, wire.Input{Seq: 1})))
	f.Add(servertest.ClientFrame(0x9, []byte("ping")))
	f.Add([]byte{0x82, 0xfe, 0x01})
	f.Fuzz(func(t *testing.T, b []byte) {
		kind, payload, size := nextFrame(bytes.Clone(b))
		if kind == frameFast {
			if size > len(b) || size < 6 || len(payload) > wire.MaxClientMessage || len(payload) > size-6 {
				t.Fatalf("frame of %d bytes with a %d-byte payload out of %d bytes", size, len(payload), len(b))
			}
		}
		if len(b) > wire.MaxClientMessage {
			return
		}
		frame := servertest.ClientFrame(servertest.OpBinary, b)
		kind, payload, size = nextFrame(frame)
		if kind != frameFast || size != len(frame) || !bytes.Equal(payload, b) {
			t.Fatalf("binary frame of % x: kind %d, size %d of %d, payload % x", b, kind, size, len(frame), payload)
		}
	})
}
