package wsframe

import (
	"bytes"
	"testing"
)

// TestClientFrameReadsBack: a client frame of every length form reads back
// through Header with its opcode, its length, the mask key last in the
// header and the payload once unmasked; a header cut short is not ok.
func TestClientFrameReadsBack(t *testing.T) {
	key := [4]byte{0x11, 0x22, 0x33, 0x44}
	for _, tt := range []struct {
		n    int
		head int
	}{{0, 6}, {125, 6}, {126, 8}, {65_535, 8}, {65_536, 14}} {
		payload := make([]byte, tt.n)
		for i := range payload {
			payload[i] = byte(i*7 + 3)
		}
		f := AppendClient([]byte("x"), 0x2, payload, key)[1:] // appended after what dst held
		head, size, masked, ok := Header(f)
		if !ok || !masked || head != tt.head || size != tt.n || len(f) != head+size {
			t.Fatalf("%d bytes: Header = %d, %d, masked %v, ok %v; frame of %d bytes, want head %d", tt.n, head, size, masked, ok, len(f), tt.head)
		}
		if f[0] != 0x82 || !bytes.Equal(f[head-4:head], key[:]) {
			t.Fatalf("%d bytes: first byte %#x, key %x", tt.n, f[0], f[head-4:head])
		}
		got := append([]byte(nil), f[head:]...)
		for i := range got {
			got[i] ^= key[i&3]
		}
		if !bytes.Equal(got, payload) {
			t.Fatalf("%d bytes: the payload does not unmask to what was framed", tt.n)
		}
		for cut := range head {
			if _, _, _, ok := Header(f[:cut]); ok {
				t.Fatalf("%d bytes: a header cut to %d of %d bytes reads as whole", tt.n, cut, head)
			}
		}
	}
}

// TestServerHeader: a server's unmasked header reads with no mask key.
func TestServerHeader(t *testing.T) {
	for _, tt := range []struct {
		b          []byte
		head, size int
	}{
		{[]byte{0x82, 5}, 2, 5},
		{[]byte{0x82, 126, 0x01, 0x00}, 4, 256},
		{[]byte{0x82, 127, 0, 0, 0, 0, 0, 1, 0, 0}, 10, 65_536},
		{[]byte{0x88, 127, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff}, 10, 1 << 62},
	} {
		head, size, masked, ok := Header(tt.b)
		if !ok || masked || head != tt.head || size != tt.size {
			t.Errorf("Header(%x) = %d, %d, masked %v, ok %v; want %d, %d", tt.b, head, size, masked, ok, tt.head, tt.size)
		}
	}
}
