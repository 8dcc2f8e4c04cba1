package netcode

// State is where a Client is in its connection's life.
type State uint8

// The states of a Client.
const (
	// StateIdle: made but not started.
	StateIdle State = iota
	// StateConnecting: a connection is being opened.
	StateConnecting
	// StateHelloSent: the connection is open and the hello is sent; waiting for
	// the welcome.
	StateHelloSent
	// StatePlaying: welcomed; deltas flow and inputs are sent.
	StatePlaying
	// StateReconnecting: the connection dropped; waiting for the next attempt.
	StateReconnecting
	// StateClosed: finished for good; Reason says why.
	StateClosed
)

var stateNames = [...]string{"idle", "connecting", "hello sent", "playing", "reconnecting", "closed"}

// String returns the state's name, e.g. "playing".
func (s State) String() string {
	if int(s) < len(stateNames) {
		return stateNames[s]
	}
	return "unknown"
}
