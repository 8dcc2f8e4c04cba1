package app

import (
	"testing"
	"time"
)

// TestSendRate checks the status page's bytes per second: right from the
// first look (the page used to show 0 B/s until it was loaded twice), over
// the last whole seconds, and only over seconds since the start.
func TestSendRate(t *testing.T) {
	t0 := time.Unix(1_000_000, 0)
	tests := []struct {
		name    string
		started time.Time
		sends   func(r *rate) // what was sent
		at      time.Time     // when the page is looked at
		want    float64
	}{
		{"nothing sent", t0, func(*rate) {}, t0.Add(10 * time.Second), 0},
		{"steady 3000 B/s", t0, func(r *rate) {
			for ms := 0; ms < 10_000; ms += 100 {
				r.add(t0.Add(time.Duration(ms)*time.Millisecond), 300)
			}
		}, t0.Add(10*time.Second + 500*time.Millisecond), 3000},
		{"stopped long ago", t0, func(r *rate) {
			for ms := 0; ms < 3_000; ms += 100 {
				r.add(t0.Add(time.Duration(ms)*time.Millisecond), 300)
			}
		}, t0.Add(20 * time.Second), 0},
		{"just started", t0, func(r *rate) {
			for ms := 0; ms < 2_000; ms += 100 {
				r.add(t0.Add(time.Duration(ms)*time.Millisecond), 100)
			}
		}, t0.Add(2*time.Second + 100*time.Millisecond), 1000},
		{"ring reused", t0, func(r *rate) {
			r.add(t0.Add(2*time.Second), 1_000_000) // the slot of second 2 is reused at 10
			for s := 5; s < 11; s++ {
				r.add(t0.Add(time.Duration(s)*time.Second), 500)
			}
		}, t0.Add(11 * time.Second), 500},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var r rate
			tt.sends(&r)
			if got := r.perSecond(tt.at, tt.started); got != tt.want {
				t.Errorf("perSecond = %v B/s, want %v", got, tt.want)
			}
		})
	}
}

// TestVersionStamped checks that the version the linker stamps (make build,
// make run) is the one the server reports, in place of the module's "(devel)".
func TestVersionStamped(t *testing.T) {
	old := buildVersion
	t.Cleanup(func() { buildVersion = old })
	buildVersion = "v1.4.0-3-g89749b0"
	if got := Version(); got != "v1.4.0-3-g89749b0" {
		t.Errorf("Version() = %q, want the stamped v1.4.0-3-g89749b0", got)
	}
	buildVersion = ""
	if got := Version(); got == "" {
		t.Error("Version() is empty without a stamp, want the module's build information")
	}
}
