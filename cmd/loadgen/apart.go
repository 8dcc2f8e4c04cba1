package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
)

// With -verify-apart the verifying clients run in a process of their own, a
// child of the load generator, while it drives the light clients. A load
// generator whose core is busy with thousands of light clients makes every
// goroutine wait for it, the verifying clients' readers too: their deltas
// then arrive late by the load generator's own delay, and the interpolation
// underflows and corrections it reports are partly its own. A process with
// a few dozen clients is woken at once by the operating system however
// busy the other one is, so its figures are the server's and the network's.

// apart reports whether the run puts its verifying clients in a child
// process: -verify-apart, a game run by quick play or into one room (the
// child could not share the rooms a -rooms run creates), and some clients
// light.
func (c config) apart() bool {
	return c.VerifyApart && !c.Floor && c.Rooms == 0 && c.VerifyFraction < 1 && c.N > 1
}

// verifiers is the number of verifying clients among N: one in
// verifyEvery, the first one always.
func (c config) verifiers() int {
	k := c.verifyEvery()
	return (c.N + k - 1) / k
}

// verifierArgs returns the command line of the child process that runs the
// run's verifying clients: as many as the run would have had, every one of
// them verifying, connecting at their share of the ramp so that the last
// connects when the light clients' last does, and playing as long; its
// summary goes to jsonPath.
func (c config) verifierArgs(jsonPath string) []string {
	v := c.verifiers()
	args := []string{
		"-n", strconv.Itoa(v),
		"-verify-fraction", "1",
		"-ramp", strconv.FormatFloat(max(c.Ramp*float64(v)/float64(c.N), 1), 'f', -1, 64),
		"-duration", c.Duration.String(),
		"-tick-budget", c.TickBudget.String(),
		"-name", c.Name + "v",
		"-json", jsonPath,
		"-nice", strconv.Itoa(verifierNice),
	}
	if c.API != "" {
		args = append(args, "-api", c.API)
	} else {
		args = append(args, "-url", c.URL)
	}
	if c.Room != "" {
		args = append(args, "-room", c.Room)
	}
	if c.SendRate > 0 {
		args = append(args, "-send-rate", strconv.Itoa(c.SendRate))
	}
	if c.Wait > 0 {
		args = append(args, "-wait", c.Wait.String())
	}
	if c.Verify {
		args = append(args, "-verify")
	}
	if c.RetryFull {
		args = append(args, "-retry-full")
	}
	return args
}

// verifierNice is the nice value the verifying clients' process asks for:
// above the light clients' process (0), so that the operating system runs
// it first when both are runnable. Without the privilege it runs at 0,
// which its figures show (VerifierNice).
const verifierNice = -5

// verifierProcess is the running child of a -verify-apart run.
type verifierProcess struct {
	cmd    *exec.Cmd
	dir    string
	stderr bytes.Buffer
	done   chan struct{} // closed when the child has ended
	err    error         // how it ended, once done is closed
}

// startVerifiers starts the child process that runs cfg's verifying
// clients: the load generator's own executable (exe) with verifierArgs.
func startVerifiers(ctx context.Context, cfg config, exe string) (*verifierProcess, error) {
	dir, err := os.MkdirTemp("", "loadgen-verifiers-")
	if err != nil {
		return nil, fmt.Errorf("verifying clients apart: %w", err)
	}
	v := &verifierProcess{dir: dir, done: make(chan struct{})}
	v.cmd = exec.CommandContext(ctx, exe, cfg.verifierArgs(filepath.Join(dir, "summary.json"))...)
	v.cmd.Env = append(os.Environ(), childEnv+"=1")
	v.cmd.Stdout, v.cmd.Stderr = io.Discard, &v.stderr
	if err := v.cmd.Start(); err != nil {
		os.RemoveAll(dir)
		return nil, fmt.Errorf("verifying clients apart: start %s: %w", exe, err)
	}
	go func() { v.err = v.cmd.Wait(); close(v.done) }()
	return v, nil
}

// summary waits for the child to end (it stops by itself after its run, or
// when ctx ends) and returns its summary. The child exits 1 when a mirror
// did not verify; its summary says so, and is returned all the same.
func (v *verifierProcess) summary() (*summary, error) {
	<-v.done
	s, err := readSummary(filepath.Join(v.dir, "summary.json"))
	if err != nil {
		return nil, fmt.Errorf("verifying clients apart: %w (their process: %v; %s)", err, v.err, bytes.TrimSpace(v.stderr.Bytes()))
	}
	return s, nil
}

// discard ends the child if it still runs (a run that stopped early) and
// removes its files.
func (v *verifierProcess) discard() {
	select {
	case <-v.done:
	default:
		_ = v.cmd.Process.Kill()
		<-v.done
	}
	os.RemoveAll(v.dir)
}

// childEnv marks the environment of a -verify-apart child, so that a test
// binary standing in for the load generator runs its main.
const childEnv = "TICKARENA_LOADGEN_VERIFIERS"

// addVerifiers folds the summary of the verifying clients' process into s,
// the light clients' (run from the same load generator, over about the same
// window): the clients and their failures add up, the slowest client of
// either is the slowest, and the netcode figures and the mirrors' verdict are
// the verifying clients' alone. The medians and the bytes stay the light
// clients', who are nearly all of them. The caller judges s again.
func (s *summary) addVerifiers(v *summary) {
	lightPlaying := s.Connected > 0
	light := float64(s.Clients)
	s.Clients += v.Clients
	// The server's figures per client were taken over the light clients
	// alone; the server served them all.
	if s.Clients > 0 {
		s.ServerCoresPer1000 *= light / float64(s.Clients)
		if s.LateInputTicksPerMin > 0 {
			s.LateInputTicksPerMin *= light / float64(s.Clients)
		}
	}
	s.Connected += v.Connected
	if v.Connected > 0 {
		if lightPlaying {
			s.UpdatesP1, s.UpdatesMin = math.Min(s.UpdatesP1, v.UpdatesP1), math.Min(s.UpdatesMin, v.UpdatesMin)
			s.TicksP1, s.TicksMin = math.Min(s.TicksP1, v.TicksP1), math.Min(s.TicksMin, v.TicksMin)
		} else {
			s.UpdatesP50, s.UpdatesP1, s.UpdatesMin, s.UpdatesMean = v.UpdatesP50, v.UpdatesP1, v.UpdatesMin, v.UpdatesMean
			s.TicksP50, s.TicksP1, s.TicksMin, s.TicksMean = v.TicksP50, v.TicksP1, v.TicksMin, v.TicksMean
		}
	}
	f := &s.Failed
	f.HTTPRefused += v.Failed.HTTPRefused
	f.HTTPTimeouts += v.Failed.HTTPTimeouts
	f.HTTPErrors += v.Failed.HTTPErrors
	f.WSRefused += v.Failed.WSRefused
	f.WSTimeouts += v.Failed.WSTimeouts
	f.WSErrors += v.Failed.WSErrors
	f.NotStarted += v.Failed.NotStarted
	for k, e := range v.FailedExample {
		if s.FailedExample == nil {
			s.FailedExample = map[string]string{}
		}
		if _, seen := s.FailedExample[k]; !seen {
			s.FailedExample[k] = e
		}
	}
	if s.LastError == "" {
		s.LastError = v.LastError
	}
	if v.Retry != nil {
		if s.Retry == nil {
			s.Retry = &retryReport{}
		}
		s.Retry.add(v.Retry)
	}
	s.DialErrors += v.DialErrors
	s.Drops += v.Drops
	s.Resyncs += v.Resyncs
	s.DecodeErrors += v.DecodeErrors
	s.Reconnects += v.Reconnects
	s.Verifying = v.Verifying
	s.CorrectionsPerMin, s.CorrectionMax = v.CorrectionsPerMin, v.CorrectionMax
	s.UnderflowsPerMin, s.UnderflowShare, s.StallUnderflowsPerMin = v.UnderflowsPerMin, v.UnderflowShare, v.StallUnderflowsPerMin
	s.Verified, s.VerifyFailures = v.Verified, v.VerifyFailures
	s.VerifiersApart = true
	s.VerifierCores = v.LoadgenCores
	s.VerifierWaitP50ms, s.VerifierWaitP99ms = v.LoadgenWaitP50ms, v.LoadgenWaitP99ms
	s.VerifierNice = v.Nice
	s.VerifierFullAnswers = v.FullAnswers
	s.VerifierFullMsP50, s.VerifierFullMsP99, s.VerifierFullMsMax = v.FullMsP50, v.FullMsP99, v.FullMsMax
}
