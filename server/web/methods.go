package web

import (
	"net/http"
	"strings"
)

// probedMethods are the methods tried when a path matches no route for the
// method it was asked with.
var probedMethods = []string{http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete}

// allowedMethods returns the methods for which mux routes r's path to a
// pattern other than the catch-all "/" of this handler, or nil when none
// does. A ServeMux answers 405 itself only when no pattern matches at all;
// with "/" registered, every path matches, so the Handler asks the mux which
// other methods the path has.
func allowedMethods(mux *http.ServeMux, r *http.Request) []string {
	if mux == nil {
		return nil
	}
	var allow []string
	for _, method := range probedMethods {
		if method == r.Method {
			continue
		}
		probe := r.Clone(r.Context())
		probe.Method = method
		if _, pattern := mux.Handler(probe); pattern != "" && pattern != "/" && !strings.HasPrefix(pattern, StaticPrefix) {
			allow = append(allow, method)
		}
	}
	return allow
}
