package session

import (
	"errors"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// MaxNameLen is the longest player name, in characters (runes).
const MaxNameLen = 16

// ErrInvalidName is wrapped by the errors of ValidateName and ValidateText.
var ErrInvalidName = errors.New("invalid name")

// ValidateName checks a player name and returns it cleaned: surrounding
// spaces trimmed and inner runs of spaces collapsed to one. A valid name has
// 1 to MaxNameLen printable characters; control characters, invisible format
// characters (such as U+200B or U+202E) and invalid UTF-8 are rejected.
func ValidateName(s string) (string, error) {
	return ValidateText(s, MaxNameLen)
}

// ValidateText applies the rules of ValidateName with a limit of maxRunes
// characters. Other packages use it for names shown to players, such as
// room names.
func ValidateText(s string, maxRunes int) (string, error) {
	if !utf8.ValidString(s) {
		return "", fmt.Errorf("%w: not valid UTF-8", ErrInvalidName)
	}
	s = strings.TrimSpace(s)
	var b strings.Builder
	b.Grow(len(s))
	n := 0
	prevSpace := false
	for _, r := range s {
		if r == ' ' {
			if prevSpace {
				continue
			}
			prevSpace = true
		} else {
			prevSpace = false
			if !unicode.IsPrint(r) {
				return "", fmt.Errorf("%w: character %U is not printable", ErrInvalidName, r)
			}
		}
		n++
		if n > maxRunes {
			return "", fmt.Errorf("%w: longer than %d characters", ErrInvalidName, maxRunes)
		}
		b.WriteRune(r)
	}
	if n == 0 {
		return "", fmt.Errorf("%w: empty", ErrInvalidName)
	}
	return b.String(), nil
}
