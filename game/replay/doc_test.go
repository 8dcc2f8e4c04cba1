package replay

import (
	"encoding/hex"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/tickarena/tickarena/game"
)

// docExample records the tiny round that docs/replay.md takes apart: two
// ships on a 10 Hz world, three steps, one of them changing its aim.
func docExample(t *testing.T) *Recording {
	t.Helper()
	w := game.NewWorld(game.Rules{Seed: 1, TickRate: 10, WorldSize: 400, RoundSeconds: 60, Pellets: 1})
	rec := NewRecorder(Options{KeyframeSeconds: 1})
	rec.Start(w, Meta{StartedAt: 1700000000000, Room: Room{ID: "r1", Name: "Doc", Public: true, Capacity: 8, Bots: 1}})
	a := w.AddShip("ann", false)
	rec.Joined(w, a)
	b := w.AddShip("Bot 1", true)
	rec.Joined(w, b)
	inputs := [][]game.Input{
		{{Ship: a, Seq: 1, Buttons: game.Right, Aim: 100}, {Ship: b, Seq: 1, Buttons: game.Up | game.Fire, Aim: 32768}},
		{{Ship: a, Seq: 2, Buttons: game.Right, Aim: 100}, {Ship: b, Seq: 2, Buttons: game.Up | game.Fire, Aim: 32768}},
		{{Ship: a, Seq: 5, Buttons: 0, Aim: 16384}},
	}
	for _, in := range inputs {
		game.Step(w, in)
		rec.Step(w)
	}
	r, err := rec.Finish(w)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// TestReplayDocExample checks the hex dumps in docs/replay.md against the
// recorder, so that the document cannot drift from the code.
func TestReplayDocExample(t *testing.T) {
	r := docExample(t)
	doc, err := os.ReadFile("../../docs/replay.md")
	if err != nil {
		t.Fatalf("read the format document: %v", err)
	}
	file := r.Encode()
	want := map[string][]byte{"example-header": file[:HeaderSize], "example-body": r.body}
	for name, b := range want {
		re := regexp.MustCompile("(?s)<!-- " + name + " -->\n```\n(.*?)```")
		m := re.FindSubmatch(doc)
		if m == nil {
			t.Errorf("docs/replay.md has no block marked <!-- %s -->; it should read:\n%s", name, dump(b))
			continue
		}
		var got []byte
		for _, line := range strings.Split(string(m[1]), "\n") {
			line, _, _ = strings.Cut(line, "#") // comments
			h, err := hex.DecodeString(strings.ReplaceAll(line, " ", ""))
			if err != nil {
				t.Fatalf("%s: bad hex %q: %v", name, line, err)
			}
			got = append(got, h...)
		}
		if string(got) != string(b) {
			t.Errorf("%s in docs/replay.md differs from the recorder's bytes, which are:\n%s", name, dump(b))
		}
	}
	rp, err := Decode(file)
	if err != nil {
		t.Fatal(err)
	}
	if err := rp.Verify(); err != nil {
		t.Fatal(err)
	}
}

// dump is b as hex, 16 bytes a line.
func dump(b []byte) string {
	var s strings.Builder
	for i := 0; i < len(b); i += 16 {
		line := hex.EncodeToString(b[i:min(i+16, len(b))])
		for j := 0; j < len(line); j += 2 {
			if j > 0 {
				s.WriteByte(' ')
			}
			s.WriteString(line[j : j+2])
		}
		s.WriteByte('\n')
	}
	return s.String()
}
