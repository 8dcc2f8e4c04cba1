package main

import (
	"os"
	"path/filepath"
	"testing"
)

func TestProcessCPU(t *testing.T) {
	tests := []struct {
		name    string
		pid     int
		wantErr bool
	}{
		{"this process", os.Getpid(), false},
		{"no such process", 1 << 30, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := os.Stat("/proc/self/stat"); err != nil {
				t.Skip("no /proc on this system")
			}
			a, err := processCPU(tt.pid)
			if (err != nil) != tt.wantErr {
				t.Fatalf("error %v, want error %v", err, tt.wantErr)
			}
			if err != nil {
				return
			}
			x := 0
			for i := range 20_000_000 {
				x += i
			}
			b, _ := processCPU(tt.pid)
			if b < a || x == 0 {
				t.Errorf("cpu went from %v to %v", a, b)
			}
		})
	}
}

func TestBaselineRatios(t *testing.T) {
	floor := &summary{Mode: "floor", UpdatesP50: 30, DownBytesPerClient: 3600, ServerCoresPer1000: 0.1, RTTP50ms: 1}
	path := filepath.Join(t.TempDir(), "floor.json")
	if err := floor.writeJSON(path); err != nil {
		t.Fatal(err)
	}
	back, err := readSummary(path)
	if err != nil {
		t.Fatal(err)
	}
	game := &summary{Mode: "game", UpdatesP50: 30, DownBytesPerClient: 1800, ServerCoresPer1000: 0.35, RTTP50ms: 2}
	r := compare(game, back)
	want := ratios{CPU: 3.5, Updates: 1, Down: 0.5, RTT: 2}
	if d := r.CPU - want.CPU; d > 1e-9 || d < -1e-9 || r.Updates != want.Updates || r.Down != want.Down || r.RTT != want.RTT {
		t.Errorf("ratios %+v, want %+v", *r, want)
	}
	if _, err := readSummary(filepath.Join(t.TempDir(), "missing.json")); err == nil {
		t.Errorf("reading a missing baseline gave no error")
	}
}
