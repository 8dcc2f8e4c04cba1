package main

import (
	"strings"
	"testing"
)

// TestCompareTable compares two summaries as written by -json: each figure of
// both with their ratio, marked better or worse when it moved by more than a
// tenth in either direction, and refuses runs of different loads.
func TestCompareTable(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, s summary) string { return writeSummary(t, dir, name, s) }
	// 20 verifying clients for a minute: 20 underflows, 40 corrections.
	base := write("base.json", summary{Mode: "game", Clients: 1000, Connected: 1000, Seconds: 60, Verifying: 20, ServerCores: 0.40, UpdatesP1: 15, UnderflowsPerMin: 1.0, CorrectionsPerMin: 2.0, HTTPMsP99: 100})
	tests := []struct {
		name    string
		cur     summary
		want    []string // lines (by their start) that must be in the table
		wantErr string
	}{
		{
			name: "cheaper and smoother",
			cur:  summary{Mode: "game", Clients: 1000, Connected: 1000, Seconds: 60, Verifying: 20, ServerCores: 0.30, UpdatesP1: 15, UnderflowsPerMin: 0.1, CorrectionsPerMin: 2.1, HTTPMsP99: 60},
			want: []string{
				"server cores                      0.400        0.300    ×0.75  better",
				"updates/s per client, p1          15.00        15.00    ×1.00",
				"interpolation underflows per verifying client and minute         1.00         0.10    ×0.10  better", // 20 vs 2
				"corrections per verifying client and minute         2.00         2.10    ×1.05  (40 vs 42 events: within chance)",
				"API calls, p99 ms                                   100.0         60.0    ×0.60", // a tail: not marked within 3× either way
			},
		},
		{
			name: "dearer, and fewer players in",
			cur: summary{Mode: "game", Clients: 1000, Connected: 800, Seconds: 60, Verifying: 20, ServerCores: 0.50, UpdatesP1: 15, UnderflowsPerMin: 1.0, CorrectionsPerMin: 2.0, HTTPMsP99: 400,
				FullAnswers: 200, FullMsP99: 300},
			want: []string{
				// The base refused nobody: nothing to compare the 503s' time with.
				"503 full answers, p99 ms                              0.0        300.0        —",
				"API calls, p99 ms                                   100.0        400.0    ×4.00  worse",
				"clients playing at the end              1000          800    ×0.80  worse",
				"server cores                      0.400        0.500    ×1.25  worse",
			},
		},
		{
			// Half the underflows, but 20 against 10 is what chance does.
			name: "fewer underflows, as chance would have it",
			cur:  summary{Mode: "game", Clients: 1000, Connected: 1000, Seconds: 60, Verifying: 20, ServerCores: 0.41, UpdatesP1: 15, UnderflowsPerMin: 0.5, CorrectionsPerMin: 2.0},
			want: []string{
				"server cores                      0.400        0.410    ×1.02",
				"interpolation underflows per verifying client and minute         1.00         0.50    ×0.50  (20 vs 10 events: within chance)",
			},
		},
		{
			name:    "another count",
			cur:     summary{Mode: "game", Clients: 2000},
			wantErr: "not the same load",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out strings.Builder
			err := compareTable(&out, base, write(strings.ReplaceAll(tt.name, " ", "_")+".json", tt.cur))
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("compareTable = %v, want an error saying %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			got := squeeze(out.String())
			for _, w := range tt.want {
				if !strings.Contains(got, squeeze(w)+"\n") {
					t.Errorf("table lacks %q:\n%s", w, out.String())
				}
			}
		})
	}
}

// squeeze collapses runs of spaces, so that the test does not depend on the
// table's column widths.
func squeeze(s string) string {
	return strings.Join(strings.FieldsFunc(s, func(r rune) bool { return r == ' ' }), " ")
}
