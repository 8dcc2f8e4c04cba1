package leaderboard_test

import (
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/tickarena/tickarena/server/leaderboard"
	"github.com/tickarena/tickarena/server/leaderboard/storetest"
)

// getHTML fetches path and checks its status and that it is an HTML page.
func (s *server) getHTML(t *testing.T, path string, status int) string {
	t.Helper()
	code, ct, body := s.get(t, path)
	if code != status || !strings.HasPrefix(ct, "text/html") {
		t.Fatalf("GET %s = %d %s; want %d HTML\n%s", path, code, ct, status, body)
	}
	if !strings.Contains(body, `href="/"`) {
		t.Errorf("GET %s: no link back to the lobby", path)
	}
	return body
}

var hrefRe = regexp.MustCompile(`<a href="([^"]*)" rel="(next|prev)">`)

// pageLinks returns the next and previous links of a board page.
func pageLinks(body string) (next, prev string) {
	for _, m := range hrefRe.FindAllStringSubmatch(body, -1) {
		href := strings.ReplaceAll(m[1], "&amp;", "&")
		if m[2] == "next" {
			next = href
		} else {
			prev = href
		}
	}
	return next, prev
}

func TestBoardPage(t *testing.T) {
	srv := startServer(t)
	fill(t, srv.store, "r1", storetest.Sunday, 45)
	body := srv.getHTML(t, "/leaderboard", http.StatusOK)
	for _, want := range []string{
		`aria-current="page">Best score</a>`, `aria-current="page">All time</a>`,
		`href="/leaderboard?board=kills&amp;period=all"`, `href="/leaderboard?board=score&amp;period=weekly"`,
		`<form class="search" method="get" action="/leaderboard"`, `name="q"`,
		`<bdi>Pilot 0</bdi>`, `href="/leaderboard/players/p000"`, "45 pilots",
	} {
		if !strings.Contains(body, want) {
			t.Errorf("board page lacks %s", want)
		}
	}
	if strings.Contains(body, "<script") {
		t.Error("the board page carries a script; it must work without JavaScript")
	}

	// Walk the pages with the links, as a reader without JavaScript would.
	var seen []string
	path, pages := "/leaderboard", 0
	for path != "" {
		body := srv.getHTML(t, path, http.StatusOK)
		seen = append(seen, regexp.MustCompile(`<bdi>Pilot \d+</bdi>`).FindAllString(body, -1)...)
		next, prev := pageLinks(body)
		if (pages > 0) != (prev != "") {
			t.Errorf("page %d: previous link %q", pages, prev)
		}
		path = next
		pages++
	}
	if pages != 3 || len(seen) != 45 || seen[44] != "<bdi>Pilot 44</bdi>" {
		t.Errorf("walked %d pages, %d rows; want 3 pages, 45 rows in order", pages, len(seen))
	}

	// The previous link of the last page leads back to the middle one.
	second := srv.getHTML(t, "/leaderboard?cursor="+url.QueryEscape(leaderboard.EncodeCursor(leaderboard.BoardScore, "all", 40)), http.StatusOK)
	_, prev := pageLinks(second)
	if middle := srv.getHTML(t, prev, http.StatusOK); !strings.Contains(middle, "<bdi>Pilot 20</bdi>") || strings.Contains(middle, "<bdi>Pilot 19</bdi>") {
		t.Errorf("previous of the last page is not the second page")
	}
}

func TestBoardPageStates(t *testing.T) {
	srv := startServer(t)
	tests := []struct {
		name   string
		path   string
		status int
		want   string
	}{
		{"empty board", "/leaderboard?period=daily", http.StatusOK, "No rounds finished in this period yet"},
		{"bad board", "/leaderboard?board=%3Cb%3E", http.StatusBadRequest, "board must be one of"},
		{"bad period", "/leaderboard?period=monthly", http.StatusBadRequest, "period must be one of"},
		{"tampered cursor", "/leaderboard?cursor=AAAA", http.StatusBadRequest, "expired or is damaged"},
		{"search too long", "/leaderboard?q=" + strings.Repeat("x", leaderboard.MaxQueryLen+1), http.StatusBadRequest, "at most 32"},
		{"unknown player", "/leaderboard/players/nobody", http.StatusNotFound, "No player with that id"},
		{"search without match", "/leaderboard?q=zzz", http.StatusOK, "No pilot goes by that name"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if body := srv.getHTML(t, tt.path, tt.status); !strings.Contains(body, tt.want) {
				t.Errorf("page lacks %q:\n%s", tt.want, body)
			}
		})
	}
}

func TestPlayerPage(t *testing.T) {
	srv := startServer(t)
	storetest.MustRecord(t, srv.store, storetest.Round("r1", storetest.Sunday,
		storetest.Line("ann", "Ann", 1500, 3, 1), storetest.Line("bob", "Bob", 40, 1, 2)))
	body := srv.getHTML(t, "/leaderboard/players/ann", http.StatusOK)
	for _, want := range []string{"<h1><bdi>Ann</bdi></h1>", "1\u202f500", "#1", "Room r1", "2026-03-01 23:30 UTC"} {
		if !strings.Contains(body, want) {
			t.Errorf("player page lacks %q", want)
		}
	}
}

// hostile names a player could choose; the server only limits their length.
var hostile = []struct {
	name, raw, escaped string
}{
	{"script", `<script>alert(1)</script>`, `&lt;script&gt;alert(1)&lt;/script&gt;`},
	{"quotes", `"><img src=x onerror=alert(2)>'`, `&#34;&gt;&lt;img src=x onerror=alert(2)&gt;&#39;`},
	{"right to left override", "\u202Eevil\u202C", "<bdi>\u202Eevil\u202C</bdi>"},
	{"arabic", "لاعب", "<bdi>لاعب</bdi>"},
}

func TestPagesEscapeNames(t *testing.T) {
	srv := startServer(t)
	var lines []leaderboard.PlayerResult
	for i, h := range hostile {
		lines = append(lines, storetest.Line(fmt.Sprintf("h%d", i), h.raw, int64(100-i), 1, i+1))
	}
	r := storetest.Round("evil", storetest.Sunday, lines...)
	r.RoomName = `<script>alert("room")</script>`
	storetest.MustRecord(t, srv.store, r)
	pages := map[string]string{
		"board":  srv.getHTML(t, "/leaderboard", http.StatusOK),
		"search": srv.getHTML(t, "/leaderboard?q="+url.QueryEscape("<script>"), http.StatusOK),
	}
	for i := range hostile {
		pages[fmt.Sprintf("player h%d", i)] = srv.getHTML(t, fmt.Sprintf("/leaderboard/players/h%d", i), http.StatusOK)
	}
	for page, body := range pages {
		if strings.Contains(body, "<script") || strings.Contains(body, "<img") {
			t.Errorf("%s page carries raw markup from a name", page)
		}
	}
	for i, h := range hostile {
		for _, page := range []string{"board", fmt.Sprintf("player h%d", i)} {
			if !strings.Contains(pages[page], h.escaped) {
				t.Errorf("%s page: name %s not shown escaped and isolated as %s", page, h.name, h.escaped)
			}
		}
	}
	if !strings.Contains(pages["search"], "<bdi>&lt;script&gt;</bdi>") || !strings.Contains(pages["search"], hostile[0].escaped) {
		t.Error("search page does not show the query and the match escaped")
	}
	if !strings.Contains(pages["player h0"], "&lt;script&gt;alert(&#34;room&#34;)&lt;/script&gt;") {
		t.Error("player page does not escape the room name")
	}
	_, _, js := srv.get(t, "/api/leaderboard")
	if strings.Contains(js, "<script") {
		t.Error("JSON carries a raw <script> tag")
	}
}

// Each row of a board links to the round behind the entry: the round of the
// best score, the last round that added kills.
func TestBoardPageLinksRounds(t *testing.T) {
	srv := startServer(t)
	storetest.MustRecord(t, srv.store,
		storetest.Round("early", storetest.Sunday.Add(-2*time.Hour), storetest.Line("a", "Al", 90, 1, 1), storetest.Line("b", "Bo", 10, 0, 2)),
		storetest.Round("late", storetest.Sunday.Add(-time.Hour), storetest.Line("a", "Al", 50, 3, 1), storetest.Line("b", "Bo", 20, 0, 2)))
	tests := []struct {
		path string
		want []string
	}{
		{"/leaderboard", []string{`href="/replay/early"`, `href="/replay/late"`}}, // Al's best in early, Bo's in late
		{"/leaderboard?board=kills&period=all", []string{`href="/replay/late"`}},
	}
	for _, tt := range tests {
		body := srv.getHTML(t, tt.path, http.StatusOK)
		for _, w := range tt.want {
			if !strings.Contains(body, w) {
				t.Errorf("%s lacks %s", tt.path, w)
			}
		}
	}
	var page leaderboard.Page
	srv.getJSON(t, "/api/leaderboard?board=score&period=all", http.StatusOK, &page)
	if len(page.Entries) != 2 {
		t.Fatalf("GET /api/leaderboard: %+v", page)
	}
	if page.Entries[0].RoundID != "early" || page.Entries[1].RoundID != "late" {
		t.Errorf("entries' rounds = %q, %q; want early (Al's best) and late (Bo's best)", page.Entries[0].RoundID, page.Entries[1].RoundID)
	}
}
