package browsertest

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/chromedp/chromedp"
	"github.com/tickarena/tickarena/internal/servertest"
)

// Screenshot saves a PNG of the page's viewport as
// artifacts/screenshots/<TestName>/<n>-<name>.png at the repository root and
// returns its path. n counts the screenshots of the test, so the files sort
// in the order they were taken. It waits up to four times the browser's
// Timeout: without a GPU, the first frame of a browser can take many
// seconds on a busy machine while SwiftShader warms up.
func (p *Page) Screenshot(name string) string {
	p.t.Helper()
	png := runWithin(p, "screenshot "+name, 4*p.b.opts.Timeout, chromedp.CaptureScreenshot())
	file, err := p.save(name, png)
	if err != nil {
		p.t.Fatalf("browsertest: screenshot %s: %v", name, err)
	}
	p.t.Logf("browsertest: screenshot %s", file)
	return file
}

// failureScreenshot saves what the page shows when its test has failed;
// it only logs its own errors, the test has failed already.
func (p *tab) failureScreenshot() {
	ctx, cancel := context.WithTimeout(p.ctx, p.b.opts.Timeout)
	defer cancel()
	png, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
	if err == nil {
		var file string
		if file, err = p.save(fmt.Sprintf("failed-page%d", p.n), png); err == nil {
			p.b.t.Logf("browsertest: page %d at the failure: %s", p.n, file)
			return
		}
	}
	p.b.t.Logf("browsertest: no screenshot of page %d at the failure: %v", p.n, err)
}

// save writes a PNG as the test's next numbered screenshot.
func (p *tab) save(name string, png []byte) (string, error) {
	root, err := servertest.RepoRoot()
	if err != nil {
		return "", err
	}
	dir := filepath.Join(root, "artifacts", "screenshots", safeName(p.b.t.Name()))
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", fmt.Errorf("create %s: %w", dir, err)
	}
	file := filepath.Join(dir, fmt.Sprintf("%02d-%s.png", p.b.nextShot(), safeName(name)))
	if err := os.WriteFile(file, png, 0o644); err != nil {
		return "", fmt.Errorf("write %s: %w", file, err)
	}
	return file, nil
}

// safeName turns a test or screenshot name into one path element.
func safeName(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '-', r == '_', r == '.':
			return r
		}
		return '_'
	}, s)
}
