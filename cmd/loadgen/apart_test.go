package main

import (
	"slices"
	"testing"
)

// TestAddVerifiers folds a verifying clients' process's summary into the
// light clients': counts and failures add up, the slowest client of either
// is the slowest, the netcode figures and the verdict are the verifying
// clients', and the server's figures per client count every client.
func TestAddVerifiers(t *testing.T) {
	yes, no := true, false
	light := summary{Clients: 98, Connected: 97, UpdatesP50: 15, UpdatesP1: 14.9, UpdatesMin: 14.8, TicksP1: 29.9, TicksMin: 29.8,
		Failed: failures{HTTPRefused: 1}, ServerCores: 0.5, ServerCoresPer1000: 0.5 / 98 * 1000, LateInputTicksPerMin: 98,
		Verified: &yes, CorrectionsPerMin: 99, FullAnswers: 700, FullMsP99: 250}
	tests := []struct {
		name     string
		v        summary
		wantP1   float64
		verified bool
	}{
		{"verifiers slower", summary{Clients: 2, Connected: 2, UpdatesP50: 15, UpdatesP1: 14.1, UpdatesMin: 14.0, TicksP1: 29.0, TicksMin: 28.9,
			Failed: failures{WSTimeouts: 1}, Verifying: 2, CorrectionsPerMin: 3, UnderflowsPerMin: 0.5, Verified: &yes, LoadgenWaitP99ms: 0.2, Nice: -5,
			FullAnswers: 40, FullMsP50: 3, FullMsP99: 31, FullMsMax: 44}, 14.1, true},
		{"verifiers faster, a mirror wrong", summary{Clients: 2, Connected: 2, UpdatesP50: 15, UpdatesP1: 15, UpdatesMin: 15, TicksP1: 30, TicksMin: 30,
			Verifying: 2, CorrectionsPerMin: 3, Verified: &no, VerifyFailures: []string{"client 0: a delta did not apply"}}, 14.9, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := light
			s.addVerifiers(&tt.v)
			if s.Clients != 100 || s.Connected != 97+tt.v.Connected {
				t.Errorf("%d clients, %d connected; want 100 and %d", s.Clients, s.Connected, 97+tt.v.Connected)
			}
			if s.UpdatesP1 != tt.wantP1 || s.UpdatesP50 != 15 {
				t.Errorf("updates p1 %v p50 %v, want p1 %v (the slower of the two) and the light clients' p50 15", s.UpdatesP1, s.UpdatesP50, tt.wantP1)
			}
			if s.Failed.HTTPRefused != 1 || s.Failed.WSTimeouts != tt.v.Failed.WSTimeouts {
				t.Errorf("failures %+v, want the light clients' refusal and the verifying clients' %+v", s.Failed, tt.v.Failed)
			}
			if s.Verifying != 2 || s.CorrectionsPerMin != 3 || s.UnderflowsPerMin != tt.v.UnderflowsPerMin || !s.VerifiersApart || s.VerifierNice != tt.v.Nice {
				t.Errorf("netcode: %d verifying, %v corrections, %v underflows, apart %v, nice %d; want the verifying clients' figures", s.Verifying, s.CorrectionsPerMin, s.UnderflowsPerMin, s.VerifiersApart, s.VerifierNice)
			}
			// The verifying process's 503s are reported apart; the light
			// clients' stay as they were.
			if s.VerifierFullAnswers != tt.v.FullAnswers || s.VerifierFullMsP50 != tt.v.FullMsP50 || s.VerifierFullMsP99 != tt.v.FullMsP99 ||
				s.VerifierFullMsMax != tt.v.FullMsMax || s.FullAnswers != light.FullAnswers || s.FullMsP99 != light.FullMsP99 {
				t.Errorf("503s: verifying process %d p50 %v p99 %v max %v, light %d p99 %v; want the verifying process's %d %v %v %v apart and the light clients' %d %v",
					s.VerifierFullAnswers, s.VerifierFullMsP50, s.VerifierFullMsP99, s.VerifierFullMsMax, s.FullAnswers, s.FullMsP99,
					tt.v.FullAnswers, tt.v.FullMsP50, tt.v.FullMsP99, tt.v.FullMsMax, light.FullAnswers, light.FullMsP99)
			}
			if s.Verified == nil || *s.Verified != tt.verified || !slices.Equal(s.VerifyFailures, tt.v.VerifyFailures) {
				t.Errorf("verified %v %v, want %v %v", s.Verified, s.VerifyFailures, tt.verified, tt.v.VerifyFailures)
			}
			if got := s.ServerCoresPer1000; got < 4.99 || got > 5.01 {
				t.Errorf("server cores per 1000 clients %.3f, want 5 (0.5 cores for all 100)", got)
			}
			// 98 a minute for each of 98 light clients is the server's 9,604 over 100.
			if got := s.LateInputTicksPerMin; got < 96.03 || got > 96.05 {
				t.Errorf("late input ticks per client-minute %.2f, want 96.04 (the server's count over all 100)", got)
			}
			s.judge(0)
			if s.Held {
				t.Errorf("held with a client refused, want not held")
			}
		})
	}
}

// TestApart: the verifying clients run apart only when asked, in a game run
// with light clients beside them, and not in a -rooms run, whose rooms the
// child could not share.
func TestApart(t *testing.T) {
	base := config{VerifyApart: true, VerifyFraction: 0.02, N: 100}
	tests := []struct {
		name string
		edit func(*config)
		want bool
	}{
		{"asked, light clients beside them", func(*config) {}, true},
		{"not asked", func(c *config) { c.VerifyApart = false }, false},
		{"every client verifies", func(c *config) { c.VerifyFraction = 1 }, false},
		{"the transport floor", func(c *config) { c.Floor = true }, false},
		{"clients spread over rooms of the run's own", func(c *config) { c.Rooms = 3 }, false},
	}
	for _, tt := range tests {
		c := base
		tt.edit(&c)
		if got := c.apart(); got != tt.want {
			t.Errorf("%s: apart %v, want %v", tt.name, got, tt.want)
		}
	}
}
