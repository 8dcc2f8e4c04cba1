package servertest

import (
	"bytes"
	"sync"
)

// LogBuffer collects log output that its writer (a logger on a server's
// goroutines, a process's output) and the test read at once. The zero
// value is ready to use:
//
//	var logs servertest.LogBuffer
//	opts.Logger = slog.New(slog.NewTextHandler(&logs, nil))
type LogBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

// Write appends p.
func (b *LogBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

// String returns everything written so far.
func (b *LogBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
