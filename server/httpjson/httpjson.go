// Package httpjson writes and reads the JSON bodies of tickarena's HTTP API:
// one shape for errors, size-limited request bodies, and unknown fields rejected.
package httpjson

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"unicode/utf8"
)

// MaxBody is the default limit, in bytes, of a request body read by Decode.
const MaxBody = 4 << 10

// Error is the body of every error answer: a human-readable message and,
// when the error is about one input field, that field's name.
type Error struct {
	Error string `json:"error"`
	Field string `json:"field,omitempty"`
}

// Write sends v as JSON with the given status.
func Write(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(true)
	_ = enc.Encode(v)
}

// WriteError sends an Error body with the given status.
func WriteError(w http.ResponseWriter, status int, msg, field string) {
	Write(w, status, Error{Error: msg, Field: field})
}

// BodyError is returned by Decode; Status is the HTTP status the caller should answer with.
type BodyError struct {
	Status int
	Msg    string
}

// Error returns the message of the error.
func (e *BodyError) Error() string { return e.Msg }

// Decode reads one JSON object from r's body into v, reading at most max bytes
// (MaxBody when max <= 0) and rejecting invalid UTF-8, unknown fields and
// trailing data.
// An empty body decodes as an empty object.
func Decode(w http.ResponseWriter, r *http.Request, max int64, v any) error {
	if max <= 0 {
		max = MaxBody
	}
	if ct := r.Header.Get("Content-Type"); ct != "" && !strings.HasPrefix(ct, "application/json") {
		return &BodyError{Status: http.StatusUnsupportedMediaType, Msg: "content type must be application/json"}
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, max))
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return &BodyError{Status: http.StatusRequestEntityTooLarge, Msg: fmt.Sprintf("request body is larger than %d bytes", max)}
		}
		return &BodyError{Status: http.StatusBadRequest, Msg: "read request body: " + err.Error()}
	}
	// encoding/json would silently replace invalid UTF-8 with U+FFFD.
	if !utf8.Valid(body) {
		return &BodyError{Status: http.StatusBadRequest, Msg: "request body is not valid UTF-8"}
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		switch {
		case errors.Is(err, io.EOF):
			return nil
		default:
			return &BodyError{Status: http.StatusBadRequest, Msg: "invalid JSON body: " + err.Error()}
		}
	}
	if dec.More() {
		return &BodyError{Status: http.StatusBadRequest, Msg: "invalid JSON body: trailing data"}
	}
	return nil
}

// WriteDecodeError answers a Decode error with its status and message.
func WriteDecodeError(w http.ResponseWriter, err error) {
	var be *BodyError
	if errors.As(err, &be) {
		WriteError(w, be.Status, be.Msg, "")
		return
	}
	WriteError(w, http.StatusBadRequest, err.Error(), "")
}
