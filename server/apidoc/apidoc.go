// Package apidoc serves the OpenAPI 3.1 description of tickarena's HTTP API
// at /api/openapi.json: every route, its parameters, statuses and response
// fields. The document, openapi.json, is embedded in the binary; a test in
// server/app holds it against the real router and real responses, so that a
// route or a field the document does not describe fails the build.
package apidoc

import (
	_ "embed"
	"net/http"
)

//go:embed openapi.json
var spec []byte

// Spec returns the OpenAPI document. The caller must not modify it.
func Spec() []byte { return spec }

// Register serves the document at GET /api/openapi.json on mux.
func Register(mux *http.ServeMux) {
	mux.HandleFunc("GET /api/openapi.json", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Cache-Control", "public, max-age=300")
		_, _ = w.Write(spec)
	})
}
