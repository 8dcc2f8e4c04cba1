package wire

import (
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// protocolDoc is the byte-for-byte description of the wire.
var protocolDoc = filepath.Join("..", "..", "docs", "protocol.md")

// exampleBlock finds the ```hex block that follows "<!-- example: name -->" in
// doc and returns the offsets of its content.
func exampleBlock(doc, name string) (start, end int, ok bool) {
	marker := "<!-- example: " + name + " -->"
	i := strings.Index(doc, marker)
	if i < 0 {
		return 0, 0, false
	}
	const open = "```hex\n"
	j := strings.Index(doc[i:], open)
	if j < 0 {
		return 0, 0, false
	}
	start = i + j + len(open)
	k := strings.Index(doc[start:], "```")
	if k < 0 {
		return 0, 0, false
	}
	return start, start + k, true
}

// formatHex writes b as rows of 16 space-separated bytes.
func formatHex(b []byte) string {
	var sb strings.Builder
	for i := 0; i < len(b); i += 16 {
		row := b[i:min(i+16, len(b))]
		for j, c := range row {
			if j > 0 {
				sb.WriteByte(' ')
			}
			fmt.Fprintf(&sb, "%02x", c)
		}
		sb.WriteByte('\n')
	}
	return sb.String()
}

// TestProtocolDocExamples checks that every hex example in docs/protocol.md is
// what the code encodes today, so that the document cannot drift from the wire.
// go test -run TestProtocolDocExamples -update rewrites the blocks.
func TestProtocolDocExamples(t *testing.T) {
	raw, err := os.ReadFile(protocolDoc)
	if err != nil {
		t.Fatalf("read the protocol document: %v", err)
	}
	doc := string(raw)
	// A frame of several server messages is checked like a message, and read
	// message by message.
	examples := append(docExamples(), docExample{name: "frame", b: exampleFrame()})
	for _, ex := range examples {
		t.Run(ex.name, func(t *testing.T) {
			start, end, ok := exampleBlock(doc, ex.name)
			if !ok {
				t.Fatalf("docs/protocol.md has no ```hex block after <!-- example: %s -->", ex.name)
			}
			want := formatHex(ex.b)
			if *update {
				doc = doc[:start] + want + doc[end:]
				return
			}
			got, err := hex.DecodeString(strings.Join(strings.Fields(doc[start:end]), ""))
			if err != nil {
				t.Fatalf("example %s is not hex: %v", ex.name, err)
			}
			if string(got) != string(ex.b) {
				t.Fatalf("docs/protocol.md example %s is out of date:\n%s\nthe code encodes:\n%s(run go test -run TestProtocolDocExamples -update)",
					ex.name, doc[start:end], want)
			}
			// A documented example is a valid message.
			if ex.name == "frame" {
				var m ServerMsg
				for rest := got; len(rest) > 0 && err == nil; {
					rest, err = DecodeServerNext(rest, &m)
				}
			} else {
				err = decodeAny(got, ex.client)
			}
			if err != nil {
				t.Fatalf("documented example does not decode: %v", err)
			}
		})
	}
	if *update {
		if err := os.WriteFile(protocolDoc, []byte(doc), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}
