package wire

import (
	"errors"
	"math"
	"testing"
)

func TestSpectateMessagesRoundTrip(t *testing.T) {
	clients := []struct {
		name string
		msg  ClientMsg
	}{
		{"hello spectate whole arena", ClientMsg{Type: TypeHello, Hello: Hello{Version: Version, Token: "tok", Room: "r1", Spectate: true}}},
		{"hello spectate a ship", ClientMsg{Type: TypeHello, Hello: Hello{Version: Version, Token: "tok", Spectate: true, Follow: math.MaxUint32}}},
		{"follow", ClientMsg{Type: TypeFollow, Follow: Follow{Ship: 1024}}},
		{"follow whole arena", ClientMsg{Type: TypeFollow}},
	}
	for _, tc := range clients {
		t.Run(tc.name, func(t *testing.T) {
			b := encodeClient(&tc.msg)
			var got ClientMsg
			if err := DecodeClient(b, &got); err != nil {
				t.Fatalf("decode % x: %v", b, err)
			}
			if !sameClient(&got, &tc.msg) {
				t.Fatalf("got %+v, want %+v", got, tc.msg)
			}
		})
	}
	want := ServerMsg{Type: TypeSpectating, Spectating: Spectating{Follow: 1030, DelayMs: math.MaxUint32}}
	var got ServerMsg
	if err := DecodeServer(encodeServer(&want), &got); err != nil || got.Spectating != want.Spectating {
		t.Fatalf("spectating: got %+v, %v; want %+v", got.Spectating, err, want.Spectating)
	}
}

// A player's hello stays four fields long, laid out as in version 1, and
// decodes as a player's: a server reads the version of every hello an older
// client writes, and can answer it with the version error.
func TestPlayerHelloUnchanged(t *testing.T) {
	b := AppendHello(nil, Hello{Version: Version, Token: "tok", Room: "r1"})
	if b[0] != 0x94 {
		t.Fatalf("player hello starts % x, want an array of 4", b[:1])
	}
	var m ClientMsg
	if err := DecodeClient(b, &m); err != nil || m.Hello.Spectate {
		t.Fatalf("player hello decodes as %+v, %v", m.Hello, err)
	}
}

func TestSpectateMessagesMalformed(t *testing.T) {
	tests := []struct {
		name   string
		b      []byte
		client bool
	}{
		{"hello with six fields", []byte{0x96, 0x01, 0x01, 0xa0, 0xa0, 0x00, 0x00}, true},
		{"hello with a string to follow", []byte{0x95, 0x01, 0x01, 0xa0, 0xa0, 0xa1, 'x'}, true},
		{"hello with a negative ship", []byte{0x95, 0x01, 0x01, 0xa0, 0xa0, 0xff}, true},
		{"hello with a ship over u32", []byte{0x95, 0x01, 0x01, 0xa0, 0xa0, 0xcf, 0, 0, 0, 1, 0, 0, 0, 0}, true},
		{"follow without a ship", []byte{0x91, 0x14}, true},
		{"follow with two ships", []byte{0x93, 0x14, 0x01, 0x02}, true},
		{"follow with nil", []byte{0x92, 0x14, 0xc0}, true},
		{"spectating sent by a client", AppendSpectating(nil, Spectating{Follow: 1}), true},
		{"follow sent by a server", AppendFollow(nil, Follow{Ship: 1}), false},
		{"spectating with a negative delay", []byte{0x93, 0x15, 0x00, 0xff}, false},
		{"spectating without a delay", []byte{0x92, 0x15, 0x00}, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := decodeAny(tc.b, tc.client)
			if !errors.Is(err, ErrMalformed) {
				t.Fatalf("decode % x: err = %v, want one wrapping ErrMalformed", tc.b, err)
			}
		})
	}
}
