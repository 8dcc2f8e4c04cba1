package wire

import (
	"fmt"
	"testing"
	"time"

	"github.com/tickarena/tickarena/game"
	"github.com/tickarena/tickarena/internal/cputime"
)

// The benchmark room: 250 bot-driven ships, of which the first 50 stand for
// connected clients, and 300 pellets.
const (
	benchShips   = 250
	benchClients = 50
	benchWarmup  = 90 // ticks played before measuring: past every first full snapshot
)

// fanout is one room's per-tick work after Step: capture the world once, then
// cut, diff and encode every client's view.
type fanout struct {
	r       *room
	area    Area
	snap    Snapshot
	snaps   [2]Snapshot // refs: this tick's and the last, which the baselines refer to
	refs    bool        // views held as SnapViews, as the server does
	enc     DeltaEncoder
	clients []benchClient
	sizes   sizeHistogram
	measure bool
}

type benchClient struct {
	self      uint32
	base, cur View
	baseRef   SnapView
	curRef    SnapView
	events    []game.Event
	buf       []byte
}

func newFanout(area Area) *fanout { return newFanoutShips(area, benchShips) }

// newFanoutShips is newFanout with the given number of ships.
func newFanoutShips(area Area, ships int) *fanout {
	f := &fanout{r: newRoom(game.Rules{Seed: 42}, ships, 0), area: area}
	for _, b := range f.r.brains[:min(benchClients, ships)] {
		f.clients = append(f.clients, benchClient{self: b.Ship})
	}
	for range benchWarmup {
		f.r.step()
		f.deltas()
	}
	return f
}

// deltas captures the world and encodes the delta of every client, with
// the views held as Views or, with refs, as SnapViews of the last two
// snapshots.
func (f *fanout) deltas() {
	w := f.r.w
	snap := &f.snap
	if f.refs {
		snap = &f.snaps[w.Tick%2]
	}
	snap.Capture(w)
	if f.refs {
		snap.Follow(&f.snaps[(w.Tick+1)%2])
	}
	for i := range f.clients {
		c := &f.clients[i]
		var self *Entity
		if f.refs {
			snap.ViewRefInto(&c.curRef, c.self, &c.baseRef, f.area)
			self = c.curRef.Find(c.self)
		} else {
			snap.ViewInto(&c.cur, c.self, &c.base, f.area)
			self = c.cur.Find(c.self)
		}
		cx, cy := snap.size/2, snap.size/2
		if self != nil {
			cx, cy = self.X, self.Y
		}
		c.events = f.area.EventsNear(c.events[:0], w.Events, cx, cy, c.self)
		if f.refs {
			c.buf = f.enc.AppendRef(c.buf[:0], &c.baseRef, &c.curRef, w.Ship(c.self).LastSeq, c.events)
			c.baseRef, c.curRef = c.curRef, c.baseRef
		} else {
			c.buf = f.enc.Append(c.buf[:0], &c.base, &c.cur, w.Ship(c.self).LastSeq, c.events)
			c.base, c.cur = c.cur, c.base
		}
		if f.measure {
			f.sizes.add(len(c.buf))
		}
	}
}

// sizeHistogram counts message sizes without allocating.
type sizeHistogram struct {
	counts [1 << 14]int
	n      int
}

func (h *sizeHistogram) add(size int) {
	h.counts[min(size, len(h.counts)-1)]++
	h.n++
}

// quantile returns the smallest size with at least q of the samples at or below it.
func (h *sizeHistogram) quantile(q float64) float64 {
	want := int(q * float64(h.n))
	seen := 0
	for size, c := range h.counts {
		seen += c
		if seen > want || (seen == h.n && c > 0) {
			return float64(size)
		}
	}
	return 0
}

func benchmarkDeltas(b *testing.B, area Area) { benchmarkFanout(b, newFanout(area)) }

func benchmarkFanout(b *testing.B, f *fanout) { benchmarkRooms(b, []*fanout{f}) }

// benchmarkRooms measures the fan-outs of rooms, each room stepped (outside
// the timer) before its own; the sizes are the first room's.
func benchmarkRooms(b *testing.B, rooms []*fanout) {
	rooms[0].measure = true
	var cpu time.Duration
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		for _, f := range rooms {
			b.StopTimer()
			f.r.step()
			b.StartTimer()
			t0 := cputime.Process()
			f.deltas()
			cpu += cputime.Process() - t0
		}
	}
	b.StopTimer()
	ticks := b.N * len(rooms)
	clients := ticks * len(rooms[0].clients)
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(clients), "ns/client/tick")
	b.ReportMetric(float64(cpu.Nanoseconds())/float64(clients), "cpu-ns/client/tick")
	b.ReportMetric(float64(cpu.Nanoseconds())/float64(ticks), "cpu-ns/tick")
	b.ReportMetric(rooms[0].sizes.quantile(0.5), "B/client/tick-median")
	b.ReportMetric(rooms[0].sizes.quantile(0.99), "B/client/tick-p99")
}

// BenchmarkDeltaAOI measures the fan-out of one tick with area of interest:
// Capture, then for each of 50 clients ViewInto, EventsNear and Append.
func BenchmarkDeltaAOI(b *testing.B) { benchmarkDeltas(b, DefaultArea) }

// BenchmarkDeltaRoom50 is BenchmarkDeltaAOI in the load test's room: 50
// ships, every one a client, in the default arena with its 300 pellets.
func BenchmarkDeltaRoom50(b *testing.B) { benchmarkFanout(b, newFanoutShips(DefaultArea, 50)) }

// BenchmarkDeltaRooms3000 is BenchmarkDeltaRoom50 over 60 such rooms, 3,000
// clients, each room stepped before its fan-out as a node does: the
// clients' views and baselines no longer fit in the caches, as at the
// one-core goal, so that what a view's memory costs shows. Its cases hold
// the views as copies (View) and as bitsets over the snapshots (SnapView),
// as the server does.
func BenchmarkDeltaRooms3000(b *testing.B) {
	for _, refs := range []bool{false, true} {
		name := "copies"
		if refs {
			name = "refs"
		}
		b.Run(name, func(b *testing.B) {
			rooms := make([]*fanout, 60)
			for i := range rooms {
				rooms[i] = newFanoutShips(DefaultArea, 50)
				rooms[i].refs = refs
				for range 3 { // the views' memory, for refs
					rooms[i].r.step()
					rooms[i].deltas()
				}
			}
			benchmarkRooms(b, rooms)
		})
	}
}

// BenchmarkDeltaWholeWorld is BenchmarkDeltaAOI with every client seeing everything.
func BenchmarkDeltaWholeWorld(b *testing.B) { benchmarkDeltas(b, WholeWorld) }

// BenchmarkStepPlusDeltas measures a whole tick of a room: 250 bots think,
// game.Step, and the 50 clients' deltas.
func BenchmarkStepPlusDeltas(b *testing.B) {
	f := newFanout(DefaultArea)
	f.measure = true
	b.ReportAllocs()
	b.ResetTimer()
	cpu := cputime.Process()
	for b.Loop() {
		f.r.step()
		f.deltas()
	}
	cpu = cputime.Process() - cpu
	b.StopTimer()
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N), "ns/tick")
	b.ReportMetric(float64(cpu.Nanoseconds())/float64(b.N), "cpu-ns/tick")
	b.ReportMetric(f.sizes.quantile(0.5), "B/client/tick-median")
}

// TestDeltaSizeBreakdown logs what the bytes of the benchmark room's deltas
// are spent on, so that the protocol's costs are visible (go test -v -run Breakdown).
func TestDeltaSizeBreakdown(t *testing.T) {
	if testing.Short() {
		t.Skip("plays a 250-ship room")
	}
	f := newFanout(DefaultArea)
	f.measure = true
	f.sizes = sizeHistogram{}
	var b breakdown
	var m ServerMsg
	for range 150 {
		f.r.step()
		f.deltas()
		for i := range f.clients {
			c := &f.clients[i]
			if err := DecodeServer(c.buf, &m); err != nil {
				t.Fatal(err)
			}
			view := &c.cur
			if c.base.Tick == m.Delta.Tick {
				view = &c.base
			}
			b.add(&m.Delta, len(c.buf), view)
		}
	}
	t.Logf("median %.0f B, p99 %.0f B\n%s", f.sizes.quantile(0.5), f.sizes.quantile(0.99), b.String())
	if b.messages == 0 || b.total == 0 {
		t.Fatal("no deltas measured")
	}
}

// breakdown sums the encoded size of each part of many deltas. The sizes are
// those of the values as encoded (shortest forms), so they add up to the total.
type breakdown struct {
	messages, total, header, created int
	changed                          [8]int // by field bit, index 7 for id+mask+array header
	changedCount                     [8]int
	removed                          int
	events                           [6]int // by kind
	eventCount                       [6]int
	listHeaders                      int
	aimOnly                          int // changes whose only field is the aim
}

func intSize(v int64) int { return len(appendInt(nil, v)) }

func (b *breakdown) add(d *Delta, size int, view *View) {
	b.messages++
	b.total += size
	h := 1 + 1 + intSize(int64(d.Tick)) + intSize(int64(d.Tick-d.Base)) + intSize(int64(d.LastSeq)) + 1
	if d.HasRound {
		h += intSize(int64(d.Round.Round)) + 1 + intSize(int64(d.Round.PhaseEnd))
	}
	b.header += h
	changeValues := 0
	for _, c := range d.Changed {
		changeValues += 2 + c.Mask.values()
	}
	b.listHeaders += len(appendArray(nil, len(d.Created))) + len(appendArray(nil, changeValues)) +
		len(appendArray(nil, len(d.Removed))) + len(appendArray(nil, len(d.Events)))
	var prev uint32
	for i := range d.Created {
		b.created += len(appendEntity(nil, &d.Created[i], d.Created[i].ID-prev))
		prev = d.Created[i].ID
	}
	prev = 0
	for _, c := range d.Changed {
		sizes := [7]int{intSize(int64(c.DX)) + intSize(int64(c.DY)), intSize(int64(c.DVX)) + intSize(int64(c.DVY)),
			intSize(int64(int8(c.Aim))), intSize(int64(c.HP)), 1, intSize(int64(c.Score)), intSize(int64(c.Kills)) + intSize(int64(c.Deaths))}
		for bit := range 7 {
			if c.Mask&(1<<bit) != 0 {
				b.changed[bit] += sizes[bit]
				b.changedCount[bit]++
			}
		}
		if c.Mask == FieldAim {
			b.aimOnly++
		}
		b.changed[7] += intSize(int64(c.ID-prev)) + 1
		b.changedCount[7]++
		prev = c.ID
	}
	prev = 0
	for _, id := range d.Removed {
		b.removed += intSize(int64(id - prev))
		prev = id
	}
	var ids eventIDs
	for i := range d.Events {
		k := min(int(d.Events[i].Kind), 5)
		b.events[k] += len(appendEvent(nil, &d.Events[i], view.Tick, view.Find(d.Events[i].B), &ids))
		b.eventCount[k]++
	}
}

func (b *breakdown) String() string {
	per := func(n int) string { return fmt.Sprintf("%6.1f B", float64(n)/float64(b.messages)) }
	out := fmt.Sprintf("%d deltas, mean %s per client per tick\n", b.messages, per(b.total))
	out += fmt.Sprintf("  header+round     %s\n  list headers     %s\n  created          %s\n  removed          %s\n",
		per(b.header), per(b.listHeaders), per(b.created), per(b.removed))
	names := []string{"pos", "vel", "aim", "hp", "flags", "score", "kd", "id+mask"}
	for i, n := range names {
		out += fmt.Sprintf("  changed %-8s %s (%5.1f entries)\n", n, per(b.changed[i]), float64(b.changedCount[i])/float64(b.messages))
	}
	out += fmt.Sprintf("  changes with only the aim: %.1f per delta\n", float64(b.aimOnly)/float64(b.messages))
	kinds := []string{"?", "shot", "hit", "death", "pickup", "spawn"}
	for k := 1; k < len(kinds); k++ {
		out += fmt.Sprintf("  event %-10s %s (%5.2f events)\n", kinds[k], per(b.events[k]), float64(b.eventCount[k])/float64(b.messages))
	}
	sum := b.header + b.listHeaders + b.created + b.removed
	for _, n := range b.changed {
		sum += n
	}
	for _, n := range b.events {
		sum += n
	}
	if sum != b.total {
		out += fmt.Sprintf("  (parts add up to %d of %d bytes)\n", sum, b.total)
	}
	return out
}
