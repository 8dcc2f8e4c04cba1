//go:build js && wasm

// Command wasm is the tickarena game client for the browser (GOOS=js
// GOARCH=wasm): it reads the player's session token and name from
// localStorage, the room and the WebSocket URL from the page's query, opens
// the WebSocket through syscall/js and runs the Ebiten game of package client.
//
// It publishes a read-only summary of the game on window.tickarena every
// frame (see hook.go) for the browser tests. The summary never holds the
// token and writing to it changes nothing.
package main
