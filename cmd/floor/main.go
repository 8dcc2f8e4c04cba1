// Command floor runs the transport floor: a WebSocket server with no game
// that sends every client one fixed-size message per tick. The load generator
// measures it (loadgen -floor) to give the real server's figures a baseline
// measured on the same machine in the same run.
//
//	go run ./cmd/floor -addr 127.0.0.1:0
package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"syscall"

	"github.com/tickarena/tickarena/cmd/floor/floorserver"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:8090", "address to listen on (port 0 picks a free one)")
	rate := flag.Int("rate", 30, "messages per second to each client")
	size := flag.Int("size", 120, "bytes per message")
	inflight := flag.Int("max-inflight", 8, "writes queued per connection before the client is skipped for a tick")
	flag.Parse()

	log := slog.New(slog.NewTextHandler(os.Stderr, nil))
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	opt := floorserver.Options{TickRate: *rate, MessageSize: *size, MaxInFlight: *inflight, Logger: log}
	err := floorserver.ListenAndServe(ctx, *addr, opt, func(a net.Addr) {
		// The one line scripts wait for: the address to point the load generator at.
		fmt.Printf("floor listening on ws://%s/\n", a)
	})
	if err != nil {
		log.Error("floor failed", "err", err)
		os.Exit(1)
	}
}
