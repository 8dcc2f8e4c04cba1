package session

import (
	"errors"
	"strings"
	"testing"
)

func TestValidateName(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		want    string
		wantErr bool
	}{
		{name: "plain", in: "alice", want: "alice"},
		{name: "trimmed", in: "  bob \t\n", want: "bob"},
		{name: "inner spaces collapsed", in: "big   bad  wolf", want: "big bad wolf"},
		{name: "16 ascii", in: strings.Repeat("a", 16), want: strings.Repeat("a", 16)},
		{name: "17 ascii", in: strings.Repeat("a", 17), wantErr: true},
		{name: "16 runes of 3 bytes", in: strings.Repeat("日", 16), want: strings.Repeat("日", 16)},
		{name: "17 runes of 3 bytes", in: strings.Repeat("日", 17), wantErr: true},
		{name: "emoji counted as one", in: "🚀pilot", want: "🚀pilot"},
		{name: "accents", in: "Zoë Ångström", want: "Zoë Ångström"},
		{name: "empty", in: "", wantErr: true},
		{name: "only spaces", in: "    ", wantErr: true},
		{name: "control char", in: "a\x07b", wantErr: true},
		{name: "inner tab", in: "a\tb", wantErr: true},
		{name: "inner newline", in: "a\nb", wantErr: true},
		{name: "zero width space", in: "a\u200bb", wantErr: true},
		{name: "left to right mark", in: "a\u200eb", wantErr: true},
		{name: "right to left override", in: "\u202Eevil", wantErr: true},
		{name: "byte order mark", in: "\ufeffbob", wantErr: true},
		{name: "private use", in: "a\ue000", wantErr: true},
		{name: "invalid utf8", in: "a\xffb", wantErr: true},
		{name: "html is just text", in: "<b>x</b>", want: "<b>x</b>"},
		{name: "letter and 15 combining marks", in: "a" + strings.Repeat("\u0301", 15), wantErr: true},
		{name: "letter and 4 combining marks", in: "a\u0301\u0302\u0303\u0304", wantErr: true},
		{name: "marks spread over letters", in: "a\u0301\u0302\u0303b\u0301\u0302\u0303", want: "a\u0301\u0302\u0303b\u0301\u0302\u0303"},
		{name: "decomposed vietnamese", in: "Vie\u0323\u0302t", want: "Vie\u0323\u0302t"},
		{name: "devanagari", in: "नमस्ते", want: "नमस्ते"},
		{name: "thai with tone marks", in: "สวัสดี", want: "สวัสดี"},
		{name: "mark first", in: "\u0301abc", wantErr: true},
		{name: "mark after a space", in: "ab \u0301c", wantErr: true},
		{name: "enclosing marks count", in: "a" + strings.Repeat("\u20dd", 4), wantErr: true},
		{name: "replacement character", in: "a\ufffdb", wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ValidateName(tt.in)
			if tt.wantErr {
				if !errors.Is(err, ErrInvalidName) {
					t.Fatalf("ValidateName(%q) = %q, %v; want ErrInvalidName", tt.in, got, err)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("ValidateName(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
			}
		})
	}
}

func TestValidateTextLimit(t *testing.T) {
	if _, err := ValidateText(strings.Repeat("x", 24), 24); err != nil {
		t.Fatalf("24 runes with limit 24: %v", err)
	}
	if _, err := ValidateText(strings.Repeat("x", 25), 24); err == nil {
		t.Fatal("25 runes with limit 24 accepted")
	}
}
