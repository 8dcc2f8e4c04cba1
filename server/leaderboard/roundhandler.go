package leaderboard

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"math"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/tickarena/tickarena/server/httpjson"
)

// ReplayContentType is the media type of a replay file.
const ReplayContentType = "application/vnd.tickarena.replay"

// replayCacheControl lets browsers and caches keep a replay: a round's file
// never changes once stored.
const replayCacheControl = "public, max-age=31536000, immutable"

// rounds returns the store's round lookups, or nil when it keeps none.
func (h *Handler) rounds() RoundStore {
	rs, _ := h.store.(RoundStore)
	return rs
}

// writeRoundError answers a failed round or replay lookup: 404 with a JSON
// message for an unknown round or a replay not kept, else as writeError.
func (h *Handler) writeRoundError(w http.ResponseWriter, r *http.Request, err error, msg string) {
	if errors.Is(err, ErrNotFound) {
		w.Header().Set("Cache-Control", "no-cache")
		httpjson.WriteError(w, http.StatusNotFound, msg, "id")
		return
	}
	h.writeError(w, r, err, "id")
}

// serveRound answers GET /api/rounds/{id}: the round's result, its players
// and, when its replay is kept, the replay's size, duration and address.
func (h *Handler) serveRound(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	rs := h.rounds()
	if rs == nil || len(id) > MaxIDLen {
		h.writeRoundError(w, r, ErrNotFound, "round not found")
		return
	}
	info, err := rs.Round(r.Context(), id)
	if err != nil {
		h.writeRoundError(w, r, err, "round not found")
		return
	}
	httpjson.Write(w, http.StatusOK, withReplayURL(info))
}

// withReplayURL returns info with the address of its replay filled in, when
// one is kept.
func withReplayURL(info RoundInfo) RoundInfo {
	if info.Replay != nil {
		rp := *info.Replay
		rp.URL = ReplayURL(info.ID)
		info.Replay = &rp
	}
	return info
}

// roundsResponse is the body of GET /api/rounds.
type roundsResponse struct {
	Rounds []RoundInfo `json:"rounds"`
}

// roundNumberParams reads the room id and the round number of GET
// /api/rounds; both are required.
func roundNumberParams(q url.Values) (string, uint32, error) {
	room := q.Get("room")
	if room == "" || len(room) > MaxIDLen {
		return "", 0, &paramError{"room", "room must be a room id of 1 to " + strconv.Itoa(MaxIDLen) + " bytes"}
	}
	n, err := strconv.ParseUint(q.Get("round"), 10, 32)
	if err != nil || n == 0 {
		return "", 0, &paramError{"round", "round must be an integer from 1 to " + strconv.FormatUint(math.MaxUint32, 10)}
	}
	return room, uint32(n), nil
}

// serveRounds answers GET /api/rounds?room={id}&round={n}: the stored rounds
// that room numbered n, latest first, each as GET /api/rounds/{id} answers
// it. A round not stored (yet) is an empty list, not a 404: the play page
// asks for the round that just ended while its result is on its way to the
// store. A store that keeps no rounds finds none.
func (h *Handler) serveRounds(w http.ResponseWriter, r *http.Request) {
	room, round, err := roundNumberParams(r.URL.Query())
	if err != nil {
		h.writeError(w, r, err, "")
		return
	}
	var found []RoundInfo
	if rs := h.rounds(); rs != nil {
		if found, err = rs.RoundsByNumber(r.Context(), room, round); err != nil {
			h.writeError(w, r, err, "")
			return
		}
	}
	body := roundsResponse{Rounds: make([]RoundInfo, 0, len(found))}
	for _, info := range found {
		body.Rounds = append(body.Rounds, withReplayURL(info))
	}
	httpjson.Write(w, http.StatusOK, body)
}

// serveReplay answers GET /api/rounds/{id}/replay with the replay file. The
// file of a round never changes, so it carries a strong ETag (its SHA-256)
// and may be cached for a year; a request whose If-None-Match holds the ETag
// gets 304. A round without a kept replay (never recorded, or pruned) is a
// 404 with a JSON error.
func (h *Handler) serveReplay(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	rs := h.rounds()
	if rs == nil || len(id) > MaxIDLen {
		h.writeRoundError(w, r, ErrNotFound, "no replay is kept for this round")
		return
	}
	b, err := rs.Replay(r.Context(), id)
	if err != nil {
		h.writeRoundError(w, r, err, "no replay is kept for this round: it was not recorded or has been pruned")
		return
	}
	sum := sha256.Sum256(b)
	hd := w.Header()
	hd.Set("ETag", `"`+hex.EncodeToString(sum[:16])+`"`)
	hd.Set("Cache-Control", replayCacheControl)
	hd.Set("Content-Type", ReplayContentType)
	hd.Set("X-Content-Type-Options", "nosniff")
	hd.Set("Content-Disposition", `attachment; filename="`+replayFileName(id)+`"`)
	// ServeContent answers If-None-Match (304), HEAD and ranges.
	http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(b))
}

// replayFileName is the file name offered for round id's replay: the id with
// anything but letters, digits, '-' and '_' replaced.
func replayFileName(id string) string {
	return strings.Map(func(c rune) rune {
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' {
			return c
		}
		return '_'
	}, id) + ".tkrp"
}

// serveReplayPage answers GET /replay/{id}: the replay viewer's page when the
// round's replay is kept, else a 404 page that says why there is nothing to
// watch (an unknown round, or a replay not recorded or pruned).
func (h *Handler) serveReplayPage(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	rs := h.rounds()
	notFound := func(title, msg string) {
		h.render(w, h.pages.problem, http.StatusNotFound, problemPage{Title: title, Status: http.StatusNotFound, Message: msg})
	}
	if rs == nil || h.replay == nil {
		notFound("No replays here", "This server does not keep replays of its rounds.")
		return
	}
	if len(id) > MaxIDLen {
		notFound("Round not found", "No round with that id was recorded on this server.")
		return
	}
	info, err := rs.Round(r.Context(), id)
	switch {
	case errors.Is(err, ErrNotFound):
		notFound("Round not found", "No round with that id was recorded on this server.")
		return
	case err != nil:
		h.renderProblem(w, r, err)
		return
	case info.Replay == nil:
		notFound("Replay not available", "This round's replay is no longer kept: replays of older rounds are pruned to make room for new ones (rounds on the leaderboard keep theirs). Its result is still on the players' pages.")
		return
	}
	h.replay.ServeHTTP(w, r)
}
