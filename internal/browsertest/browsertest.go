// Package browsertest runs end-to-end tests in a real headless Chromium,
// driven through the DevTools protocol by chromedp.
//
// New starts one browser per test; each Page is a tab in its own browser
// context, so two pages are two players with separate cookies and
// localStorage. Helpers fail the test with a clear message instead of
// returning errors, save screenshots under artifacts/screenshots at the
// repository root, and print the page's console and JavaScript exceptions
// when the test fails.
//
// When Chromium is not installed the test is skipped, unless the environment
// variable CI is set, in which case it fails: a CI run must not pass by
// testing nothing.
package browsertest

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// ChromiumEnv is the environment variable that names the Chromium binary to
// use instead of searching for one.
const ChromiumEnv = "TICKARENA_CHROMIUM"

// Options configures a Browser. The zero value works.
type Options struct {
	// Width and Height are the size of each page's viewport in CSS pixels.
	// Default: 1280×800.
	Width, Height int

	// Timeout bounds each helper call: a navigation, a click, a wait.
	// Default: 30 seconds, room for a loaded machine rendering without a GPU.
	Timeout time.Duration

	// IgnoreCertErrors makes Chromium accept any TLS certificate, such as
	// the self-signed one a test serves HTTPS and WSS with. Default false.
	IgnoreCertErrors bool
}

func (o Options) withDefaults() Options {
	if o.Width <= 0 || o.Height <= 0 {
		o.Width, o.Height = 1280, 800
	}
	if o.Timeout <= 0 {
		o.Timeout = 30 * time.Second
	}
	return o
}

// Browser is one headless Chromium process that lives as long as its test.
type Browser struct {
	t    testing.TB
	opts Options
	root context.Context // the first tab; Pages are created beside it

	mu    sync.Mutex
	shots int // screenshots taken so far in this test
	pages int // pages opened so far in this test
}

// New starts a headless Chromium for t and stops it when t ends. It skips t
// when Chromium is missing and the environment variable CI is empty.
func New(t testing.TB, opts Options) *Browser {
	t.Helper()
	opts = opts.withDefaults()
	path, err := findChromium()
	if err != nil {
		if os.Getenv("CI") == "" {
			t.Skipf("browsertest: %v; install it with `apt-get install chromium` or set %s", err, ChromiumEnv)
		}
		t.Fatalf("browsertest: %v (CI is set, so a missing browser is a failure; install it with `apt-get install chromium`)", err)
	}
	// The profile directory is created before the cleanup below is
	// registered, so Chromium has exited by the time it is removed.
	profile := t.TempDir()
	allocOpts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path),
		chromedp.NoSandbox,
		chromedp.UserDataDir(profile),
		chromedp.WindowSize(opts.Width, opts.Height),
		// Ebiten draws with WebGL: keep the GPU process and let it render
		// with SwiftShader instead of disabling it.
		chromedp.Flag("use-angle", "swiftshader"),
		chromedp.Flag("enable-unsafe-swiftshader", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("no-first-run", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
	)
	if opts.IgnoreCertErrors {
		allocOpts = append(allocOpts, chromedp.Flag("ignore-certificate-errors", true))
	}
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), allocOpts...)
	root, cancelRoot := chromedp.NewContext(allocCtx)
	t.Cleanup(func() {
		cancelRoot()
		cancelAlloc()
	})
	// The first Run starts the process; it must not carry a timeout, which
	// would end the browser with it.
	if err := chromedp.Do(root); err != nil {
		t.Fatalf("browsertest: start %s: %v", path, err)
	}
	return &Browser{t: t, opts: opts, root: root}
}

// findChromium returns the Chromium binary: the one named by ChromiumEnv,
// else Debian's /usr/bin/chromium, else chromium or chromium-browser in PATH.
func findChromium() (string, error) {
	if p := os.Getenv(ChromiumEnv); p != "" {
		found, err := exec.LookPath(p)
		if err != nil {
			return "", fmt.Errorf("%s=%s is not an executable: %w", ChromiumEnv, p, err)
		}
		return found, nil
	}
	for _, p := range []string{"/usr/bin/chromium", "chromium", "chromium-browser"} {
		if found, err := exec.LookPath(p); err == nil {
			return found, nil
		}
	}
	return "", errors.New("chromium not found")
}

// NewPage opens a tab in a fresh browser context, with its own cookies and
// storage, and closes it when the test ends.
func (b *Browser) NewPage() *Page {
	b.t.Helper()
	ctx, cancel := chromedp.NewContext(b.root, chromedp.WithNewBrowserContext())
	// The window size includes the browser's own bars; fix the page's
	// viewport so that layouts and screenshots have the size asked for.
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(int64(b.opts.Width), int64(b.opts.Height))); err != nil {
		cancel()
		b.t.Fatalf("browsertest: open a page: %v", err)
	}
	p := &Page{t: b.t, tab: &tab{n: b.nextPage(), b: b, ctx: ctx, done: make(chan struct{})}}
	messages := chromedp.Console(ctx)
	go p.record(messages)
	b.t.Cleanup(func() {
		if b.t.Failed() {
			p.failureScreenshot()
		}
		cancel()
		<-p.done
		if b.t.Failed() {
			p.logConsole(b.t)
		}
	})
	return p
}

// nextShot returns the number of the next screenshot of this test.
func (b *Browser) nextShot() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.shots++
	return b.shots
}

// nextPage returns the number of the next page of this test.
func (b *Browser) nextPage() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.pages++
	return b.pages
}
