// tickarena play view: downloads game.wasm with a progress bar, runs it with
// Go's wasm_exec.js, and takes the player back to the lobby on Esc or "Lobby".
// On a replay's page, /replay/{round} (replay.html), it first downloads the
// round's recording into window.tickarenaReplayFile, where the game reads it,
// and says so plainly when the recording is no longer kept.
//
// The game reads localStorage["tickarena.token"], localStorage["tickarena.name"]
// and the query parameters "room" and "ws" of this page's URL (see lobby.js).
// The server sends X-Uncompressed-Length with every static file so that the
// progress bar is right even when the download is compressed; the bar counts
// the bytes as the browser decodes them, while it compiles the module.
"use strict";

(() => {
  const $ = (id) => document.getElementById(id);
  const main = $("play");
  const loading = $("loading");
  const status = $("load-status");
  const progress = $("progress");
  const fill = $("progress-fill");
  const roomLabel = $("room-label");

  const params = new URLSearchParams(location.search);
  const room = params.get("room") || "";
  const ws = params.get("ws") || "";
  const replayRound = location.pathname.startsWith("/replay/")
    ? decodeURIComponent(location.pathname.slice("/replay/".length)) : "";
  const spectate = params.get("spectate") === "1";

  function backToLobby() {
    location.assign($("leave").getAttribute("href") || "/");
  }
  window.addEventListener("keydown", (ev) => {
    if (ev.key === "Escape") {
      ev.preventDefault();
      backToLobby();
    }
  }, true);

  // what names the download the progress bar shows.
  let what = "Downloading the game…";

  function setProgress(done, total) {
    if (total > 0) {
      const pct = Math.min(100, Math.round((done / total) * 100));
      progress.classList.remove("indeterminate");
      progress.setAttribute("aria-valuenow", String(pct));
      fill.style.width = pct + "%";
      status.textContent = what + " " + (done / 1048576).toFixed(1) + " / " + (total / 1048576).toFixed(1) + " MB";
    } else {
      progress.classList.add("indeterminate");
      progress.removeAttribute("aria-valuenow");
      status.textContent = what + " " + (done / 1048576).toFixed(1) + " MB";
    }
  }

  function fail(text, title) {
    loading.classList.add("failed");
    loading.querySelector("h1").textContent = title || "Cannot start the game";
    status.textContent = text;
    if (!loading.querySelector(".back")) {
      const back = document.createElement("a");
      back.className = "btn back";
      back.href = replayRound ? "/leaderboard" : "/";
      back.textContent = replayRound ? "Back to the leaderboard" : "Back to the lobby";
      loading.append(back);
    }
  }

  // loadReplay downloads the round's recording for the game, moving the
  // progress bar. A 404 means the replay was pruned (or never kept): the
  // page says so instead of starting the game on nothing.
  async function loadReplay() {
    const url = main.dataset.replay + encodeURIComponent(replayRound) + "/replay";
    const res = await fetch(url);
    if (res.status === 404) {
      const err = new Error("This round's replay is no longer kept: replays of older rounds are pruned to make room for new ones.");
      err.title = "Replay not available";
      throw err;
    }
    if (!res.ok) {
      throw new Error("The server answered " + res.status + " for the recording. Reload the page to try again.");
    }
    const total = parseInt(res.headers.get("Content-Length") || "", 10) || 0;
    const body = res.body && res.body.getReader ? new Response(counted(res, total)) : res;
    window.tickarenaReplayFile = new Uint8Array(await body.arrayBuffer());
  }

  // counted wraps a response body so that every chunk the browser reads
  // moves the progress bar, whoever consumes it.
  function counted(res, total) {
    let done = 0;
    setProgress(0, total);
    const reader = res.body.getReader();
    return new ReadableStream({
      async pull(controller) {
        const part = await reader.read();
        if (part.done) {
          controller.close();
          return;
        }
        done += part.value.length;
        setProgress(done, total);
        controller.enqueue(part.value);
      },
      cancel(reason) {
        return reader.cancel(reason);
      },
    });
  }

  // load fetches the game client and compiles it. When the server sends it
  // as application/wasm the browser compiles it while it downloads
  // (instantiateStreaming); otherwise, or in a browser without streaming,
  // it is read whole first. load.timing records when each step ended, for
  // the performance test.
  async function load(url, importObject) {
    const timing = window.tickarenaLoad = { start: Date.now() };
    const res = await fetch(url);
    if (res.status === 404) {
      throw new Error("client not built: run make wasm");
    }
    if (!res.ok) {
      throw new Error("The server answered " + res.status + " for the game client.");
    }
    const total = parseInt(res.headers.get("X-Uncompressed-Length") || "", 10) ||
      (res.headers.get("Content-Encoding") ? 0 : parseInt(res.headers.get("Content-Length") || "", 10) || 0);
    const type = (res.headers.get("Content-Type") || "").split(";")[0].trim();
    const streams = res.body && res.body.getReader;
    if (streams && type === "application/wasm" && typeof WebAssembly.instantiateStreaming === "function") {
      timing.streaming = true;
      const body = new Response(counted(res, total), { headers: { "Content-Type": "application/wasm" } });
      const result = await WebAssembly.instantiateStreaming(body, importObject);
      timing.compiled = Date.now();
      return result.instance;
    }
    timing.streaming = false;
    let bytes;
    if (streams) {
      bytes = new Uint8Array(await new Response(counted(res, total)).arrayBuffer());
    } else {
      setProgress(0, 0);
      bytes = new Uint8Array(await res.arrayBuffer());
    }
    timing.downloaded = Date.now();
    status.textContent = "Starting…";
    const result = await WebAssembly.instantiate(bytes, importObject);
    timing.compiled = Date.now();
    return result.instance;
  }

  // The sound controls: a mute button and a volume slider, applied through
  // window.tickarenaSound (see wasm/sound.go) and shown from the game's
  // window.tickarena.sound, which also follows the M key. The game keeps
  // the settings in localStorage. Focus goes back to the canvas after each
  // use, so that the keys keep flying the ship.
  function soundControls() {
    const box = $("sound");
    const mute = $("mute");
    const volume = $("volume");
    const canvas = () => document.querySelector("canvas");
    const state = () => (window.tickarena && window.tickarena.sound) || null;
    const apply = (muted, vol) => {
      if (window.tickarenaSound) window.tickarenaSound.set(muted, vol);
      const c = canvas();
      if (c) c.focus();
    };
    mute.addEventListener("click", () => {
      const s = state();
      if (s) apply(!s.muted, s.volume);
    });
    volume.addEventListener("change", () => {
      const s = state();
      apply(s ? s.muted : false, Number(volume.value) / 100);
    });
    setInterval(() => {
      const s = state();
      if (!s) return;
      box.hidden = false;
      mute.textContent = s.muted ? "Sound off" : "Sound on";
      mute.setAttribute("aria-pressed", String(s.muted));
      if (document.activeElement !== volume) volume.value = String(Math.round(s.volume * 100));
    }, 250);
  }

  // replayLink shows, on the results screen between rounds, a link to the
  // replay of the round that just ended: the page asks for the rounds of
  // this room with this number (GET /api/rounds?room=…&round=…), since the
  // round's id is made when its result is stored, and keeps asking for a few
  // seconds while the result is on its way to the store (until then the
  // answer is an empty list, not an error). Of the rounds found, latest
  // first, it takes one the player played in: a room id used again after a
  // restart has older rounds of the same number.
  function replayLink() {
    let playerID = "";
    try { playerID = localStorage.getItem("tickarena.player_id") || ""; } catch { /* storage blocked */ }
    if (!playerID) return;
    const link = document.createElement("a");
    link.id = "replay-link";
    link.className = "btn replay-link";
    link.target = "_blank";
    link.rel = "noopener";
    link.hidden = true;
    document.body.append(link);
    let wanted = "", asking = false, tries = 0;
    setInterval(async () => {
      const h = window.tickarena;
      if (!h || h.phase !== "intermission" || !h.round) {
        link.hidden = true;
        wanted = "";
        return;
      }
      const key = h.room + "#" + h.round;
      if (key !== wanted) {
        wanted = key;
        tries = 0;
        link.hidden = true;
      }
      if (!link.hidden || asking || tries >= 10) return;
      asking = true;
      tries++;
      try {
        const res = await fetch("/api/rounds?room=" + encodeURIComponent(h.room) + "&round=" + encodeURIComponent(h.round));
        if (res.ok) {
          const found = await res.json();
          const r = (found.rounds || []).find((x) => x.replay && (x.players || []).some((p) => p.player_id === playerID));
          if (r && key === wanted) {
            link.href = "/replay/" + encodeURIComponent(r.id);
            link.textContent = "▶ Watch the replay of round " + h.round;
            link.hidden = false;
          }
        }
      } catch (err) {
        // Asked again on the next tick.
      } finally {
        asking = false;
      }
    }, 1000);
  }

  async function start() {
    if (replayRound) {
      roomLabel.textContent = "Round " + replayRound;
      try {
        what = "Downloading the recording…";
        await loadReplay();
        what = "Downloading the game…";
      } catch (err) {
        fail(err.message || String(err), err.title || "Cannot load the replay");
        return;
      }
    } else if (!room || !ws) {
      fail("No room chosen. Pick a room or press Play in the lobby.");
      return;
    } else {
      roomLabel.textContent = (spectate ? "Watching room " : "Room ") + room;
    }
    if (typeof Go !== "function") {
      // An unbuilt client lacks both game.wasm and wasm_exec.js: say so
      // rather than blaming the loader.
      let built = true;
      try {
        built = (await fetch(main.dataset.wasm, { method: "HEAD" })).status !== 404;
      } catch (err) {
        // The network's error shows when the page is reloaded.
      }
      fail(built ? "wasm_exec.js did not load. Reload the page." : "client not built: run make wasm");
      return;
    }
    const go = new Go();
    let instance;
    try {
      instance = await load(main.dataset.wasm, go.importObject);
    } catch (err) {
      const text = err.message || String(err);
      fail(err instanceof WebAssembly.CompileError || err instanceof WebAssembly.LinkError
        ? "This browser could not start the game: " + text : text);
      return;
    }
    loading.hidden = true;
    soundControls();
    if (!replayRound) replayLink();
    await go.run(instance);
    // The game returned: it ended or lost the server for good.
    loading.hidden = false;
    fail(replayRound ? "Reload the page to watch again." : "Go back to the lobby to play again.", "The game has ended");
  }

  start();
})();
