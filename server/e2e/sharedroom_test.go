package e2e

import (
	"net/url"
	"strings"
	"testing"

	"github.com/tickarena/tickarena/internal/browsertest"
)

// TestSharedRoomLink follows a private room's link: its creator sees
// /r/CODE with a copy button; a friend with no name yet opens the link, is
// asked for a name, and Play puts them in that room; a link to a room that is gone
// says so and offers quick play.
func TestSharedRoomLink(t *testing.T) {
	requireClient(t)
	srv := startServer(t)
	b := browsertest.New(t, browserOptions)
	host, friend := b.NewPage(), b.NewPage()

	// 1. The host creates a private room and gets its link.
	host.Navigate(srv.URL + "/")
	host.Type("#name", "Host")
	host.Type("#room-name", "Friends only")
	browsertest.Eval[bool](host, `(() => { document.getElementById("public").checked = false; return true })()`)
	host.Click(`#create-form button[type=submit]`)
	host.WaitFor(`!document.getElementById("created").hidden`)
	link := host.Text("#created-link")
	code := host.Text("#created-code")
	host.Screenshot("private room link")
	u, err := url.Parse(link)
	if err != nil || u.Path != "/r/"+code || !strings.HasPrefix(link, srv.URL) {
		t.Fatalf("the room's link is %q, want %s/r/%s", link, srv.URL, code)
	}
	if got := host.Text("#copy-code"); got != "Copy link" {
		t.Errorf("the copy button says %q, want \"Copy link\"", got)
	}
	// The host's Enter button names the room; the host need not load the
	// game for the link to work (and an empty room is closed after a
	// minute, which a slow machine can spend loading the game twice).
	host.Click("#enter-created")
	host.WaitFor(`location.pathname === "/play"`)
	room := browsertest.Eval[string](host, `new URLSearchParams(location.search).get("room") || ""`)
	host.Navigate("about:blank")

	// 2. A friend without a name opens the link: asked for a name, then in.
	friend.Navigate(link)
	friend.WaitFor(`!document.getElementById("message").hidden`)
	if msg := friend.Text("#message"); !strings.Contains(msg, code) || !strings.Contains(msg, "name") {
		t.Errorf("the friend sees %q, want to be asked for a name to join room %s", msg, code)
	}
	friend.Screenshot("invited, asked for a name")
	friend.Type("#name", "Friend")
	friend.Click("#play") // Play joins the room of the link
	friend.WaitForWithin(playing, loadWithin)
	if got := readHook(friend).Room; got != room {
		t.Errorf("the friend is in room %q, want the host's %q", got, room)
	}

	// 3. A link to a room that is gone says so and offers quick play; the
	// friend's name is kept, so the lobby tries at once.
	friend.Navigate(srv.URL + "/r/GONE99")
	friend.WaitFor(`!document.getElementById("message").hidden && document.getElementById("message").textContent.includes("GONE99")`)
	msg := friend.Text("#message")
	friend.Screenshot("room gone")
	if !strings.Contains(msg, "finished") || !strings.Contains(msg, "Play") {
		t.Errorf("a gone room shows %q, want it to say the room finished and offer Play", msg)
	}
	if id := browsertest.Eval[string](friend, `document.activeElement ? document.activeElement.id : ""`); id != "play" {
		t.Errorf("the focus is on %q, want the Play (quick play) button", id)
	}
	friend.Click("#play")
	friend.WaitForWithin(playing, loadWithin)
}
