# tickarena — the two commands that matter are `make run` and `make test`.
GO        ?= go
ADDR      ?= :8080
BIN       ?= bin
WASM_OUT  := assets/static/game.wasm
GOROOT    := $(shell $(GO) env GOROOT)
WASM_EXEC := $(GOROOT)/lib/wasm/go_js_wasm_exec
# VERSION is stamped into the server (see server/app.Version): the nearest tag,
# commits since it and the commit, "-dirty" with uncommitted changes.
VERSION   ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo unknown)
LDFLAGS   := -X github.com/tickarena/tickarena/server/app.buildVersion=$(VERSION)
# Packages built only for the browser (they import Ebiten or syscall/js).
WASM_PKGS := ./client/... ./wasm/... ./game/...
# wasm_exec.js comes from the toolchain that builds game.wasm: the two must match.
WASM_JS   := $(GOROOT)/lib/wasm/wasm_exec.js
# staticcheck, pinned, installed from the Go module proxy into a project-local bin.
STATICCHECK_VERSION := v0.8.2
STATICCHECK := $(CURDIR)/bin/tools/staticcheck-$(STATICCHECK_VERSION)/staticcheck

.PHONY: run test build wasm bench loadtest fmt fmt-check vet test-go test-wasm clean tidy-check staticcheck image mutate

## run: build the WebAssembly client and start the server on $(ADDR) with the SQLite default.
run: wasm
	$(GO) run -ldflags="$(LDFLAGS)" ./server -addr $(ADDR)

## test: format, vet, go.mod tidiness and staticcheck, the wasm build, every Go test with the
## race detector (browser tests included), and the determinism test under GOOS=js GOARCH=wasm.
test: fmt-check vet tidy-check staticcheck wasm test-go test-wasm

## build: one static binary (client embedded) at $(BIN)/tickarena.
build: wasm
	CGO_ENABLED=0 $(GO) build -trimpath -ldflags="$(LDFLAGS)" -o $(BIN)/tickarena ./server

## image: an OCI image FROM scratch around the static binary (podman or buildah), tagged
## $(IMAGE):<git describe> and $(IMAGE):latest.
IMAGE ?= tickarena
image: build
	./deploy/image/build.sh $(BIN)/tickarena $(IMAGE)

## wasm: the browser client, raw, gzip- and Brotli-compressed with their sums (game.wasm.sums,
## which the server trusts instead of reading the client at start), and the toolchain's wasm_exec.js
## into assets/static/.
wasm:
	GOOS=js GOARCH=wasm $(GO) build -trimpath -ldflags="-s -w" -o $(WASM_OUT) ./wasm
	$(GO) run ./cmd/precompress $(WASM_OUT)
	cp $(WASM_JS) assets/static/wasm_exec.js

test-go:
	$(GO) test -race -timeout 15m ./...

test-wasm:
	GOOS=js GOARCH=wasm $(GO) test -exec="$(WASM_EXEC)" -run 'TestDeterminism' ./game/ ./game/replay/

## bench: every benchmark, then a short load test against the real server.
bench:
	$(GO) test -run '^$$' -bench . -benchtime 2s ./game/... ./server/...
	$(MAKE) loadtest

## loadtest: start the real server and drive it with the load generator for a short, bounded time.
loadtest:
	./.ci/loadtest.sh

## mutate: mutation testing (not part of test): gremlins plants one small bug at a time and runs
## the package's tests, one package after the other, each within MUTATE_TIMEOUT. Logs and JSON
## reports go to artifacts/mutate/; docs/testing.md records the scores and the survivors.
## Narrow with e.g. `make mutate MUTATE_PKGS=server/session`.
GREMLINS_VERSION ?= v0.6.0
GREMLINS         := $(CURDIR)/$(BIN)/gremlins-$(GREMLINS_VERSION)/gremlins
MUTATE_PKGS      ?= server/leaderboard/ranking server/session server/leaderboard server/lobby game/wire game server/realtime
MUTATE_TIMEOUT   ?= 30m
MUTATE_WORKERS   ?= 1
# A mutant's tests may run MUTATE_COEF times as long as the (cached) coverage run of the
# package before it is TIMED OUT: recompiling and linking dominate for fast packages.
MUTATE_COEF      ?= 15
MUTATE_COEF_server/realtime := 4
# Tests skipped under mutation: game's check of the generated trig table builds and runs its
# generator (12 s a mutant) and no mutated file can change its outcome; game/replay's allocation
# count, which gremlins' coverage run of ./game/... also runs, is unreliable under coverage and load.
MUTATE_GOFLAGS_game := -skip=^(TestTrigTableFileUpToDate|TestRecorderStepDoesNotAllocate)$$
# game/wire's tests in -short mode: the delta property test plays 40 ticks instead of 150 and the
# size report is skipped (a mutant costs a third); a survivor is checked again with the full suite.
MUTATE_GOFLAGS_game/wire := -short
# CI is unset so that a missing Chromium or redis-server skips rather than fails.
# Files left out per package: subpackages (mutated on their own or not at all), the generated
# trig table, and in server/leaderboard everything but its rules (board.go).
MUTATE_EXCLUDE_game               := -E '^(bot|internal|wire|replay)/' -E '^trig_table\.go$$'
MUTATE_EXCLUDE_server/leaderboard := -E '/' -E '^(cursor|doc|handler|page|result|store|writer)\.go$$'
mutate_log = artifacts/mutate/$(subst /,-,$(1)).log
define mutate_one
echo "== $(1) (at most $(MUTATE_TIMEOUT))"; \
( cd $(1) && env -u CI $(if $(MUTATE_GOFLAGS_$(1)),GOFLAGS='$(MUTATE_GOFLAGS_$(1))') timeout -s INT $(MUTATE_TIMEOUT) $(GREMLINS) unleash --workers $(MUTATE_WORKERS) \
	--timeout-coefficient $(or $(MUTATE_COEF_$(1)),$(MUTATE_COEF)) $(MUTATE_EXCLUDE_$(1)) \
	-o $(CURDIR)/artifacts/mutate/$(subst /,-,$(1)).json ) > $(call mutate_log,$(1)) 2>&1; \
echo "   killed $$(grep -c ' KILLED ' $(call mutate_log,$(1))), lived $$(grep -c ' LIVED ' $(call mutate_log,$(1))), timed out $$(grep -c ' TIMED OUT ' $(call mutate_log,$(1)))"; \
grep -E ' LIVED |Efficacy|efficacy|Mutator coverage' $(call mutate_log,$(1)) | sed 's/^ */   /'
endef
mutate:
	GOBIN=$(dir $(GREMLINS)) $(GO) install github.com/go-gremlins/gremlins/cmd/gremlins@$(GREMLINS_VERSION)
	@mkdir -p artifacts/mutate
	@$(foreach p,$(MUTATE_PKGS),$(call mutate_one,$(p));)

fmt:
	gofmt -w .

fmt-check:
	@out=$$(gofmt -l . 2>&1); if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi

vet:
	$(GO) vet ./...
	GOOS=js GOARCH=wasm $(GO) vet $(WASM_PKGS)

## tidy-check: go.mod and go.sum are what `go mod tidy` makes of them.
tidy-check:
	$(GO) mod tidy -diff

## staticcheck: the pinned staticcheck over the native packages and the browser-only ones.
# The client package is checked in both builds at once (-matrix), so that a name
# used only by its browser files is not reported unused in the native build.
staticcheck: $(STATICCHECK)
	$(STATICCHECK) $$($(GO) list ./... | grep -v '/client$$')
	printf 'native:\nbrowser: GOOS=js GOARCH=wasm\n' | $(STATICCHECK) -matrix ./client/
	GOOS=js GOARCH=wasm $(STATICCHECK) $$(GOOS=js GOARCH=wasm $(GO) list ./client/... ./wasm/... | grep -v '/client$$')

$(STATICCHECK):
	GOBIN=$(dir $(STATICCHECK)) $(GO) install honnef.co/go/tools/cmd/staticcheck@$(STATICCHECK_VERSION)

clean:
	rm -rf $(BIN) artifacts $(WASM_OUT) $(WASM_OUT).gz $(WASM_OUT).br assets/static/wasm_exec.js
