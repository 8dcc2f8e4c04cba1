package browsertest_test

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/tickarena/tickarena/internal/browsertest"
)

const testPage = `<!doctype html>
<title>harness</title>
<label for="who">Who</label><input id="who">
<button id="go" onclick="document.getElementById('out').textContent = 'hello ' + document.getElementById('who').value; localStorage.setItem('who', document.getElementById('who').value)">Go</button>
<p id="out"></p>
<script>
console.log("page ready", 42);
setTimeout(() => { document.body.dataset.late = "yes"; }, 200);
setTimeout(() => { throw new Error("boom from the page"); }, 0);
</script>`

func serve(t *testing.T) string {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_, _ = w.Write([]byte(testPage))
	}))
	t.Cleanup(srv.Close)
	return srv.URL
}

func TestPageHelpers(t *testing.T) {
	url := serve(t)
	b := browsertest.New(t, browsertest.Options{})
	alice, bob := b.NewPage(), b.NewPage()

	alice.Navigate(url)
	alice.Type("#who", "Alice <b>")
	alice.Click("#go")
	alice.WaitFor(`document.getElementById("out").textContent !== ""`)
	if got := alice.Text("#out"); got != "hello Alice <b>" {
		t.Errorf("text after click = %q, want %q", got, "hello Alice <b>")
	}
	alice.WaitFor(`document.body.dataset.late === "yes"`)

	t.Run("separate storage", func(t *testing.T) {
		alice, bob := alice.In(t), bob.In(t)
		if got := browsertest.Eval[string](alice, `localStorage.getItem("who")`); got != "Alice <b>" {
			t.Errorf("alice's localStorage = %q", got)
		}
		bob.Navigate(url)
		if got := browsertest.Eval[*string](bob, `localStorage.getItem("who")`); got != nil {
			t.Errorf("bob sees alice's localStorage: %q", *got)
		}
	})

	t.Run("eval", func(t *testing.T) {
		alice := alice.In(t)
		if got := browsertest.Eval[int](alice, `Promise.resolve(6 * 7)`); got != 42 {
			t.Errorf("Eval = %d, want 42", got)
		}
		if got := browsertest.Eval[string](alice, browsertest.JS(`quote " and \ and </script>`)); got != `quote " and \ and </script>` {
			t.Errorf("JS round trip = %q", got)
		}
		if got := browsertest.Eval[[2]int](alice, `[innerWidth, innerHeight]`); got != [2]int{1280, 800} {
			t.Errorf("viewport = %v, want 1280×800", got)
		}
	})

	t.Run("console", func(t *testing.T) {
		alice := alice.In(t)
		alice.WaitFor(`true`) // let the console events arrive
		lines := alice.Console()
		hasLog := slices.ContainsFunc(lines, func(l string) bool { return strings.Contains(l, "page ready 42") })
		hasErr := slices.ContainsFunc(lines, func(l string) bool { return strings.Contains(l, "boom from the page") })
		if !hasLog || !hasErr {
			t.Errorf("console = %q, want the log line and the exception", lines)
		}
	})

	t.Run("screenshot", func(t *testing.T) {
		alice := alice.In(t)
		path := alice.Screenshot("after click")
		if !strings.Contains(filepath.ToSlash(path), "/artifacts/screenshots/TestPageHelpers/") ||
			!strings.HasSuffix(path, "-after_click.png") {
			t.Errorf("screenshot path = %s", path)
		}
		png, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.HasPrefix(png, []byte("\x89PNG\r\n\x1a\n")) {
			t.Errorf("screenshot is not a PNG: % x", png[:min(8, len(png))])
		}
	})
}

func TestWebGL(t *testing.T) {
	b := browsertest.New(t, browsertest.Options{})
	p := b.NewPage()
	p.Navigate("about:blank")
	ok := browsertest.Eval[bool](p, `!!document.createElement("canvas").getContext("webgl2")`)
	if !ok {
		t.Error("no WebGL2 context: Ebiten could not draw in this browser")
	}
}
