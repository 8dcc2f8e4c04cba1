package session

import (
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

// FuzzValidateName checks the promises of ValidateName on any input: it never
// panics, and a name it accepts is valid UTF-8, 1 to MaxNameLen printable
// characters without surrounding or doubled spaces, and accepted again unchanged.
func FuzzValidateName(f *testing.F) {
	for _, s := range []string{"Ada", "  two  spaces  ", "<script>alert(1)</script>", "\u202eevil", "zero\u200bwidth",
		"ünïcödé", "名前", "a\x00b", "\xff\xfe", strings.Repeat("x", 17), "", " ", "\t"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		name, err := ValidateName(in)
		if err != nil {
			if name != "" {
				t.Fatalf("rejected %q but returned %q", in, name)
			}
			return
		}
		n := utf8.RuneCountInString(name)
		if !utf8.ValidString(name) || n < 1 || n > MaxNameLen {
			t.Fatalf("accepted %q as %q (%d characters)", in, name, n)
		}
		if name != strings.TrimSpace(name) || strings.Contains(name, "  ") {
			t.Fatalf("accepted %q with stray spaces: %q", in, name)
		}
		for _, r := range name {
			if !unicode.IsPrint(r) {
				t.Fatalf("accepted %q holding %U", in, r)
			}
		}
		if again, err := ValidateName(name); err != nil || again != name {
			t.Fatalf("a cleaned name is not stable: %q → %q, %v", name, again, err)
		}
	})
}
