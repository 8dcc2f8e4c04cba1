// Package e2e holds the browser end-to-end tests of tickarena: they build the
// real server binary, run it on a loopback port with short rounds, and play
// the game in headless Chromium through the lobby, the play page and the
// WebAssembly client, as players would.
//
// The tests read the game's state from the read-only window.tickarena object
// the client publishes every frame, and save screenshots of every step under
// artifacts/screenshots. They need Chromium (see internal/browsertest) and
// the built client assets/static/game.wasm (`make wasm`); without them they
// skip locally and fail in CI.
package e2e
