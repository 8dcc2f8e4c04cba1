package realtime

import (
	"time"

	"github.com/tickarena/tickarena/game/replay"
)

// startRecording starts recording the room's round from the world as it is,
// when Options.RecordReplays is set. The room calls it when the world is made
// and after the step that begins each round; every later change to the world
// is reported to r.rec where it is made (the lines marked "replay hook").
func (r *room) startRecording() {
	if !r.m.opts.RecordReplays {
		return
	}
	r.rec.Start(r.world, replay.Meta{
		StartedAt: time.Now().UnixMilli(),
		Room: replay.Room{
			ID: r.id, Name: r.spec.Name, Public: r.spec.Public,
			Capacity: uint32(r.spec.Capacity), Bots: uint32(max(r.spec.Bots, 0)),
		},
	})
}

// finishRecording ends the recording of the round that just ended (or is cut
// short) and returns it; nil when nothing was recorded.
func (r *room) finishRecording() *replay.Recording {
	if !r.rec.Recording() {
		return nil
	}
	rec, err := r.rec.Finish(r.world)
	if err != nil {
		r.m.log.Error("realtime: round not recorded", "room", r.id, "round", r.world.Round, "err", err)
		return nil
	}
	return rec
}
