// tickarena lobby: guest session, public rooms, quick play, create and join.
//
// Storage keys shared with the WASM game client (do not rename them):
//   localStorage["tickarena.token"]      the session token, sent as "Authorization: Bearer <token>".
//   localStorage["tickarena.name"]       the pilot name the player chose.
//   localStorage["tickarena.player_id"]  the player id returned by POST /api/session.
// The play view is opened as /play?room=<room id>&ws=<ws_url>; the game reads
// the query parameters "room" and "ws" from the page URL. Watch opens it as
// /play?room=<room id>&ws=<ws_url>&spectate=1: the game watches the room
// without a ship (it may add &follow=<ship id>).
//
// Everything a player typed, and every string from the server, is put into the
// page with textContent, never with innerHTML.
"use strict";

(() => {
  const KEY_TOKEN = "tickarena.token";
  const KEY_NAME = "tickarena.name";
  const KEY_PLAYER = "tickarena.player_id";
  const REFRESH_MS = 3000;

  const $ = (id) => document.getElementById(id);
  const el = {
    name: $("name"),
    playForm: $("play-form"),
    play: $("play"),
    status: $("pilot-status"),
    message: $("message"),
    rooms: $("rooms"),
    roomsEmpty: $("rooms-empty"),
    roomsState: $("rooms-state"),
    createForm: $("create-form"),
    roomName: $("room-name"),
    capacity: $("capacity"),
    bots: $("bots"),
    round: $("round"),
    isPublic: $("public"),
    created: $("created"),
    createdCode: $("created-code"),
    createdLink: $("created-link"),
    copyCode: $("copy-code"),
    enterCreated: $("enter-created"),
    joinForm: $("join-form"),
    code: $("code"),
  };

  const store = {
    get(key) {
      try { return localStorage.getItem(key) || ""; } catch { return ""; }
    },
    set(key, value) {
      try { localStorage.setItem(key, value); } catch { /* storage disabled: the session lasts the page */ }
    },
    remove(key) {
      try { localStorage.removeItem(key); } catch { /* see set */ }
    },
  };

  // session is the player's guest session as the server last confirmed it.
  let session = { name: store.get(KEY_NAME), token: store.get(KEY_TOKEN) };
  let sessionConfirmed = false;

  // ApiError carries the server's {"error","field"} body and the HTTP status.
  class ApiError extends Error {
    constructor(status, message, field, path, retryAfter) {
      super(message);
      this.status = status;
      this.field = field || "";
      this.path = path || "";
      this.retryAfter = retryAfter || 0; // seconds, from Retry-After
    }
  }

  async function api(method, path, body, auth) {
    const headers = { "Accept": "application/json" };
    if (body !== undefined) headers["Content-Type"] = "application/json";
    if (auth && session.token) headers["Authorization"] = "Bearer " + session.token;
    let res;
    try {
      res = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    } catch {
      throw new ApiError(0, "Cannot reach the server. Check your connection and try again.");
    }
    let data = null;
    const text = await res.text();
    if (text) {
      try { data = JSON.parse(text); } catch { data = null; }
    }
    if (!res.ok) {
      const retry = parseInt(res.headers.get("Retry-After") || "0", 10) || 0;
      let msg = data && typeof data.error === "string" && data.error ? data.error : "The server answered " + res.status + ".";
      if (res.status === 429) {
        msg = retry > 0 ? "Too many requests: try again in " + retry + " s." : "Too many requests: wait a moment and try again.";
      }
      throw new ApiError(res.status, msg, data && data.field, path, retry);
    }
    return data || {};
  }

  // ---------- Messages ----------
  function showMessage(text) {
    el.message.textContent = text;
    el.message.hidden = false;
  }
  function clearMessage() {
    el.message.hidden = true;
    el.message.textContent = "";
    for (const input of document.querySelectorAll('[aria-invalid="true"]')) input.removeAttribute("aria-invalid");
  }
  // fieldInput finds the input an API error's "field" is about; "name" is the
  // room's name when creating a room and the pilot's name otherwise.
  function fieldInput(err) {
    switch (err.field) {
      case "name": return err.path === "/api/rooms" ? el.roomName : el.name;
      case "capacity": return el.capacity;
      case "bots": return el.bots;
      case "round_seconds": return el.round;
      case "code": return el.code;
      default: return null;
    }
  }
  function showError(err) {
    showMessage(err && err.message ? err.message : String(err));
    const input = err instanceof ApiError ? fieldInput(err) : null;
    if (input) {
      input.setAttribute("aria-invalid", "true");
      input.focus();
    }
  }

  function setStatus() {
    if (sessionConfirmed && session.name) {
      el.status.textContent = "Signed in as " + session.name + ".";
      el.status.hidden = false;
    } else {
      el.status.hidden = true;
    }
  }

  // ---------- Session ----------
  function validName(name) {
    return name.length >= 1 && [...name].length <= 16 && !/[\u0000-\u001f\u007f]/.test(name);
  }

  function saveSession(data) {
    session = { name: data.name, token: data.token };
    sessionConfirmed = true;
    store.set(KEY_NAME, data.name);
    store.set(KEY_TOKEN, data.token);
    if (data.player_id !== undefined) store.set(KEY_PLAYER, String(data.player_id));
    setStatus();
  }

  async function openSession(name) {
    const body = { name };
    if (session.token) body.token = session.token;
    try {
      saveSession(await api("POST", "/api/session", body));
    } catch (err) {
      // A token the server no longer knows is dropped and a fresh session asked for.
      if (body.token && err.status >= 400 && err.status < 500 && err.status !== 429 && err.field !== "name") {
        session.token = "";
        store.remove(KEY_TOKEN);
        saveSession(await api("POST", "/api/session", { name }));
        return;
      }
      throw err;
    }
  }

  // ensureSession makes sure a confirmed session exists for the name in the input.
  async function ensureSession() {
    const name = el.name.value.trim();
    if (!validName(name)) {
      throw new ApiError(400, "Choose a pilot name of 1 to 16 characters.", "name");
    }
    if (!sessionConfirmed || name !== session.name || !session.token) {
      await openSession(name);
    }
  }

  // withSession runs an authenticated call, renewing the session once when
  // the server says the token is no longer valid.
  async function withSession(call) {
    await ensureSession();
    try {
      return await call();
    } catch (err) {
      if (err.status !== 401) throw err;
      sessionConfirmed = false;
      session.token = "";
      store.remove(KEY_TOKEN);
      await ensureSession();
      return call();
    }
  }

  // ---------- Going to the game ----------
  function enterRoom(room) {
    if (!room || room.id === undefined || !room.ws_url) {
      throw new ApiError(0, "The server did not say which room to join.");
    }
    const q = new URLSearchParams({ room: String(room.id), ws: room.ws_url });
    location.assign("/play?" + q.toString());
  }

  // watchRoom opens the game in spectate mode: no seat is asked for, so a
  // full room can be watched too; the hello needs a session all the same.
  function watchRoom(button, room) {
    busy(button, async () => {
      await ensureSession();
      const q = new URLSearchParams({ room: String(room.id), ws: room.ws_url, spectate: "1" });
      location.assign("/play?" + q.toString());
    });
  }

  // A node that is full (or cannot take a seat for a moment) answers 503
  // with Retry-After: the lobby says so, counts down and tries again by
  // itself, until it gets a seat or the player does something else.
  let retryTimer = 0;
  function cancelRetry() {
    clearInterval(retryTimer);
    retryTimer = 0;
  }
  function retryLater(button, work, err) {
    let left = Math.min(Math.max(err.retryAfter, 1), 60);
    const full = /full/i.test(err.message);
    // A full node asks for more than 5 s only when a crowd is waiting
    // (it spaces their tries): say so, so that a long wait is not a mystery.
    const what = full ? (err.retryAfter > 5 ? "All arenas are full — many pilots are waiting;" : "All arenas are full —")
      : err.message.replace(/[.;]\s*$/, "") + " —";
    const say = () => showMessage(what + " retrying in " + left + " s");
    say();
    retryTimer = setInterval(() => {
      left--;
      if (left > 0) {
        say();
        return;
      }
      cancelRetry();
      busy(button, work);
    }, 1000);
  }

  async function busy(button, work) {
    cancelRetry();
    clearMessage();
    // Only the buttons enabled now are disabled, and later enabled again, so
    // that the Join button of a full room stays disabled.
    const buttons = [...document.querySelectorAll("button")].filter((b) => !b.disabled);
    for (const b of buttons) b.disabled = true;
    button.setAttribute("aria-busy", "true");
    try {
      await work();
    } catch (err) {
      if (err instanceof ApiError && err.status === 503 && err.retryAfter > 0) {
        retryLater(button, work, err);
      } else {
        showError(err);
      }
    } finally {
      for (const b of buttons) b.disabled = false;
      button.removeAttribute("aria-busy");
    }
  }

  el.playForm.addEventListener("submit", (ev) => {
    ev.preventDefault();
    if (invite) {
      joinByCode(invite); // opened from a room's link: Play joins that room
      return;
    }
    busy(el.play, async () => enterRoom(await withSession(() => api("POST", "/api/play", undefined, true))));
  });

  function joinRoom(button, body) {
    busy(button, async () => enterRoom(await withSession(() => api("POST", "/api/join", body, true))));
  }

  el.joinForm.addEventListener("submit", (ev) => {
    ev.preventDefault();
    const code = el.code.value.trim().toUpperCase();
    if (!code) {
      showError(new ApiError(400, "Type the code your friend shared.", "code"));
      return;
    }
    joinByCode(code);
  });

  let createdRoom = null;
  el.createForm.addEventListener("submit", (ev) => {
    ev.preventDefault();
    const body = {
      name: el.roomName.value.trim(),
      capacity: parseInt(el.capacity.value, 10),
      bots: parseInt(el.bots.value, 10),
      round_seconds: parseInt(el.round.value, 10),
      public: el.isPublic.checked,
    };
    busy(el.createForm.querySelector("button"), async () => {
      if (!body.name) throw new ApiError(400, "Give your room a name.", "name", "/api/rooms");
      const room = await withSession(() => api("POST", "/api/rooms", body, true));
      if (room.code) {
        createdRoom = room;
        el.createdCode.textContent = room.code;
        el.createdLink.textContent = roomLink(room.code);
        el.created.hidden = false;
        el.createForm.hidden = true;
        el.enterCreated.focus();
        return;
      }
      enterRoom(room);
    });
  });

  el.copyCode.addEventListener("click", async () => {
    try {
      await navigator.clipboard.writeText(el.createdLink.textContent);
      el.copyCode.textContent = "Copied";
    } catch {
      el.copyCode.textContent = "Select it";
    }
    setTimeout(() => { el.copyCode.textContent = "Copy link"; }, 1500);
  });
  el.enterCreated.addEventListener("click", () => {
    busy(el.enterCreated, async () => enterRoom(createdRoom));
  });

  el.name.addEventListener("input", () => {
    el.name.removeAttribute("aria-invalid");
  });

  // ---------- Room list ----------
  function formatSeconds(s) {
    s = Math.max(0, Math.floor(Number(s) || 0));
    return Math.floor(s / 60) + ":" + String(s % 60).padStart(2, "0");
  }

  function span(cls, text) {
    const e = document.createElement("span");
    if (cls) e.className = cls;
    e.textContent = text;
    return e;
  }

  function metaItem(label, value) {
    const item = document.createElement("span");
    const b = document.createElement("b");
    b.textContent = value;
    item.append(b, " " + label);
    return item;
  }

  function renderRoom(room) {
    const humans = Number(room.humans) || 0;
    const capacity = Number(room.capacity) || 0;
    const full = capacity > 0 && humans >= capacity;

    const li = document.createElement("li");
    li.className = "room" + (full ? " full" : "");
    li.dataset.room = String(room.id);

    const info = document.createElement("div");
    info.append(span("room-name", room.name || "Room " + room.id));
    const meta = document.createElement("div");
    meta.className = "room-meta";
    meta.append(
      metaItem(humans === 1 ? "pilot" : "pilots", String(humans)),
      metaItem(Number(room.bots) === 1 ? "bot" : "bots", String(Number(room.bots) || 0)),
      metaItem("left in round", formatSeconds(room.round_seconds_left)),
    );
    const watching = Number(room.spectators) || 0;
    if (watching > 0) meta.append(metaItem("watching", String(watching)));
    info.append(meta);

    const fill = document.createElement("div");
    fill.className = "fill";
    const bar = document.createElement("div");
    bar.className = "fill-bar";
    const barFill = document.createElement("span");
    barFill.style.width = (capacity ? Math.min(100, (humans / capacity) * 100) : 0) + "%";
    bar.append(barFill);
    fill.append(bar, span("fill-label", humans + " / " + capacity + (full ? " full" : "")));

    const join = document.createElement("button");
    join.type = "button";
    join.className = "btn btn-small";
    join.textContent = full ? "Full" : "Join";
    join.disabled = full;
    join.setAttribute("aria-label", "Join " + (room.name || "room " + room.id));
    join.addEventListener("click", () => joinRoom(join, { room: room.id }));

    const watch = document.createElement("button");
    watch.type = "button";
    watch.className = "btn btn-small btn-ghost watch";
    watch.textContent = "Watch";
    watch.setAttribute("aria-label", "Watch " + (room.name || "room " + room.id));
    watch.addEventListener("click", () => watchRoom(watch, room));

    const actions = document.createElement("div");
    actions.className = "room-actions";
    actions.append(join, watch);
    li.append(info, fill, actions);
    return li;
  }

  let refreshTimer = 0;
  async function refreshRooms() {
    clearTimeout(refreshTimer);
    try {
      const data = await api("GET", "/api/rooms");
      const rooms = Array.isArray(data.rooms) ? data.rooms : [];
      el.rooms.replaceChildren(...rooms.map(renderRoom));
      el.roomsEmpty.hidden = rooms.length > 0;
      el.roomsState.textContent = rooms.length === 1 ? "1 room live" : rooms.length + " rooms live";
      el.roomsState.className = "live ok";
    } catch (err) {
      el.roomsState.textContent = err.status === 0 ? "Server unreachable, retrying…" : "Could not load rooms, retrying…";
      el.roomsState.className = "live bad";
    }
    if (!document.hidden) refreshTimer = setTimeout(refreshRooms, REFRESH_MS);
  }
  document.addEventListener("visibilitychange", () => {
    if (!document.hidden) refreshRooms();
  });

  // ---------- Shared room links: /r/CODE ----------
  // invite is the room code of the link this page was opened from, until
  // joining it fails; while set, Play joins that room.
  let invite = "";
  // roomLink is the address a friend opens to join the private room code.
  function roomLink(code) {
    return location.origin + "/r/" + encodeURIComponent(code);
  }

  // sharedCode is the room code of a /r/CODE address, or "".
  function sharedCode() {
    const m = /^\/r\/([A-Za-z0-9]{1,12})\/?$/.exec(location.pathname);
    return m ? m[1].toUpperCase() : "";
  }

  // joinShared joins the room of a shared link. A name is needed first: with
  // none kept from an earlier visit, the player types one and presses Join.
  // A room that is full or gone says so and points at Play (quick play).
  function joinShared(code) {
    el.code.value = code;
    if (!validName(el.name.value.trim())) {
      showMessage("You were invited to room " + code + ". Type your pilot name, then press Play.");
      el.name.focus();
      return;
    }
    joinByCode(code);
  }

  // joinByCode joins the private room code; a room that is full or gone says
  // so and points at Play (quick play).
  function joinByCode(code) {
    busy(el.joinForm.querySelector("button"), async () => {
      try {
        enterRoom(await withSession(() => api("POST", "/api/join", { code }, true)));
      } catch (err) {
        if (err.status === 409 || err.status === 404) {
          invite = ""; // Play is quick play again
          const why = err.status === 409 ? "is full" : "has finished or does not exist";
          throw new ApiError(err.status, "Room " + code + " " + why + ". Press Play for a quick game instead.");
        }
        throw err;
      }
    }).then(() => {
      if (!el.message.hidden) el.play.focus();
    });
  }

  // ---------- Start ----------
  invite = sharedCode();
  el.name.value = session.name;
  if (session.token && session.name) {
    openSession(session.name).catch((err) => {
      if (err.status !== 0) {
        session.token = "";
        store.remove(KEY_TOKEN);
      }
    });
  }
  if (!el.name.value) el.name.focus();
  if (invite) joinShared(invite);
  refreshRooms();
})();
