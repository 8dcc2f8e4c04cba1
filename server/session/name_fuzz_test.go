package session

import (
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

// FuzzValidateName checks the promises of ValidateName on any input: it never
// panics, and a name it accepts is valid UTF-8, 1 to MaxNameLen printable
// characters without surrounding or doubled spaces, with no U+FFFD, no
// combining mark without a base and at most MaxMarksPerChar marks on one
// character, and accepted again unchanged.
func FuzzValidateName(f *testing.F) {
	for _, s := range []string{"Ada", "  two  spaces  ", "<script>alert(1)</script>", "\u202eevil", "zero\u200bwidth",
		"ünïcödé", "名前", "a\x00b", "\xff\xfe", strings.Repeat("x", 17), "", " ", "\t",
		"a" + strings.Repeat("\u0301", 15), "\u0301", "Vie\u0323\u0302t", "नमस्ते", "a\ufffd", "na\xc3me"} {
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
		marks := -1
		for _, r := range name {
			if !unicode.IsPrint(r) || r == utf8.RuneError {
				t.Fatalf("accepted %q holding %U", in, r)
			}
			switch {
			case r == ' ':
				marks = -1
			case !unicode.Is(unicode.M, r):
				marks = 0
			case marks < 0:
				t.Fatalf("accepted %q with a combining mark that has no base", in)
			default:
				if marks++; marks > MaxMarksPerChar {
					t.Fatalf("accepted %q with %d marks on one character", in, marks)
				}
			}
		}
		if again, err := ValidateName(name); err != nil || again != name {
			t.Fatalf("a cleaned name is not stable: %q → %q, %v", name, again, err)
		}
	})
}
