//go:build !race

package app

// raceEnabled says that the race detector is on (see race_on_test.go).
const raceEnabled = false
