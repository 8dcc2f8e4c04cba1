// Package client is the tickarena game as players see it: an Ebiten game that
// draws the arena around the player's ship, the HUD, the scoreboard and the
// round results, and turns keyboard, mouse and touch into inputs.
//
// The network half lives in client/netcode, which never imports Ebiten; this
// package reads its Frame, effects, roster and round results once per frame.
// Game.Update handles input and the network and never blocks; Game.Draw only
// reads state.
//
// Files that import Ebiten carry the build constraint "js": the game runs only
// in the browser. The geometry, colours, text formatting, particles and touch
// sticks are plain Go in files without that constraint, so that native tests
// cover them on a machine without a display.
package client
