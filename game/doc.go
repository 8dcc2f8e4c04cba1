// Package game holds the rules of the tickarena arena: the world, its ships, bullets and
// pellets, the inputs that steer ships, and Step, which advances the world by one tick.
//
// The package is deterministic and pure. Step uses no clock, no global random source,
// no map iteration and no goroutines, and it does all arithmetic on integers: positions
// are in 1/16 of a world unit (Sub), angles in 1/65536 of a turn (Angle), and
// trigonometry comes from tables. The same code runs on the server, which is the
// authority, and in the browser, which predicts its own ship with it; both compute
// the same bits. The package imports no network, storage or rendering code.
//
// Movement model: a ship moves in eight directions with the Up/Down/Left/Right
// buttons (WASD or arrows), independently of where it aims; Aim is the direction
// of the mouse, and Fire shoots along it.
package game
