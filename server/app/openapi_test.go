package app

import (
	"bytes"
	"encoding/json"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/tickarena/tickarena/game"
	"github.com/tickarena/tickarena/internal/testwait"
	"github.com/tickarena/tickarena/server/apidoc"
	"github.com/tickarena/tickarena/server/leaderboard"
	"github.com/tickarena/tickarena/server/leaderboard/storetest"
	"github.com/tickarena/tickarena/server/realtime"
)

// specFile names the document in failure messages.
const specFile = "server/apidoc/openapi.json"

// notAPI are the route patterns the OpenAPI document leaves out on purpose:
// the site's files (pages, scripts, the game client), the node-to-node API of
// a cluster (docs/cluster.md) and the profiler, which listens on its own
// address (-pprof).
var notAPI = []string{"/", "/static/", "POST /internal/rooms", "GET /internal/rooms/{id}/scoreboard", "POST /internal/evict"}

func isAPI(pattern string) bool {
	return !slices.Contains(notAPI, pattern) && !strings.HasPrefix(pattern, "/debug/pprof/")
}

// openAPI is the parsed document.
type openAPI struct {
	Paths      map[string]map[string]operation `json:"paths"`
	Components struct {
		Schemas map[string]*schema `json:"schemas"`
	} `json:"components"`
}

type operation struct {
	Responses map[string]struct {
		Content map[string]struct {
			Schema *schema `json:"schema"`
		} `json:"content"`
	} `json:"responses"`
}

type schema struct {
	Ref        string             `json:"$ref"`
	Type       string             `json:"type"`
	Properties map[string]*schema `json:"properties"`
	Required   []string           `json:"required"`
	Items      *schema            `json:"items"`
	AllOf      []*schema          `json:"allOf"`
	Enum       []any              `json:"enum"`
}

func loadSpec(t *testing.T) *openAPI {
	t.Helper()
	var doc openAPI
	if err := json.Unmarshal(apidoc.Spec(), &doc); err != nil {
		t.Fatalf("%s is not valid JSON: %v", specFile, err)
	}
	return &doc
}

// sourceRoutes returns every route pattern registered with a string literal
// in the server's (non-test) source, with where it is registered.
func sourceRoutes(t *testing.T) map[string]string {
	t.Helper()
	routes := map[string]string{}
	fset := token.NewFileSet()
	err := filepath.WalkDir("..", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return err
		}
		f, err := parser.ParseFile(fset, path, nil, 0)
		if err != nil {
			return err
		}
		ast.Inspect(f, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok || len(call.Args) != 2 {
				return true
			}
			sel, ok := call.Fun.(*ast.SelectorExpr)
			if !ok || (sel.Sel.Name != "Handle" && sel.Sel.Name != "HandleFunc") {
				return true
			}
			lit, ok := call.Args[0].(*ast.BasicLit)
			if !ok || lit.Kind != token.STRING {
				return true
			}
			pattern, _ := strconv.Unquote(lit.Value)
			if strings.Contains(pattern, "/") {
				routes[pattern] = fset.Position(lit.Pos()).String()
			}
			return true
		})
		return nil
	})
	if err != nil {
		t.Fatalf("read the server's source: %v", err)
	}
	return routes
}

// TestOpenAPIRoutes holds the document against the router: every route the
// server registers is in the document, and every route of the document is
// one the router serves.
func TestOpenAPIRoutes(t *testing.T) {
	doc := loadSpec(t)
	routes := sourceRoutes(t)
	if len(routes) < 10 {
		t.Fatalf("found only %d route patterns in the source: %v", len(routes), routes)
	}
	for pattern, where := range routes {
		if !isAPI(pattern) {
			continue
		}
		method, path, ok := strings.Cut(pattern, " ")
		if !ok {
			t.Errorf("route %q (%s) has no method; the API's routes name one", pattern, where)
			continue
		}
		if _, ok := doc.Paths[path][strings.ToLower(method)]; !ok {
			t.Errorf("route %q (%s) is missing from %s: add paths[%q].%s", pattern, where, specFile, path, strings.ToLower(method))
		}
	}

	n := startNode(t, nil)
	for path, ops := range doc.Paths {
		for method := range ops {
			want := strings.ToUpper(method) + " " + path
			concrete := strings.NewReplacer("{id}", "x", "{player}", "x").Replace(path)
			req := httptest.NewRequest(strings.ToUpper(method), concrete, nil)
			if _, got := n.app.mux.Handler(req); got != want {
				t.Errorf("%s documents %q, but the router matches %s %s with %q", specFile, want, req.Method, concrete, got)
			}
		}
	}
}

// apiCall is one request of TestOpenAPIResponses.
type apiCall struct {
	method, path string // path as in the document, e.g. /api/rooms/{id}
	url          string // the concrete path and query
	token        string
	contentType  string // default application/json when there is a body
	body         any
	header       http.Header
}

// TestOpenAPIResponses calls every operation of the document on a real node
// and holds each answer to it: the status is one the document lists, and a
// JSON body has every required field of the documented schema with its type,
// and no field the schema does not describe.
func TestOpenAPIResponses(t *testing.T) {
	doc := loadSpec(t)
	n := startNode(t, nil)
	exercised := map[string]bool{} // "get /path" answered 2xx or 101

	do := func(c apiCall) map[string]any {
		t.Helper()
		var body io.Reader
		if c.body != nil {
			b, _ := json.Marshal(c.body)
			body = bytes.NewReader(b)
		}
		req, _ := http.NewRequest(c.method, n.base+c.url, body)
		for k, v := range c.header {
			req.Header[k] = v
		}
		if c.body != nil {
			ct := c.contentType
			if ct == "" {
				ct = "application/json"
			}
			req.Header.Set("Content-Type", ct)
		}
		if c.token != "" {
			req.Header.Set("Authorization", "Bearer "+c.token)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatalf("%s %s: %v", c.method, c.url, err)
		}
		raw, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		op, ok := doc.Paths[c.path][strings.ToLower(c.method)]
		if !ok {
			t.Fatalf("the test calls %s %s, which %s does not document", c.method, c.path, specFile)
		}
		status := strconv.Itoa(resp.StatusCode)
		r, ok := op.Responses[status]
		if !ok {
			t.Errorf("%s %s answered %d (%.120s), a status %s does not list for %s %s", c.method, c.url, resp.StatusCode, raw, specFile, c.method, c.path)
			return nil
		}
		if resp.StatusCode < 300 {
			exercised[strings.ToLower(c.method)+" "+c.path] = true
		}
		media, ok := r.Content["application/json"]
		if !ok || media.Schema == nil {
			return nil
		}
		if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
			t.Errorf("%s %s answered %d with Content-Type %q; %s says application/json", c.method, c.url, resp.StatusCode, ct, specFile)
			return nil
		}
		var v any
		if err := json.Unmarshal(raw, &v); err != nil {
			t.Errorf("%s %s answered %d with a body that is not JSON: %v", c.method, c.url, resp.StatusCode, err)
			return nil
		}
		where := fmt.Sprintf("%s %s → %d", c.method, c.path, resp.StatusCode)
		for _, p := range doc.check(media.Schema, v, "body") {
			t.Errorf("%s: %s (%s)", where, p, specFile)
		}
		m, _ := v.(map[string]any)
		return m
	}
	str := func(m map[string]any, k string) string {
		t.Helper()
		s, ok := m[k].(string)
		if !ok {
			t.Fatalf("no %q in %v", k, m)
		}
		return s
	}

	// Sessions.
	s := do(apiCall{method: "POST", path: "/api/session", url: "/api/session", body: map[string]string{"name": "Ada"}})
	token, playerID := str(s, "token"), str(s, "player_id")
	do(apiCall{method: "POST", path: "/api/session", url: "/api/session", body: map[string]string{"name": ""}})
	do(apiCall{method: "POST", path: "/api/session", url: "/api/session", body: "Ada", contentType: "text/plain"})

	// The lobby.
	do(apiCall{method: "GET", path: "/api/rooms", url: "/api/rooms"})
	private := do(apiCall{method: "POST", path: "/api/rooms", url: "/api/rooms", token: token,
		body: map[string]any{"name": "Friends", "public": false}})
	do(apiCall{method: "POST", path: "/api/rooms", url: "/api/rooms", body: map[string]any{"name": "Nobody's"}})
	do(apiCall{method: "POST", path: "/api/rooms", url: "/api/rooms", token: token, body: map[string]any{"capacity": 100000}})
	play := do(apiCall{method: "POST", path: "/api/play", url: "/api/play", token: token})
	do(apiCall{method: "POST", path: "/api/join", url: "/api/join", token: token, body: map[string]string{"code": str(private, "code")}})
	do(apiCall{method: "POST", path: "/api/join", url: "/api/join", token: token, body: map[string]string{"code": "ZZZZZZ"}})
	do(apiCall{method: "POST", path: "/api/join", url: "/api/join", token: token, body: map[string]string{}})
	room := str(play, "id")
	testwait.Until(t, testwait.Default, "the room's scoreboard to list its bots", func() bool {
		_, body := n.Text(t, "/api/rooms/"+room)
		return strings.Contains(body, `"scoreboard":[{`)
	})
	do(apiCall{method: "GET", path: "/api/rooms/{id}", url: "/api/rooms/" + room})
	do(apiCall{method: "GET", path: "/api/rooms/{id}", url: "/api/rooms/nowhere"})

	// The leaderboard, after one recorded round.
	n.app.recordRound(realtime.RoundRecord{RoomID: room, RoomName: "Arena 1", Round: 1, EndedAt: time.Now(),
		Players: []leaderboard.PlayerResult{
			{PlayerID: playerID, PlayerResult: game.PlayerResult{Name: "Ada", Score: 120, Kills: 1, Placement: 1}},
			{PlayerID: "bot-" + room + "-1025", PlayerResult: game.PlayerResult{Name: "Bot 1", Bot: true, Score: 80, Deaths: 1, Placement: 2}},
		}, Replay: storetest.NewRecording(t, 1)})
	testwait.Until(t, testwait.Default, "the round to reach the leaderboard", func() bool {
		_, body := n.Text(t, "/api/leaderboard")
		return strings.Contains(body, playerID)
	})
	do(apiCall{method: "GET", path: "/api/leaderboard", url: "/api/leaderboard?board=kills&period=weekly&limit=10"})
	do(apiCall{method: "GET", path: "/api/leaderboard", url: "/api/leaderboard?board=luck"})
	do(apiCall{method: "GET", path: "/api/leaderboard/around/{player}", url: "/api/leaderboard/around/" + playerID + "?n=2"})
	do(apiCall{method: "GET", path: "/api/leaderboard/around/{player}", url: "/api/leaderboard/around/nobody"})
	stats := do(apiCall{method: "GET", path: "/api/players/{id}", url: "/api/players/" + playerID})
	recent, _ := stats["recent"].([]any)
	if len(recent) == 0 {
		t.Fatalf("no recent round in %v", stats)
	}
	roundID := str(recent[0].(map[string]any), "round_id")
	do(apiCall{method: "GET", path: "/api/rounds/{id}", url: "/api/rounds/" + url.PathEscape(roundID)})
	do(apiCall{method: "GET", path: "/api/rounds/{id}", url: "/api/rounds/nothing"})
	byNumber := do(apiCall{method: "GET", path: "/api/rounds", url: "/api/rounds?round=1&room=" + url.QueryEscape(room)})
	if found, _ := byNumber["rounds"].([]any); len(found) != 1 || found[0].(map[string]any)["id"] != roundID {
		t.Errorf("GET /api/rounds?round=1&room=%s = %v; want round %s", room, byNumber, roundID)
	}
	do(apiCall{method: "GET", path: "/api/rounds", url: "/api/rounds?round=2&room=" + url.QueryEscape(room)})
	do(apiCall{method: "GET", path: "/api/rounds", url: "/api/rounds?round=0&room=" + url.QueryEscape(room)})
	do(apiCall{method: "GET", path: "/api/rounds/{id}/replay", url: "/api/rounds/" + url.PathEscape(roundID) + "/replay"})
	do(apiCall{method: "GET", path: "/api/rounds/{id}/replay", url: "/api/rounds/nothing/replay"})
	do(apiCall{method: "GET", path: "/replay/{id}", url: "/replay/" + url.PathEscape(roundID) + "?t=1"})
	do(apiCall{method: "GET", path: "/replay/{id}", url: "/replay/nothing"})
	do(apiCall{method: "GET", path: "/api/players/{id}", url: "/api/players/nobody"})
	do(apiCall{method: "GET", path: "/leaderboard", url: "/leaderboard?q=Ad"})
	do(apiCall{method: "GET", path: "/leaderboard/players/{id}", url: "/leaderboard/players/" + playerID})
	do(apiCall{method: "GET", path: "/leaderboard/players/{id}", url: "/leaderboard/players/nobody"})

	// The game's WebSocket: a real upgrade, and the refusals before one.
	p, resp, err := dialGame(t, n.base, "")
	if err != nil {
		t.Fatalf("dial the game: %v", err)
	}
	if resp.StatusCode == http.StatusSwitchingProtocols {
		exercised["get /ws"] = true
	}
	_ = p
	do(apiCall{method: "GET", path: "/ws", url: "/ws", header: http.Header{"Origin": {"https://evil.example"},
		"Connection": {"Upgrade"}, "Upgrade": {"websocket"}, "Sec-Websocket-Version": {"13"}, "Sec-Websocket-Key": {"dGhlIHNhbXBsZSBub25jZQ=="}}})
	do(apiCall{method: "GET", path: "/ws", url: "/ws"})

	// The host's endpoints and this document.
	for _, path := range []string{"/healthz", "/readyz", "/status", "/metrics", "/api/openapi.json"} {
		do(apiCall{method: "GET", path: path, url: path})
	}

	var missing []string
	for path, ops := range doc.Paths {
		for method := range ops {
			if !exercised[method+" "+path] {
				missing = append(missing, strings.ToUpper(method)+" "+path)
			}
		}
	}
	sort.Strings(missing)
	for _, m := range missing {
		t.Errorf("%s documents %s, but TestOpenAPIResponses never got a successful answer from it: add a call", specFile, m)
	}
}

// check returns what is wrong with v against s: a required field missing, a
// field of the wrong type, or a field s does not describe.
func (doc *openAPI) check(s *schema, v any, at string) []string {
	s = doc.resolve(s)
	if len(s.AllOf) > 0 {
		merged := &schema{Type: "object", Properties: map[string]*schema{}}
		for _, part := range s.AllOf {
			part = doc.resolve(part)
			for k, p := range part.Properties {
				merged.Properties[k] = p
			}
			merged.Required = append(merged.Required, part.Required...)
		}
		s = merged
	}
	if s.Type != "" && !hasType(s.Type, v) {
		return []string{fmt.Sprintf("%s is %s, the document says %s", at, jsonType(v), s.Type)}
	}
	if len(s.Enum) > 0 && !slices.Contains(s.Enum, v) {
		return []string{fmt.Sprintf("%s is %v, not one of %v", at, v, s.Enum)}
	}
	var problems []string
	switch x := v.(type) {
	case map[string]any:
		for _, k := range s.Required {
			if _, ok := x[k]; !ok {
				problems = append(problems, fmt.Sprintf("%s has no field %q", at, k))
			}
		}
		for k, fv := range x {
			p, ok := s.Properties[k]
			if !ok {
				if s.Properties != nil {
					problems = append(problems, fmt.Sprintf("%s.%s is not in the document", at, k))
				}
				continue
			}
			problems = append(problems, doc.check(p, fv, at+"."+k)...)
		}
	case []any:
		if s.Items != nil {
			for i, e := range x {
				problems = append(problems, doc.check(s.Items, e, fmt.Sprintf("%s[%d]", at, i))...)
			}
		}
	}
	return problems
}

func (doc *openAPI) resolve(s *schema) *schema {
	for s.Ref != "" {
		name := strings.TrimPrefix(s.Ref, "#/components/schemas/")
		r, ok := doc.Components.Schemas[name]
		if !ok {
			return &schema{Type: "unresolved reference " + s.Ref}
		}
		s = r
	}
	return s
}

func hasType(typ string, v any) bool {
	switch typ {
	case "integer":
		f, ok := v.(float64)
		return ok && f == float64(int64(f))
	case "number":
		_, ok := v.(float64)
		return ok
	}
	return jsonType(v) == typ
}

func jsonType(v any) string {
	switch v.(type) {
	case map[string]any:
		return "object"
	case []any:
		return "array"
	case string:
		return "string"
	case float64:
		return "number"
	case bool:
		return "boolean"
	case nil:
		return "null"
	}
	return fmt.Sprintf("%T", v)
}
