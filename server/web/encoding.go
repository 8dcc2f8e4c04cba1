package web

import (
	"net/http"
	"strconv"
	"strings"
)

// acceptedQualities returns the qualities, 0 to 1, that the request's
// Accept-Encoding gives gzip and Brotli; a coding it does not name gets the
// quality of "*", or 0.
func acceptedQualities(r *http.Request) (gzip, br float64) {
	gzip, br, star := -1.0, -1.0, -1.0
	for _, h := range r.Header.Values("Accept-Encoding") {
		for part := range strings.SplitSeq(h, ",") {
			coding, params, _ := strings.Cut(part, ";")
			q := quality(params)
			switch strings.ToLower(strings.TrimSpace(coding)) {
			case "gzip", "x-gzip":
				gzip = q
			case "br":
				br = q
			case "*":
				star = q
			}
		}
	}
	star = max(star, 0)
	if gzip < 0 {
		gzip = star
	}
	if br < 0 {
		br = star
	}
	return gzip, br
}

// quality reads the q parameter of one Accept-Encoding element; a missing or
// malformed q counts as 1.
func quality(params string) float64 {
	for p := range strings.SplitSeq(params, ";") {
		k, v, ok := strings.Cut(strings.TrimSpace(p), "=")
		if !ok || !strings.EqualFold(strings.TrimSpace(k), "q") {
			continue
		}
		q, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
		if err != nil || q < 0 || q > 1 {
			return 1
		}
		return q
	}
	return 1
}
