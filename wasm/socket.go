//go:build js && wasm

package main

import (
	"errors"
	"fmt"
	"syscall/js"
	"time"

	"github.com/tickarena/tickarena/client/netcode"
	"github.com/tickarena/tickarena/game/wire"
)

// socket is a browser WebSocket as a netcode.Transport. Its callbacks only
// copy what the browser hands them into the Inbox and return.
type socket struct {
	ws    js.Value
	funcs []js.Func
	buf   []byte // reused for incoming messages; the Inbox copies them
}

// errNotOpen is returned by Send before the socket opened or after it closed.
var errNotOpen = errors.New("websocket is not open")

// dial opens a WebSocket to url and reports its life to in.
func dial(url string, in *netcode.Inbox) (t netcode.Transport, err error) {
	defer func() {
		// new WebSocket throws a SyntaxError for a malformed URL.
		if r := recover(); r != nil {
			t, err = nil, fmt.Errorf("open websocket %q: %v", url, r)
		}
	}()
	ws := js.Global().Get("WebSocket").New(url)
	ws.Set("binaryType", "arraybuffer")
	s := &socket{ws: ws}
	uint8Array := js.Global().Get("Uint8Array")
	s.on("open", func(js.Value) { in.Opened() })
	s.on("message", func(ev js.Value) {
		data := ev.Get("data")
		if data.Type() == js.TypeString {
			return // the protocol is binary; a text frame carries nothing for us
		}
		arr := uint8Array.New(data)
		n := arr.Length()
		if cap(s.buf) < n {
			s.buf = make([]byte, n)
		}
		s.buf = s.buf[:n]
		js.CopyBytesToGo(s.buf, arr)
		in.ReceivedAt(s.buf, time.Now())
	})
	s.on("close", func(ev js.Value) {
		code := ev.Get("code").Int()
		if code == 0 {
			code = wire.CloseAbnormal
		}
		in.Closed(code, ev.Get("reason").String())
		s.release()
	})
	// An error event is always followed by a close event, which reports it.
	return s, nil
}

// on registers fn for the socket's event name.
func (s *socket) on(name string, fn func(ev js.Value)) {
	f := js.FuncOf(func(_ js.Value, args []js.Value) any {
		if len(args) > 0 {
			fn(args[0])
		}
		return nil
	})
	s.funcs = append(s.funcs, f)
	s.ws.Call("addEventListener", name, f)
}

// release removes the callbacks once the socket is closed for good.
func (s *socket) release() {
	for _, f := range s.funcs {
		f.Release()
	}
	s.funcs = nil
}

// Send sends msg as one binary message; the browser copies it.
func (s *socket) Send(msg []byte) (err error) {
	if s.ws.Get("readyState").Int() != 1 {
		return errNotOpen
	}
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("websocket send: %v", r)
		}
	}()
	arr := js.Global().Get("Uint8Array").New(len(msg))
	js.CopyBytesToJS(arr, msg)
	s.ws.Call("send", arr)
	return nil
}

// Close closes the socket. Browsers accept only 1000 and 3000–4999 from a
// page, so other codes close as 1000 with the reason kept.
func (s *socket) Close(code int, reason string) (err error) {
	if code != 1000 && (code < 3000 || code > 4999) {
		code = 1000
	}
	if len(reason) > 120 { // the browser limits the reason to 123 bytes
		reason = reason[:120]
	}
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("websocket close: %v", r)
		}
	}()
	s.ws.Call("close", code, reason)
	return nil
}
