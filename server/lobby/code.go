package lobby

import "strings"

// NormalizeCode returns a join code as rooms store it: trimmed and
// upper-case, so that players may type it in any case.
func NormalizeCode(code string) string {
	return strings.ToUpper(strings.TrimSpace(code))
}
