package e2e

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/tickarena/tickarena/internal/browsertest"
)

// maxFirstVisitBytes is the goal for a first visit: the lobby, the
// play page, their assets and the game client, on the wire.
const maxFirstVisitBytes = 3 << 20

// resource is one entry of the page's Resource Timing, in bytes.
type resource struct {
	Name     string  `json:"name"`
	Transfer float64 `json:"transfer"` // on the wire, headers included; 0 from the cache
	Encoded  float64 `json:"encoded"`  // the body as sent (compressed)
	Decoded  float64 `json:"decoded"`  // the body after decoding
}

// resources returns the page itself and everything it loaded.
func resources(p *browsertest.Page) []resource {
	return browsertest.Eval[[]resource](p, `performance.getEntriesByType("navigation").concat(performance.getEntriesByType("resource"))
		.map(e => ({name: e.name, transfer: e.transferSize, encoded: e.encodedBodySize, decoded: e.decodedBodySize}))`)
}

// loadTiming is the play page's window.tickarenaLoad (see play.js).
type loadTiming struct {
	Start     float64 `json:"start"`
	Compiled  float64 `json:"compiled"`
	Streaming bool    `json:"streaming"`
}

// visit is what one trip from the lobby's Play button to the first drawn
// frame cost.
type visit struct {
	bytes      float64       // on the wire, lobby and play page together
	client     resource      // game.wasm
	firstFrame time.Duration // from the click on Play to the first frame
	compiled   time.Duration // from the click on Play to the compiled module
	streaming  bool
}

// playVisit opens the lobby, presses Play and waits for the game's first
// frame, measuring what it fetched and how long it took.
func playVisit(t *testing.T, p *browsertest.Page, base, name string) visit {
	t.Helper()
	p.Navigate(base + "/")
	p.WaitFor(`document.readyState === "complete"`)
	var v visit
	for _, r := range resources(p) {
		v.bytes += r.Transfer
	}
	p.Type("#name", name)
	clicked := browsertest.Eval[float64](p, `Date.now()`)
	p.Click("#play")
	p.WaitFor(`location.pathname === "/play"`)
	p.WaitForWithin(`window.tickarena && window.tickarena.firstFrameAt > 0`, loadWithin)
	drawn := browsertest.Eval[float64](p, `window.tickarena.firstFrameAt`)
	load := browsertest.Eval[loadTiming](p, `window.tickarenaLoad || {}`)
	p.WaitFor(`document.readyState === "complete"`)
	for _, r := range resources(p) {
		v.bytes += r.Transfer
		if strings.Contains(r.Name, "/static/game.wasm") {
			v.client = r
		}
	}
	v.firstFrame = time.Duration(drawn-clicked) * time.Millisecond
	v.compiled = time.Duration(load.Compiled-clicked) * time.Millisecond
	v.streaming = load.Streaming
	return v
}

// TestFirstFrame measures a first visit and a second one from the lobby to
// the game's first frame: the bytes on the wire (under 3 MB the first time,
// the client from the cache the second), and the time from Play to the
// first drawn frame. The client must come by a content-hashed URL, Brotli-
// compressed, and be compiled while it downloads.
func TestFirstFrame(t *testing.T) {
	requireClient(t)
	srv := startServer(t)
	b := browsertest.New(t, browserOptions)
	p := b.NewPage()

	first := playVisit(t, p, srv.URL, "Ace")
	p.Screenshot("first frame")
	c := first.client
	t.Logf("first visit: %.0f B on the wire (game.wasm %s: %.0f B sent, %.0f B decoded); Play → compiled %v, → first frame %v; streaming %v",
		first.bytes, c.Name, c.Encoded, c.Decoded, first.compiled, first.firstFrame, first.streaming)
	if c.Name == "" {
		t.Fatal("the play page did not load game.wasm")
	}
	if !strings.Contains(c.Name, "?v=") {
		t.Errorf("game.wasm came from %s, want a content-hashed URL (?v=)", c.Name)
	}
	if first.bytes > maxFirstVisitBytes || first.bytes <= 0 {
		t.Errorf("a first visit cost %.0f bytes on the wire, want at most %d", first.bytes, maxFirstVisitBytes)
	}
	if c.Encoded <= 0 || c.Decoded/c.Encoded < 4 {
		t.Errorf("game.wasm: %.0f bytes sent for %.0f decoded, want it compressed with Brotli (at least 4:1)", c.Encoded, c.Decoded)
	}
	if !first.streaming {
		t.Error("the client was not compiled while it downloaded (instantiateStreaming)")
	}
	res := fetchHead(t, srv.URL+"/static/game.wasm", "gzip, deflate, br")
	if got := res.Header.Get("Content-Encoding"); got != "br" {
		t.Errorf("a browser's request for game.wasm got Content-Encoding %q, want br", got)
	}

	// A second visit takes the client from the cache: the hashed URL is
	// immutable, so the browser does not even revalidate it.
	second := playVisit(t, p, srv.URL, "Ace")
	t.Logf("second visit: %.0f B on the wire (game.wasm %.0f B); Play → compiled %v, → first frame %v",
		second.bytes, second.client.Transfer, second.compiled, second.firstFrame)
	if second.client.Transfer != 0 {
		t.Errorf("the second visit fetched %.0f bytes of game.wasm, want it from the cache", second.client.Transfer)
	}
	if second.bytes >= first.bytes/10 {
		t.Errorf("the second visit cost %.0f bytes on the wire, want far less than the first's %.0f", second.bytes, first.bytes)
	}
}

// fetchHead sends HEAD url with the given Accept-Encoding, as a browser
// would, and returns the response.
func fetchHead(t *testing.T, url, acceptEncoding string) *http.Response {
	t.Helper()
	req, err := http.NewRequest(http.MethodHead, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Accept-Encoding", acceptEncoding)
	res, err := (&http.Client{Transport: &http.Transport{DisableCompression: true}}).Do(req)
	if err != nil {
		t.Fatalf("HEAD %s: %v", url, err)
	}
	res.Body.Close()
	return res
}
