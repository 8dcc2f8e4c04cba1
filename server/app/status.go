package app

import (
	"html/template"
	"net/http"
	"strconv"
	"sync"
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
<p class="sub">version {{.Version}} · up {{.Uptime}} · {{if .Ready}}<span class="ok">ready</span>{{else}}<span class="warn">not ready: {{.NotReady}}</span>{{end}}</p>
<div class="cards">
<div class="card"><b>{{.RoomCount}}</b><span>rooms</span></div>
<div class="card"><b>{{.Humans}}</b><span>players</span></div>
<div class="card"><b>{{.Bots}}</b><span>bots</span></div>
<div class="card"><b>{{.Conns}}</b><span>connections</span></div>
<div class="card"><b>{{.TickP50}}</b><span>tick p50</span></div>
<div class="card"><b>{{.TickP99}}</b><span>tick p99</span></div>
<div class="card"><b>{{.SendRate}}</b><span>sent per second</span></div>
<div class="card"><b>{{.Queue}}</b><span>results waiting</span></div>
</div>
<table><thead><tr><th>room</th><th>kind</th><th>players</th><th>bots</th><th>round</th><th>time left</th></tr></thead><tbody>
{{range .Rooms}}<tr><td><bdi>{{.Name}}</bdi></td><td>{{if .Public}}public{{else}}private{{end}}</td><td>{{.Humans}} / {{.Capacity}}</td><td>{{.Bots}}</td><td>{{.Round}}{{if .Intermission}} (intermission){{end}}</td><td>{{.RoundSecondsLeft}} s</td></tr>
{{else}}<tr><td colspan="6">no rooms</td></tr>{{end}}
</tbody></table>
<p class="sub" style="margin-top:16px"><a style="color:#7aa2ff" href="/metrics">/metrics</a> · <a style="color:#7aa2ff" href="/readyz">/readyz</a> · <a style="color:#7aa2ff" href="/">lobby</a></p>
</main></body></html>`))

// rate turns a growing byte count into a per-second rate between calls.
type rate struct {
	mu    sync.Mutex
	at    time.Time
	bytes int64
	last  float64
}

func (r *rate) sample(now time.Time, total int64) float64 {
	r.mu.Lock()
	defer r.mu.Unlock()
	if !r.at.IsZero() && now.Sub(r.at) >= 500*time.Millisecond {
		r.last = float64(total-r.bytes) / now.Sub(r.at).Seconds()
	}
	if r.at.IsZero() || now.Sub(r.at) >= 500*time.Millisecond {
		r.at, r.bytes = now, total
	}
	return r.last
}

func (a *App) status(w http.ResponseWriter, r *http.Request) {
	rooms := a.rt.Rooms()
	p50, p99 := a.obs.tickQuantiles()
	data := struct {
		Version, Uptime, TickP50, TickP99, SendRate string
		Ready                                       bool
		NotReady                                    string // why, when not ready
		RoomCount, Humans, Bots, Conns, Queue       int
		Rooms                                       any
	}{
		Version:  a.version,
		Uptime:   time.Since(a.started).Round(time.Second).String(),
		TickP50:  p50.Round(time.Microsecond).String(),
		TickP99:  p99.Round(time.Microsecond).String(),
		SendRate: humanBytes(a.sendRate.sample(time.Now(), a.obs.bytesSent.Load())) + "/s",
		Conns:    a.rt.Connections(),
		Queue:    a.writer.Depth(),
		Rooms:    rooms,
	}
	if status, reason := a.readiness(r.Context()); status == "ready" {
		data.Ready = true
	} else {
		data.NotReady = status + " (" + reason + ")"
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
