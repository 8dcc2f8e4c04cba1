// Package wire is the tickarena protocol: the messages a client and a server
// exchange over a WebSocket, their MessagePack encoding, and the per-client
// views and deltas that carry the world. It is the one place where a byte on
// the wire is defined; the server (server/realtime) and the client
// (client/netcode) both encode and decode through it and define no protocol
// fact of their own.
//
// Every message is one binary WebSocket frame holding one MessagePack array
// whose first element is its Type. Encoders append to a caller's buffer
// (AppendHello, DeltaEncoder.Append, …) and allocate nothing once the buffer
// has grown; decoders (DecodeClient, DecodeServer) are strict, reuse the
// message they fill, and reject anything the specification does not allow,
// because every byte from a peer is hostile until decoded.
//
// # Files
//
//   - messages.go: the message types, Version, limits, the error codes and
//     the WebSocket close codes, the encoders of every message but the delta,
//     DecodeClient and DecodeServer.
//   - entity.go: the entities of a view (ships, pellets), their flags and the
//     field mask of a change.
//   - view.go: View (what one client knows at one tick), Snapshot (the whole
//     world captured once per tick) and Area (the area of interest).
//   - events.go: which one-shot events of a tick a client gets.
//   - delta.go: Delta and Change, the decoded form of a delta message.
//   - delta_encode.go: the server side of a delta: DeltaEncoder diffs two
//     views and encodes the difference with the tick's events.
//   - snapview.go: SnapView, a view held as a bitset over the snapshot it
//     was cut from, as the server holds its clients' baselines, with
//     Snapshot.ViewRefInto and DeltaEncoder.AppendRef, which give the views
//     and the bytes ViewInto and Append give.
//   - delta_decode.go: the client side: decoding a delta and View.Apply,
//     which turns the client's mirror into the server's view.
//   - spectate.go: spectating: the hello that asks to watch, the follow
//     and spectating messages.
//   - msgpack.go: the MessagePack subset the protocol uses (shortest-form
//     writers, a strict reader).
//
// # The specification
//
// docs/protocol.md documents every message byte for byte, so that a client in
// another language can be written from it alone. Its hex examples are produced
// by this package's encoders and checked by TestProtocolDocExamples
// (doc_test.go): a change to the encoding that the document does not follow
// fails that test. The fuzz tests (fuzz_test.go, seed corpus in
// testdata/fuzz) hold the decoders against arbitrary bytes.
//
// # Imports
//
// The package imports only the standard library and package game, which it
// describes. It must never import the server, the client, Ebiten, gws or a
// MessagePack library: both sides of the wire and the browser build depend on
// it, and a dependency here would reach all of them. TestImports keeps this
// true.
package wire
