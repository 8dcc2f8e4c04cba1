package httpjson

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestDecode(t *testing.T) {
	type body struct {
		Name string `json:"name"`
	}
	tests := []struct {
		name        string
		contentType string
		in          string
		wantStatus  int // 0: decoded
		wantName    string
	}{
		{"object", "application/json", `{"name":"Ada"}`, 0, "Ada"},
		{"empty body", "", ``, 0, ""},
		{"escaped non-ASCII", "application/json", `{"name":"Zo\u00eb"}`, 0, "Zoë"},
		{"invalid UTF-8 is refused, not replaced", "application/json", "{\"name\":\"a\xffb\"}", http.StatusBadRequest, ""},
		{"truncated UTF-8 sequence", "application/json", "{\"name\":\"a\xe6\x97\"}", http.StatusBadRequest, ""},
		{"unknown field", "application/json", `{"name":"x","score":1}`, http.StatusBadRequest, ""},
		{"trailing data", "application/json", `{"name":"x"}{}`, http.StatusBadRequest, ""},
		{"too large", "application/json", `{"name":"` + strings.Repeat("a", MaxBody) + `"}`, http.StatusRequestEntityTooLarge, ""},
		{"other content type", "text/plain", `{"name":"x"}`, http.StatusUnsupportedMediaType, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(tt.in))
			if tt.contentType != "" {
				r.Header.Set("Content-Type", tt.contentType)
			}
			var b body
			err := Decode(httptest.NewRecorder(), r, 0, &b)
			if tt.wantStatus == 0 {
				if err != nil || b.Name != tt.wantName {
					t.Fatalf("Decode = %v, name %q; want nil, %q", err, b.Name, tt.wantName)
				}
				return
			}
			var be *BodyError
			if !errors.As(err, &be) || be.Status != tt.wantStatus {
				t.Fatalf("Decode = %v; want a BodyError with status %d", err, tt.wantStatus)
			}
		})
	}
}
