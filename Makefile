# tickarena — the two commands that matter are `make run` and `make test`.
GO        ?= go
ADDR      ?= :8080
BIN       ?= bin
WASM_OUT  := assets/static/game.wasm
GOROOT    := $(shell $(GO) env GOROOT)
WASM_EXEC := $(GOROOT)/lib/wasm/go_js_wasm_exec
# Packages built only for the browser (they import Ebiten or syscall/js).
WASM_PKGS := ./client/... ./wasm/... ./game/...

.PHONY: run test build wasm bench loadtest fmt fmt-check vet test-go test-wasm clean image

## run: build the WebAssembly client and start the server on $(ADDR) with the SQLite default.
run: wasm
	$(GO) run ./server -addr $(ADDR)

## test: format and vet checks, the wasm build, every Go test with the race detector
## (browser tests included), and the determinism test under GOOS=js GOARCH=wasm.
test: fmt-check vet wasm test-go test-wasm

## build: one static binary (client embedded) at $(BIN)/tickarena.
build: wasm
	CGO_ENABLED=0 $(GO) build -trimpath -o $(BIN)/tickarena ./server

## image: an OCI image FROM scratch around the static binary (podman or buildah), tagged
## $(IMAGE):<git describe> and $(IMAGE):latest.
IMAGE ?= tickarena
image: build
	./deploy/image/build.sh $(BIN)/tickarena $(IMAGE)

## wasm: the browser client, raw and gzip-compressed, into assets/static/.
wasm:
	GOOS=js GOARCH=wasm $(GO) build -trimpath -ldflags="-s -w" -o $(WASM_OUT) ./wasm
	gzip -9 -n -k -f $(WASM_OUT)

test-go:
	$(GO) test -race -timeout 8m ./...

test-wasm:
	GOOS=js GOARCH=wasm $(GO) test -exec="$(WASM_EXEC)" -run 'TestDeterminism' ./game/

## bench: every benchmark, then a short load test against the real server.
bench:
	$(GO) test -run '^$$' -bench . -benchtime 2s ./game/... ./server/...
	$(MAKE) loadtest

## loadtest: start the real server and drive it with the load generator for a short, bounded time.
loadtest:
	./.ci/loadtest.sh

fmt:
	gofmt -w .

fmt-check:
	@out=$$(gofmt -l . 2>&1); if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi

vet:
	$(GO) vet ./...
	GOOS=js GOARCH=wasm $(GO) vet $(WASM_PKGS)

clean:
	rm -rf $(BIN) artifacts $(WASM_OUT) $(WASM_OUT).gz
