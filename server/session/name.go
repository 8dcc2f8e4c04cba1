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

// MaxMarksPerChar is how many combining marks (Unicode category M) may follow
// one base character. Three covers the languages that stack marks (a
// Vietnamese vowel with two diacritics, a Thai consonant with a vowel and a
// tone mark); more only serves to draw over the text around the name.
const MaxMarksPerChar = 3

// ErrInvalidName is wrapped by the errors of ValidateName and ValidateText.
var ErrInvalidName = errors.New("invalid name")

// ValidateName checks a player name and returns it cleaned: surrounding
// spaces trimmed and inner runs of spaces collapsed to one. A valid name has
// 1 to MaxNameLen printable characters; control characters, invisible format
// characters (such as U+200B or U+202E), invalid UTF-8, the replacement
// character U+FFFD (what a decoder makes of invalid input), a combining mark
// with no character before it and more than MaxMarksPerChar marks on one
// character are rejected.
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
	marks := -1 // combining marks on the current character; -1 before any
	for _, r := range s {
		if r == ' ' {
			if prevSpace {
				continue
			}
			prevSpace = true
			marks = -1
		} else {
			prevSpace = false
			if !unicode.IsPrint(r) {
				return "", fmt.Errorf("%w: character %U is not printable", ErrInvalidName, r)
			}
			if r == utf8.RuneError {
				return "", fmt.Errorf("%w: holds the replacement character U+FFFD", ErrInvalidName)
			}
			if err := countMark(r, &marks); err != nil {
				return "", err
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

// countMark updates the count of combining marks on the current character
// with r, and refuses a mark with no character to sit on or one too many.
func countMark(r rune, marks *int) error {
	if !unicode.Is(unicode.M, r) {
		*marks = 0
		return nil
	}
	if *marks < 0 {
		return fmt.Errorf("%w: combining mark %U with no character before it", ErrInvalidName, r)
	}
	if *marks++; *marks > MaxMarksPerChar {
		return fmt.Errorf("%w: more than %d combining marks on one character", ErrInvalidName, MaxMarksPerChar)
	}
	return nil
}
