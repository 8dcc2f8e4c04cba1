package leaderboard

import (
	"bytes"
	"embed"
	"errors"
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"time"
)

//go:embed templates/*.html
var templateFS embed.FS

// pages holds the parsed HTML templates, one per page.
type pages struct {
	board, player, problem *template.Template
}

func mustParsePages() *pages {
	parse := func(name string) *template.Template {
		return template.Must(template.New("layout.html").Funcs(template.FuncMap{
			"number":    formatNumber,
			"when":      dateTime,
			"playerURL": PlayerURL,
			"watchURL":  WatchURL,
		}).ParseFS(templateFS, "templates/layout.html", "templates/"+name))
	}
	return &pages{board: parse("board.html"), player: parse("player.html"), problem: parse("problem.html")}
}

// formatNumber writes n with thin separators between thousands: 1 234 567.
func formatNumber(n int64) string {
	s := strconv.FormatInt(n, 10)
	neg := n < 0
	if neg {
		s = s[1:]
	}
	var out []byte
	for i := range len(s) {
		if i > 0 && (len(s)-i)%3 == 0 {
			out = append(out, "\u202f"...)
		}
		out = append(out, s[i])
	}
	if neg {
		return "-" + string(out)
	}
	return string(out)
}

// link is a tab or a pagination link.
type link struct {
	Label  string
	URL    string
	Active bool
}

// boardPage is the data of board.html.
type boardPage struct {
	Title   string
	Board   Board
	Period  Period
	Boards  []link
	Periods []link
	Page    Page
	Prev    string
	Next    string
	Query   string
	Results []Entry
	Search  bool
	// Notice, when set, says that results are not being recorded.
	Notice string
}

// playerPage is the data of player.html.
type playerPage struct {
	Title   string
	Stats   PlayerStats
	Rows    []standingRow
	Periods []Period
	// Notice, when set, says that results are not being recorded.
	Notice string
}

// standingRow is one board's line on a player's page, a cell per period.
type standingRow struct {
	Board Board
	Cells []*Standing
}

// problemPage is the data of problem.html.
type problemPage struct {
	Title   string
	Status  int
	Message string
}

// notice is what the pages say while the store has failed.
func (h *Handler) notice() string {
	if h.health.Err() == nil {
		return ""
	}
	return "Results are not being recorded at the moment: the leaderboard's database has failed and the host has been told. Rounds played now will not appear here."
}

// boardURL is the address of the board page for b and p, at cursor.
func boardURL(b Board, p Period, cursor string) string {
	q := url.Values{}
	q.Set("board", string(b))
	q.Set("period", string(p))
	if cursor != "" {
		q.Set("cursor", cursor)
	}
	return "/leaderboard?" + q.Encode()
}

// PlayerURL is the address of a player's HTML page.
func PlayerURL(id string) string { return "/leaderboard/players/" + url.PathEscape(id) }

func (h *Handler) serveBoardPage(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	b, p, err := boardParams(q)
	if err == nil {
		var search string
		if search, err = searchParam(q); err == nil {
			h.renderBoard(w, r, b, p, q.Get("cursor"), search)
			return
		}
	}
	h.renderProblem(w, r, err)
}

func (h *Handler) renderBoard(w http.ResponseWriter, r *http.Request, b Board, p Period, cursor, search string) {
	page, err := h.store.Top(r.Context(), b, p, time.Now(), DefaultLimit, cursor)
	if err != nil {
		h.renderProblem(w, r, err)
		return
	}
	data := boardPage{Title: b.Title() + " · " + p.Title(), Board: b, Period: p, Page: page, Query: search, Search: search != "", Notice: h.notice()}
	for _, x := range Boards {
		data.Boards = append(data.Boards, link{Label: x.Title(), URL: boardURL(x, p, ""), Active: x == b})
	}
	for _, x := range Periods {
		data.Periods = append(data.Periods, link{Label: x.Title(), URL: boardURL(b, x, ""), Active: x == p})
	}
	if page.Offset > 0 {
		data.Prev = boardURL(b, p, page.PrevCursor)
	}
	if page.NextCursor != "" {
		data.Next = boardURL(b, p, page.NextCursor)
	}
	if data.Search {
		if data.Results, err = h.store.Search(r.Context(), search, MaxSearch); err != nil {
			h.renderProblem(w, r, err)
			return
		}
	}
	h.render(w, h.pages.board, http.StatusOK, data)
}

func (h *Handler) servePlayerPage(w http.ResponseWriter, r *http.Request) {
	ps, err := h.store.Player(r.Context(), r.PathValue("id"), time.Now())
	if err != nil {
		h.renderProblem(w, r, err)
		return
	}
	data := playerPage{Title: ps.Name, Stats: ps, Periods: Periods, Notice: h.notice()}
	for _, b := range Boards {
		row := standingRow{Board: b, Cells: make([]*Standing, len(Periods))}
		for i, p := range Periods {
			for j := range ps.Standings {
				if st := &ps.Standings[j]; st.Board == b && st.Period == p {
					row.Cells[i] = st
				}
			}
		}
		data.Rows = append(data.Rows, row)
	}
	h.render(w, h.pages.player, http.StatusOK, data)
}

// renderProblem answers err as an HTML page with the status writeError would use.
func (h *Handler) renderProblem(w http.ResponseWriter, r *http.Request, err error) {
	var data problemPage
	var pe *paramError
	switch {
	case errors.As(err, &pe):
		data.Status, data.Message = http.StatusBadRequest, "That link is not valid: "+pe.msg+"."
	case errors.Is(err, ErrInvalidCursor):
		data.Status, data.Message = http.StatusBadRequest, "That page link has expired or is damaged. Start again from the first page."
	case errors.Is(err, ErrNotFound):
		data.Status, data.Message = http.StatusNotFound, "No player with that id has finished a round yet."
	default:
		f := h.storeFailure(r, err)
		data.Status, data.Message = f.status, f.page
		if f.retryAfter != "" {
			w.Header().Set("Retry-After", f.retryAfter)
		}
	}
	data.Title = http.StatusText(data.Status)
	h.render(w, h.pages.problem, data.Status, data)
}

// render executes t into a buffer first so that a template error becomes a
// clean 500 rather than half a page.
func (h *Handler) render(w http.ResponseWriter, t *template.Template, status int, data any) {
	var buf bytes.Buffer
	if err := t.Execute(&buf, data); err != nil {
		h.log.Error("render leaderboard page", "err", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	hd := w.Header()
	hd.Set("Content-Type", "text/html; charset=utf-8")
	hd.Set("X-Content-Type-Options", "nosniff")
	hd.Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; img-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'")
	hd.Set("Referrer-Policy", "same-origin")
	hd.Set("Cache-Control", "no-cache")
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}

// dateTime formats a round's end for tables.
func dateTime(t time.Time) string { return t.UTC().Format("2006-01-02 15:04 UTC") }
