package realtime

import (
	"sync/atomic"

	"github.com/lxzan/gws"
)

// clientKey is the one key a connection's session holds: its *client.
const clientKey = "c"

// clientSession is gws's per-connection storage cut down to the one value the
// server keeps there, the connection's *client, so that finding it for every
// message costs an atomic load instead of a locked map lookup.
type clientSession struct{ c atomic.Pointer[client] }

var _ gws.SessionStorage = (*clientSession)(nil)

func (s *clientSession) Len() int {
	if s.c.Load() != nil {
		return 1
	}
	return 0
}

func (s *clientSession) Load(key string) (any, bool) {
	if c := s.c.Load(); key == clientKey && c != nil {
		return c, true
	}
	return nil, false
}

func (s *clientSession) Delete(key string) {
	if key == clientKey {
		s.c.Store(nil)
	}
}

// Store keeps a *client under clientKey; other keys and values are not kept.
func (s *clientSession) Store(key string, value any) {
	if c, ok := value.(*client); ok && key == clientKey {
		s.c.Store(c)
	}
}

func (s *clientSession) Range(f func(key string, value any) bool) {
	if c := s.c.Load(); c != nil {
		f(clientKey, c)
	}
}
