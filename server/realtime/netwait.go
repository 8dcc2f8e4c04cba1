package realtime

import (
	"encoding/binary"
	"os"
	"time"
)

// NetWaitObserver is implemented by an Observer that wants to know how long
// what the network wakes waits to run on this node: the lobby's HTTP
// handlers, the read pollers that read the players' inputs. Go runs a
// goroutine that a timer or another goroutine wakes ahead of one the
// network wakes, so on a busy node those wait first and longest — a lobby
// answer ("full" included) takes at least that long. The Manager measures
// it every NetWaitInterval (see netProbe) and calls NetWait with each wait,
// from one goroutine of its own.
type NetWaitObserver interface {
	NetWait(d time.Duration)
}

// netProbe measures the waits NetWaitObserver reports: a goroutine woken by
// a timer writes the time into a pipe every interval, and a goroutine
// blocked reading the pipe — woken through Go's network poller, as an HTTP
// handler or a read poller is — reports how long each write waited to be
// read: for the poller to be asked, then for a turn on a processor.
type netProbe struct {
	r, w *os.File
	stop chan struct{} // closed by close: the writer ends, closing w
	done chan struct{} // closed when the reader has ended
}

// startNetProbe starts a probe that reports to obs every interval, or
// returns nil where a pipe cannot be made.
func startNetProbe(interval time.Duration, obs NetWaitObserver) *netProbe {
	r, w, err := os.Pipe()
	if err != nil {
		return nil
	}
	p := &netProbe{r: r, w: w, stop: make(chan struct{}), done: make(chan struct{})}
	go p.write(interval)
	go p.read(obs)
	return p
}

// write sends the time every interval until close; closing the write end
// ends read.
func (p *netProbe) write(interval time.Duration) {
	t := time.NewTicker(interval)
	defer t.Stop()
	defer p.w.Close()
	var b [8]byte
	for {
		select {
		case <-p.stop:
			return
		case <-t.C:
		}
		binary.LittleEndian.PutUint64(b[:], uint64(time.Now().UnixNano()))
		if _, err := p.w.Write(b[:]); err != nil {
			return
		}
	}
}

// read reports the wait of every time written until the write end closes.
// Times that waited together are read together, each with its own wait.
func (p *netProbe) read(obs NetWaitObserver) {
	defer close(p.done)
	defer p.r.Close()
	buf := make([]byte, 512)
	have := 0
	for {
		n, err := p.r.Read(buf[have:])
		if err != nil {
			return
		}
		now := time.Now().UnixNano()
		have += n
		i := 0
		for ; i+8 <= have; i += 8 {
			obs.NetWait(time.Duration(max(now-int64(binary.LittleEndian.Uint64(buf[i:])), 0)))
		}
		have = copy(buf, buf[i:have])
	}
}

// close stops the probe and returns once it reports no more; a nil probe
// is none.
func (p *netProbe) close() {
	if p != nil {
		close(p.stop)
		<-p.done
	}
}
