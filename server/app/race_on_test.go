//go:build race

package app

// raceEnabled says that the race detector is on: it slows the server down
// many times and makes sync.Pool drop what is put in it, so allocation
// counts mean nothing.
const raceEnabled = true
