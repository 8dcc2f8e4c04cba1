package main

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/tickarena/tickarena/server/httpjson"
)

func TestAPIErrorsStopTheRun(t *testing.T) {
	tests := []struct {
		name    string
		session http.HandlerFunc
		play    http.HandlerFunc
		want    string
	}{
		{
			name: "session refused",
			session: func(w http.ResponseWriter, r *http.Request) {
				httpjson.WriteError(w, http.StatusBadRequest, "bad name", "name")
			},
			want: "POST /api/session: 400",
		},
		{
			name: "seat without a WebSocket URL",
			session: func(w http.ResponseWriter, r *http.Request) {
				httpjson.Write(w, http.StatusCreated, map[string]string{"token": "t"})
			},
			play: func(w http.ResponseWriter, r *http.Request) {
				httpjson.Write(w, http.StatusOK, map[string]string{"id": "r1"})
			},
			want: "no ws_url",
		},
		{
			name: "seat refused for a reason other than full",
			session: func(w http.ResponseWriter, r *http.Request) {
				httpjson.Write(w, http.StatusCreated, map[string]string{"token": "t"})
			},
			play: func(w http.ResponseWriter, r *http.Request) {
				httpjson.WriteError(w, http.StatusUnauthorized, "missing session token", "")
			},
			want: "401",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			mux := http.NewServeMux()
			mux.HandleFunc("POST /api/session", tt.session)
			if tt.play != nil {
				mux.HandleFunc("POST /api/play", tt.play)
			}
			ts := httptest.NewServer(mux)
			defer ts.Close()
			_, err := run(context.Background(), config{API: ts.URL, N: 3, Duration: time.Second, Logger: quietLog()})
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %v, want one containing %q", err, tt.want)
			}
		})
	}
}

func TestConfigDefaults(t *testing.T) {
	tests := []struct {
		name    string
		in      config
		wantAPI string
		wantErr string
	}{
		{"nothing to target", config{}, "", "give -url or -api"},
		{"http base is the API", config{URL: "http://127.0.0.1:8080/"}, "http://127.0.0.1:8080", ""},
		{"ws URL", config{URL: "ws://127.0.0.1:8080/ws"}, "", ""},
		{"bad scheme", config{URL: "ftp://x"}, "", "want ws://"},
		{"floor needs ws", config{API: "http://127.0.0.1:1", Floor: true}, "", "-floor needs"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.in.withDefaults()
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("error %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got.API != tt.wantAPI || got.N != 10 || got.Duration != 10*time.Second || got.Ramp != 200 {
				t.Errorf("got %+v", got)
			}
		})
	}
}
