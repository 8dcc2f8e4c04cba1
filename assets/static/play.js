// tickarena play view: downloads game.wasm with a progress bar, runs it with
// Go's wasm_exec.js, and takes the player back to the lobby on Esc or "Lobby".
//
// The game reads localStorage["tickarena.token"], localStorage["tickarena.name"]
// and the query parameters "room" and "ws" of this page's URL (see lobby.js).
// The server sends X-Uncompressed-Length with every static file so that the
// progress bar is right even when the download is gzip-compressed.
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

  function backToLobby() {
    location.assign("/");
  }
  window.addEventListener("keydown", (ev) => {
    if (ev.key === "Escape") {
      ev.preventDefault();
      backToLobby();
    }
  }, true);

  function setProgress(done, total) {
    if (total > 0) {
      const pct = Math.min(100, Math.round((done / total) * 100));
      progress.classList.remove("indeterminate");
      progress.setAttribute("aria-valuenow", String(pct));
      fill.style.width = pct + "%";
      status.textContent = "Downloading the game… " + (done / 1048576).toFixed(1) + " / " + (total / 1048576).toFixed(1) + " MB";
    } else {
      progress.classList.add("indeterminate");
      progress.removeAttribute("aria-valuenow");
      status.textContent = "Downloading the game… " + (done / 1048576).toFixed(1) + " MB";
    }
  }

  function fail(text, title) {
    loading.classList.add("failed");
    loading.querySelector("h1").textContent = title || "Cannot start the game";
    status.textContent = text;
    if (!loading.querySelector(".back")) {
      const back = document.createElement("a");
      back.className = "btn back";
      back.href = "/";
      back.textContent = "Back to the lobby";
      loading.append(back);
    }
  }

  // download fetches url and reports progress while the body streams in.
  async function download(url) {
    const res = await fetch(url);
    if (res.status === 404) {
      throw new Error("client not built: run make wasm");
    }
    if (!res.ok) {
      throw new Error("The server answered " + res.status + " for the game client.");
    }
    const total = parseInt(res.headers.get("X-Uncompressed-Length") || "", 10) ||
      (res.headers.get("Content-Encoding") ? 0 : parseInt(res.headers.get("Content-Length") || "", 10) || 0);
    if (!res.body || !res.body.getReader) {
      setProgress(0, 0);
      return new Uint8Array(await res.arrayBuffer());
    }
    const reader = res.body.getReader();
    const chunks = [];
    let done = 0;
    setProgress(0, total);
    for (;;) {
      const part = await reader.read();
      if (part.done) break;
      chunks.push(part.value);
      done += part.value.length;
      setProgress(done, total);
    }
    const bytes = new Uint8Array(done);
    let at = 0;
    for (const c of chunks) {
      bytes.set(c, at);
      at += c.length;
    }
    return bytes;
  }

  async function start() {
    if (!room || !ws) {
      fail("No room chosen. Pick a room or press Play in the lobby.");
      return;
    }
    roomLabel.textContent = "Room " + room;
    let bytes;
    try {
      bytes = await download(main.dataset.wasm);
    } catch (err) {
      fail(err.message || String(err));
      return;
    }
    // After the download, so that an unbuilt client (no game.wasm and no
    // wasm_exec.js) says so rather than blaming the loader.
    if (typeof Go !== "function") {
      fail("wasm_exec.js did not load. Reload the page.");
      return;
    }
    status.textContent = "Starting…";
    const go = new Go();
    let instance;
    try {
      ({ instance } = await WebAssembly.instantiate(bytes, go.importObject));
    } catch (err) {
      fail("This browser could not start the game: " + (err.message || err));
      return;
    }
    loading.hidden = true;
    await go.run(instance);
    // The game returned: it ended or lost the server for good.
    loading.hidden = false;
    fail("Go back to the lobby to play again.", "The game has ended");
  }

  start();
})();
