package app

import (
	"html/template"
	"net/http"
	"strconv"
	"sync/atomic"
	"time"
)

// statusPage is the host's one-page overview, from the same sources as /metrics.
var statusPage = template.Must(template.New("status").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="refresh" content="5"><title>tickarena status</title>
<style>
body{margin:0;font:15px/1.5 system-ui,sans-serif;background:#0b1020;color:#dfe6f5}
main{max-width:960px;margin:0 auto;padding:24px}
h1{font-size:22px;margin:0 0 4px}.sub{color:#8a96b3;margin:0 0 20px}
.cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(150px,1fr));gap:12px;margin-bottom:24px}
.card{background:#141b33;border:1px solid #243056;border-radius:10px;padding:12px 14px}
.card b{display:block;font-size:22px;color:#fff}.card span{color:#8a96b3;font-size:13px}
table{width:100%;border-collapse:collapse;background:#141b33;border-radius:10px;overflow:hidden}
th,td{text-align:left;padding:8px 12px;border-bottom:1px solid #243056}th{color:#8a96b3;font-weight:600}
.ok{color:#5be49b}.warn{color:#ffb454}
</style></head><body><main>
<h1>tickarena status</h1>
<p class="sub">version {{.Version}} · up {{.Uptime}} · {{if .NotReady}}<span class="warn">not ready: {{.NotReady}}</span>{{else}}<span class="ok">ready</span>{{end}}</p>
<div class="cards">
<div class="card"><b>{{.RoomCount}}</b><span>rooms</span></div>
<div class="card"><b>{{.Humans}}</b><span>players</span></div>
<div class="card"><b>{{.Bots}}</b><span>bots</span></div>
<div class="card"><b>{{.Spectators}}</b><span>spectators</span></div>
<div class="card"><b>{{.Conns}}</b><span>connections</span></div>
<div class="card"><b>{{.TickP50}}</b><span>tick p50</span></div>
<div class="card"><b>{{.TickP99}}</b><span>tick p99</span></div>
<div class="card"><b>{{.SendRate}}</b><span>sent per second</span></div>
<div class="card"><b>{{.Queue}}</b><span>results waiting</span></div>
<div class="card"><b>{{if .Full}}<span class="warn">full</span>{{else}}open{{end}}</b><span>{{if .Full}}{{.Full}}{{else}}new players{{end}}</span></div>
</div>
<table><thead><tr><th>room</th><th>kind</th><th>players</th><th>bots</th><th>spectators</th><th>round</th><th>time left</th></tr></thead><tbody>
{{range .Rooms}}<tr><td><bdi>{{.Name}}</bdi></td><td>{{if .Public}}public{{else}}private{{end}}</td><td>{{.Humans}} / {{.Capacity}}</td><td>{{.Bots}}</td><td>{{.Spectators}}</td><td>{{.Round}}{{if .Intermission}} (intermission){{end}}</td><td>{{.RoundSecondsLeft}} s</td></tr>
{{else}}<tr><td colspan="7">no rooms</td></tr>{{end}}
</tbody></table>
<p class="sub" style="margin-top:16px"><a style="color:#7aa2ff" href="/metrics">/metrics</a> · <a style="color:#7aa2ff" href="/readyz">/readyz</a> · <a style="color:#7aa2ff" href="/">lobby</a></p>
</main></body></html>`))

// rate counts bytes per whole second in a small ring, so that the status
// page shows what was sent over the last few seconds from its very first
// load, whoever asked before. It is safe for concurrent use without locks:
// add is called for every message sent.
type rate struct {
	secs  [rateSlots]atomic.Int64 // the Unix second each slot counts
	bytes [rateSlots]atomic.Int64
}

// rateSlots is the ring's length; rateWindow is the number of whole seconds
// before the current one that the rate averages.
const (
	rateSlots  = 8
	rateWindow = 5
)

// add counts n bytes at now.
func (r *rate) add(now time.Time, n int) {
	s := now.Unix()
	i := s % rateSlots
	if old := r.secs[i].Load(); old != s && r.secs[i].CompareAndSwap(old, s) {
		r.bytes[i].Store(0)
	}
	r.bytes[i].Add(int64(n))
}

// perSecond returns the mean bytes per second over the rateWindow whole
// seconds before now's, counting only seconds since started.
func (r *rate) perSecond(now, started time.Time) float64 {
	s := now.Unix()
	var sum int64
	n := 0
	for k := int64(1); k <= rateWindow; k++ {
		sec := s - k
		if sec < started.Unix() {
			break
		}
		n++
		i := sec % rateSlots
		if r.secs[i].Load() == sec {
			sum += r.bytes[i].Load()
		}
	}
	if n == 0 {
		return 0
	}
	return float64(sum) / float64(n)
}

func (a *App) status(w http.ResponseWriter, r *http.Request) {
	rooms := a.rt.Rooms()
	p50, p99 := a.obs.tickQuantiles()
	data := struct {
		Version, Uptime, TickP50, TickP99, SendRate string
		NotReady, Full                              string
		RoomCount, Humans, Bots, Conns, Queue       int
		Spectators                                  int
		Rooms                                       any
	}{
		Version:    a.version,
		Uptime:     time.Since(a.started).Round(time.Second).String(),
		TickP50:    p50.Round(time.Microsecond).String(),
		TickP99:    p99.Round(time.Microsecond).String(),
		SendRate:   humanBytes(a.obs.sendRate.perSecond(time.Now(), a.started)) + "/s",
		Conns:      a.rt.Connections(),
		Spectators: a.rt.Spectators(),
		Queue:      a.writer.Depth(),
		Rooms:      rooms,
	}
	if err := a.readiness(r.Context()); err != nil {
		data.NotReady = err.Error()
	}
	if s := a.rt.Saturation(); s.Full {
		data.Full = s.Reason
	}
	data.RoomCount = len(rooms)
	for _, rm := range rooms {
		data.Humans += rm.Humans
		data.Bots += rm.Bots
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	if err := statusPage.Execute(w, data); err != nil {
		a.log.Warn("status page", "err", err)
	}
}

func humanBytes(v float64) string {
	switch {
	case v >= 1<<20:
		return strconv.FormatFloat(v/(1<<20), 'f', 1, 64) + " MB"
	case v >= 1<<10:
		return strconv.FormatFloat(v/(1<<10), 'f', 1, 64) + " KB"
	}
	return strconv.FormatFloat(v, 'f', 0, 64) + " B"
}
