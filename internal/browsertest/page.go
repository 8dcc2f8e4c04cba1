package browsertest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"iter"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// Page is one browser tab, in a browser context of its own. Its methods fail
// the test they are bound to (see In) and must be called from its goroutine.
type Page struct {
	t testing.TB
	*tab
}

// tab is the state a Page shares with its copies made by In.
type tab struct {
	n   int // 1 for the test's first page, 2 for its second, …
	b   *Browser
	ctx context.Context

	mu      sync.Mutex
	console []string
	done    chan struct{}
}

// In returns the same tab bound to t, typically a subtest, so that a failing
// helper fails t and not its parent.
func (p *Page) In(t testing.TB) *Page { return &Page{t: t, tab: p.tab} }

// Context returns the page's chromedp context, for actions the helpers do
// not cover. Derive timeouts from it; do not cancel it.
func (p *Page) Context() context.Context { return p.ctx }

// run runs one action on the page, bounded by the browser's timeout.
func run[T any](p *Page, what string, a chromedp.Action[T]) T {
	p.t.Helper()
	return runWithin(p, what, p.b.opts.Timeout, a)
}

// runWithin runs one action on the page, bounded by timeout.
func runWithin[T any](p *Page, what string, timeout time.Duration, a chromedp.Action[T]) T {
	p.t.Helper()
	ctx, cancel := context.WithTimeout(p.ctx, timeout)
	defer cancel()
	v, err := chromedp.Run(ctx, a)
	if err != nil {
		if errors.Is(err, context.DeadlineExceeded) {
			err = fmt.Errorf("no result within %v: %w", timeout, err)
		}
		p.t.Fatalf("browsertest: %s: %v", what, err)
	}
	return v
}

// Navigate opens url and waits for the page to load.
func (p *Page) Navigate(url string) {
	p.t.Helper()
	run(p, "navigate to "+url, chromedp.Navigate(url))
}

// SetViewport resizes the page's viewport, in CSS pixels, for example to see
// a layout at a phone's width.
func (p *Page) SetViewport(width, height int) {
	p.t.Helper()
	run(p, fmt.Sprintf("resize to %d×%d", width, height), chromedp.EmulateViewport(int64(width), int64(height)))
}

// Type replaces the value of the first element matching the CSS selector
// with text, typed key by key as a player would.
func (p *Page) Type(selector, text string) {
	p.t.Helper()
	clear := fmt.Sprintf(`document.querySelector(%s).value = ""`, JS(selector))
	run(p, "type into "+selector, chromedp.Steps(
		chromedp.WaitVisible(chromedp.CSS(selector)),
		chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
			_, err := chromedp.Evaluate[chromedp.Void](clear)(ctx, t)
			return err
		}),
		chromedp.SendKeys(chromedp.CSS(selector), text),
	))
}

// Press sends keys to the focused element as key events; use the
// constants of github.com/chromedp/chromedp/kb for keys such as kb.Escape.
func (p *Page) Press(keys string) {
	p.t.Helper()
	run(p, fmt.Sprintf("press %q", keys), chromedp.KeyEvent(keys))
}

// Click clicks the first visible element matching the CSS selector.
func (p *Page) Click(selector string) {
	p.t.Helper()
	run(p, "click "+selector, chromedp.Click(chromedp.CSS(selector)))
}

// Text returns the visible text of the first element matching the CSS selector.
func (p *Page) Text(selector string) string {
	p.t.Helper()
	return run(p, "read the text of "+selector, chromedp.Text(chromedp.CSS(selector)))
}

// Eval evaluates a JavaScript expression in the page and decodes its value
// into T. A promise is awaited.
func Eval[T any](p *Page, expression string) T {
	p.t.Helper()
	return run(p, "evaluate "+expression, chromedp.Evaluate[T](expression, chromedp.EvalAwaitPromise))
}

// WaitFor waits until the JavaScript expression is truthy, for at most the
// browser's timeout.
func (p *Page) WaitFor(expression string) {
	p.t.Helper()
	p.WaitForWithin(expression, p.b.opts.Timeout)
}

// WaitForWithin waits until the JavaScript expression is truthy, for at most
// timeout; on timeout it fails the test with the expression. The wait goes
// on across page loads, so the expression may be about the next page.
func (p *Page) WaitForWithin(expression string, timeout time.Duration) {
	p.t.Helper()
	ctx, cancel := context.WithTimeout(p.ctx, timeout)
	defer cancel()
	for {
		_, err := chromedp.Run(ctx, chromedp.Poll[chromedp.Void](expression,
			chromedp.WithPollingInterval(25*time.Millisecond)))
		if err == nil {
			return
		}
		// A navigation destroys the page the poll ran in; poll the new one.
		select {
		case <-ctx.Done():
			p.t.Fatalf("browsertest: waited %v for `%s`: %v", timeout, expression, err)
		case <-time.After(25 * time.Millisecond):
		}
	}
}

// JS quotes s as a JavaScript string literal, for building expressions
// from Go values.
func JS(s string) string {
	b, _ := json.Marshal(s) // a string always marshals
	return string(b)
}

// Console returns the console messages and exceptions the page has reported
// so far, one line each.
func (p *Page) Console() []string { return p.lines() }

func (p *tab) lines() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]string(nil), p.console...)
}

// record stores every console message until the page closes.
func (p *tab) record(messages iter.Seq2[chromedp.ConsoleMessage, error]) {
	defer close(p.done)
	for m, err := range messages {
		if err != nil {
			return
		}
		line := m.String()
		if m.URL != "" {
			line += fmt.Sprintf(" (%s:%d)", m.URL, m.Line+1)
		}
		if m.IsException() && m.Stack != nil {
			for _, f := range m.Stack.CallFrames {
				line += fmt.Sprintf("\n\tat %s (%s:%d)", f.FunctionName, f.URL, f.LineNumber+1)
			}
		}
		p.mu.Lock()
		p.console = append(p.console, line)
		p.mu.Unlock()
	}
}

func (p *tab) logConsole(t testing.TB) {
	lines := p.lines()
	if len(lines) == 0 {
		t.Logf("browsertest: page %d wrote nothing to its console", p.n)
		return
	}
	t.Logf("browsertest: console of page %d (%d lines):\n%s", p.n, len(lines), strings.Join(lines, "\n"))
}
