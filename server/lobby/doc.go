// Package lobby lists rooms and sends players into them over HTTP: the room
// list, room creation, quick play and joining by id or code, each of which
// reserves a seat for the player before they open their WebSocket.
//
// The lobby never runs a room. It talks to rooms through Directory, which a
// single node implements in process (Local, backed by a Host that the
// real-time server provides) and several nodes can implement over a shared
// store. Seat accounting (Seats) is shared by both sides: the lobby reserves
// seats, and a room admits its players against them when they say hello.
package lobby
