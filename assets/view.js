// The behaviour of /stream/view: the live HLS player, the refreshing snapshot and the camera controls.
// The page's data comes from data- attributes of #view (HTML-escaped by the server).
// A ?token= on the page's own URL is passed on to every request this script makes
// to ptzgrab, and never to another origin.
(function () {
  "use strict";

  var view = document.getElementById("view");
  if (!view) return;

  var source = view.dataset.source || "";
  var hlsUrl = view.dataset.hlsUrl || "";
  var mjpegUrl = view.dataset.mjpegUrl || ""; // a live source without HLS: the server's MJPEG restream
  var refreshMs = Math.max(1000, parseInt(view.dataset.refreshMs, 10) || 3000);
  var requestTimeoutMs = 30000; // a forced grab may take the source's whole grab timeout
  var token = new URLSearchParams(location.search).get("token") || "";

  function $(id) { return document.getElementById(id); }

  function isOwnOrigin(url) {
    try { return new URL(url, location.href).origin === location.origin; } catch (e) { return false; }
  }

  /// `url` with ?token= added when the page has one and the URL is ptzgrab's own.
  function withToken(url) {
    if (!token || !isOwnOrigin(url)) return url;
    var u = new URL(url, location.href);
    u.searchParams.set("token", token);
    return u.pathname + u.search + u.hash;
  }

  function authHeaders(url) {
    return token && isOwnOrigin(url) ? { Authorization: "Bearer " + token } : {};
  }

  function setBadge(el, text, kind) {
    if (!el) return;
    el.textContent = text;
    el.className = "badge" + (kind ? " badge-" + kind : "");
  }

  // ---- links to other view pages (the source picker): keep the token ----
  document.querySelectorAll('a[href^="/stream/view"]').forEach(function (a) {
    a.setAttribute("href", withToken(a.getAttribute("href")));
  });

  // ---- live player ----
  var live = {
    video: $("live"),
    state: $("live-state"),
    hls: null,
    retryTimer: 0,
  };

  function liveError(message) {
    setBadge(live.state, "error", "bad");
    var note = $("live-note");
    if (!note) {
      note = document.createElement("p");
      note.id = "live-note";
      note.className = "note";
      live.video.insertAdjacentElement("afterend", note);
    }
    note.textContent = message;
  }

  /// A line under the player while the stream cannot be loaded; empty text removes it.
  function liveProblem(text) {
    var el = $("live-problem");
    if (!el && text) {
      el = document.createElement("p");
      el.id = "live-problem";
      el.className = "error";
      live.video.parentElement.insertAdjacentElement("afterend", el);
    }
    if (!el) return;
    el.textContent = text;
    el.hidden = !text;
  }

  function watchVideo(video) {
    video.addEventListener("playing", function () {
      setBadge(live.state, "playing", "good");
      liveProblem("");
    });
    video.addEventListener("waiting", function () { setBadge(live.state, "buffering", "warn"); });
    video.addEventListener("stalled", function () { setBadge(live.state, "buffering", "warn"); });
    video.addEventListener("pause", function () {
      if (!video.ended) setBadge(live.state, "paused", "");
    });
  }

  function tryAutoplay(video) {
    var p = video.play();
    if (p && p.catch) {
      p.catch(function () { setBadge(live.state, "tap play", ""); });
    }
  }

  // hls.js first: it carries the token on playlist and segment requests and behaves the same
  // in every MSE browser; the browser's own HLS (iPhone Safari before MSE) is the fallback.
  function startHlsJs(video) {
    var hls = new window.Hls({
      lowLatencyMode: false,
      backBufferLength: 30,
      xhrSetup: function (xhr, url) {
        if (token && isOwnOrigin(url)) {
          xhr.open("GET", url, true);
          xhr.setRequestHeader("Authorization", "Bearer " + token);
        }
      },
    });
    live.hls = hls;
    hls.on(window.Hls.Events.MANIFEST_PARSED, function () { tryAutoplay(video); });
    hls.on(window.Hls.Events.ERROR, function (_event, data) {
      if (!data.fatal) return;
      if (data.type === window.Hls.ErrorTypes.MEDIA_ERROR) {
        hls.recoverMediaError();
        return;
      }
      // Network trouble (a camera rebooting, a playlist not there yet): keep retrying.
      setBadge(live.state, "reconnecting", "warn");
      var code = data.response && data.response.code ? " (HTTP " + data.response.code + ")" : "";
      liveProblem("The live stream cannot be loaded" + code + ": " + data.details + ". Retrying every 3 s.");
      clearTimeout(live.retryTimer);
      live.retryTimer = setTimeout(function () {
        hls.loadSource(hlsUrl);
        hls.startLoad();
      }, 3000);
    });
    hls.loadSource(hlsUrl);
    hls.attachMedia(video);
  }

  // The <img> shows multipart/x-mixed-replace natively. An <img> cannot send a header, so the
  // token goes in its URL. Each open view holds one of the browser's ~6 connections per host.
  function startMjpeg() {
    var img = $("live-mjpeg");
    if (!img || !mjpegUrl) return;
    var retryTimer = 0;
    img.addEventListener("load", function () { setBadge(live.state, "live", "good"); });
    img.addEventListener("error", function () {
      // The source is down, the viewer cap is reached, or the server restarted: try again.
      setBadge(live.state, "reconnecting", "warn");
      clearTimeout(retryTimer);
      retryTimer = setTimeout(function () { img.src = withToken(mjpegUrl) + "&t=" + Date.now(); }, 3000);
    });
    setBadge(live.state, "loading", "");
    img.src = withToken(mjpegUrl);
  }

  function startLive() {
    if (mjpegUrl) return startMjpeg();
    var video = live.video;
    if (!video || !hlsUrl) return;
    watchVideo(video);
    setBadge(live.state, "loading", "");
    if (window.Hls && window.Hls.isSupported()) {
      startHlsJs(video);
    } else if (video.canPlayType("application/vnd.apple.mpegurl")) {
      video.src = withToken(hlsUrl);
      video.addEventListener("error", function () {
        liveError("The browser could not play the live stream.");
      });
      tryAutoplay(video);
    } else {
      video.hidden = true;
      liveError("This browser cannot play HLS (no Media Source Extensions and no native HLS).");
    }
  }

  // ---- snapshot ----
  var snap = {
    img: $("snapshot"),
    mode: "cached",            // "cached" | "forced"
    objectUrl: "",
    timer: 0,
    inFlight: false,
    ageMs: null,               // X-Frame-Age-Ms when the response arrived
    ageAt: 0,                  // performance.now() at that moment
    size: null,                // {w, h} of the picture shown, kept while the next one loads
  };

  function snapshotUrl() {
    var params = new URLSearchParams();
    params.set("source", source);
    if (snap.mode === "forced") params.set("force_refresh", "1");
    return "/stream/snapshot?" + params.toString();
  }

  function formatAge(ms) {
    if (ms < 10000) return (ms / 1000).toFixed(1) + " s";
    if (ms < 120000) return Math.round(ms / 1000) + " s";
    if (ms < 7200000) return Math.round(ms / 60000) + " min";
    return Math.round(ms / 3600000) + " h";
  }

  function renderAge() {
    var el = $("frame-age");
    if (snap.ageMs === null) return;
    var ms = snap.ageMs + (performance.now() - snap.ageAt);
    el.textContent = formatAge(Math.max(0, ms));
    el.dataset.ms = String(Math.round(ms));
  }

  function ageFromHeaders(headers) {
    var age = parseInt(headers.get("X-Frame-Age-Ms"), 10);
    if (!isNaN(age)) return age;
    var grabbed = Date.parse(headers.get("X-Frame-Grabbed-At") || "");
    return isNaN(grabbed) ? null : Math.max(0, Date.now() - grabbed);
  }

  function showHeaders(headers) {
    var cache = (headers.get("X-Cache") || "").toLowerCase();
    var status = (headers.get("X-Source-Status") || "").toLowerCase();
    var grabError = headers.get("X-Grab-Error") || "";
    var grabbedAt = headers.get("X-Frame-Grabbed-At") || "";

    setBadge($("cache-state"), cache || "\u2013",
             { hit: "good", live: "good", miss: "info", refreshing: "info", stale: "warn" }[cache] || "");
    setBadge($("source-status"), status || "\u2013",
             { online: "good", offline: "bad" }[status] || "");
    var at = Date.parse(grabbedAt);
    $("grabbed-at").textContent = isNaN(at) ? "\u2013" : new Date(at).toLocaleTimeString();
    $("grabbed-at").title = grabbedAt;

    snap.ageMs = ageFromHeaders(headers);
    snap.ageAt = performance.now();
    if (snap.ageMs === null) $("frame-age").textContent = "\u2013";
    renderAge();
    showError(grabError ? "Grab failed: " + grabError + (status === "offline" ? " (showing the last good frame)" : "") : "");
  }

  function showError(text) {
    var el = $("grab-error");
    el.textContent = text;
    el.hidden = !text;
  }

  function showImage(blob) {
    var previous = snap.objectUrl;
    snap.objectUrl = URL.createObjectURL(blob);
    snap.img.src = snap.objectUrl;
    if (previous) URL.revokeObjectURL(previous);
  }

  async function refreshSnapshot() {
    clearTimeout(snap.timer);
    snap.inFlight = true;
    setBadge($("snapshot-state"), snap.mode === "forced" ? "grabbing" : "loading", "");
    var controller = new AbortController();
    var abortTimer = setTimeout(function () { controller.abort(); }, requestTimeoutMs);
    try {
      var url = snapshotUrl();
      var res = await fetch(url, { cache: "no-store", headers: authHeaders(url), signal: controller.signal });
      var type = res.headers.get("Content-Type") || "";
      if (type.indexOf("image/") === 0) {
        // A failed grab still answers with an image: the diagnostic card says why.
        showHeaders(res.headers);
        showImage(await res.blob());
        setBadge($("snapshot-state"), res.ok ? snap.mode : "HTTP " + res.status, res.ok ? "" : "bad");
      } else {
        var text = (await res.text()).trim().split("\n")[0];
        showError("HTTP " + res.status + ": " + text);
        setBadge($("snapshot-state"), "HTTP " + res.status, "bad");
      }
    } catch (e) {
      showError(e.name === "AbortError" ? "The snapshot request timed out." : "The server cannot be reached.");
      setBadge($("snapshot-state"), "offline", "bad");
    } finally {
      clearTimeout(abortTimer);
      snap.inFlight = false;
      schedule();
    }
  }

  function schedule() {
    clearTimeout(snap.timer);
    if (document.hidden) return; // resumes on visibilitychange; saves a phone's battery and data
    snap.timer = setTimeout(refreshSnapshot, refreshMs);
  }

  function setMode(mode) {
    snap.mode = mode;
    $("mode-cached").setAttribute("aria-pressed", String(mode === "cached"));
    $("mode-forced").setAttribute("aria-pressed", String(mode === "forced"));
    // The next request uses the new mode: now, or as soon as the one in flight ends.
    if (!snap.inFlight) refreshSnapshot();
  }

  function startSnapshots() {
    if (!snap.img) return;
    $("mode-cached").addEventListener("click", function () { setMode("cached"); });
    $("mode-forced").addEventListener("click", function () { setMode("forced"); });
    document.addEventListener("visibilitychange", function () {
      if (!document.hidden && !snap.inFlight) refreshSnapshot();
    });
    setInterval(renderAge, 500);
    refreshSnapshot();
  }

  // ---- camera controls (a steerable source: data-ptz="1") ----
  // Every call is a same-origin POST (the browser's Origin then matches the server) with the token
  // in the Authorization header. A held button re-sends a ContinuousMove whose 1 s Timeout is the
  // dead-man stop: a lost release (a closed tab, a dropped network) stops the camera within 1 s.
  var ptz = {
    holdResendMs: 500,
    holdDurationS: 1,
    holding: null,        // the button held down, or null
    holdId: 0,            // which hold a re-send loop belongs to (a quick re-press starts a new one)
    wakeHold: null,       // ends the wait between two re-sends (the release)
  };

  function ptzUrl(path, params) {
    var query = new URLSearchParams(params || {});
    query.set("source", source);
    return "/ptz/" + path + "?" + query.toString();
  }

  function ptzError(text) {
    var el = $("ptz-error");
    if (!el) return;
    el.textContent = text;
    el.hidden = !text;
  }

  async function ptzFailure(res) {
    var text = await res.text();
    try {
      var body = JSON.parse(text);
      return "HTTP " + res.status + " " + body.error + ": " + body.reason;
    } catch (e) {
      return "HTTP " + res.status + ": " + text.trim().split("\n")[0];
    }
  }

  /// POST (or GET) to /ptz/...; resolves with the response when it is 2xx, else shows why and resolves null.
  async function ptzCall(method, path, params) {
    var url = ptzUrl(path, params);
    try {
      var res = await fetch(url, { method: method, cache: "no-store", headers: authHeaders(url) });
      if (!res.ok) {
        ptzError(await ptzFailure(res));
        setBadge($("ptz-state"), "error", "bad");
        return null;
      }
      ptzError("");
      return res;
    } catch (e) {
      ptzError("The server cannot be reached.");
      setBadge($("ptz-state"), "offline", "bad");
      return null;
    }
  }

  function ptzSpeed() {
    var v = parseFloat(($("ptz-speed") || {}).value);
    return isNaN(v) ? 0.5 : Math.min(1, Math.max(0.1, v));
  }

  function showPosition(status) {
    var p = status.position || {};
    var el = $("ptz-position");
    function fmt(v) { return typeof v === "number" ? v.toFixed(2) : "\u2013"; }
    el.textContent = "pan " + fmt(p.pan) + ", tilt " + fmt(p.tilt) + ", zoom " + fmt(p.zoom);
    el.dataset.pan = p.pan; el.dataset.tilt = p.tilt; el.dataset.zoom = p.zoom;
    var moving = status.move_status && (status.move_status.pan_tilt === "moving" || status.move_status.zoom === "moving");
    setBadge($("ptz-state"), moving ? "moving" : "idle", moving ? "info" : "good");
  }

  async function refreshPosition() {
    var res = await ptzCall("GET", "status");
    if (res) showPosition(await res.json());
  }

  /// A move, goto or home answered with the frame after the camera settled: shown as the snapshot.
  async function showSettledFrame(res) {
    if (!res) return;
    if ((res.headers.get("Content-Type") || "").indexOf("image/") === 0) {
      showHeaders(res.headers);
      showImage(await res.blob());
      setBadge($("snapshot-state"), res.headers.get("X-PTZ-Settled") === "true" ? "after move" : "moving", "");
    }
    refreshPosition();
  }

  async function ptzMoveAndShow(path, params) {
    setBadge($("ptz-state"), "moving", "info");
    var all = Object.assign({ then: "snapshot" }, params || {});
    await showSettledFrame(await ptzCall("POST", path, all));
  }

  function holdParams(button) {
    var speed = ptzSpeed(), params = { mode: "continuous", duration: String(ptz.holdDurationS) };
    ["pan", "tilt", "zoom"].forEach(function (axis) {
      var d = parseFloat(button.dataset[axis]);
      if (!isNaN(d) && d !== 0) params[axis] = String(d * speed);
    });
    return params;
  }

  /// Re-sends the held button's move with one request in flight at most: the next waits for the
  /// previous answer (and holdResendMs), so a slow camera never gets a pile of moves to replay later.
  async function holdLoop(button, id) {
    while (ptz.holdId === id) {
      var sent = Date.now();
      await ptzCall("POST", "move", holdParams(button));
      var wait = ptz.holdResendMs - (Date.now() - sent);
      if (ptz.holdId === id && wait > 0) {
        await new Promise(function (resolve) {
          var timer = setTimeout(resolve, wait);
          ptz.wakeHold = function () { clearTimeout(timer); resolve(); };
        });
      }
    }
  }

  function startHold(button) {
    if (ptz.holding) return;
    ptz.holding = button;
    button.classList.add("held");
    setBadge($("ptz-state"), "moving", "info");
    holdLoop(button, ++ptz.holdId);
  }

  function endHold() {
    if (!ptz.holding) return;
    ptz.holding.classList.remove("held");
    ptz.holding = null;
    ++ptz.holdId;  // the loop sends no more moves
    if (ptz.wakeHold) ptz.wakeHold();
    ptz.wakeHold = null;
    ptzCall("POST", "stop").then(function () { setTimeout(refreshPosition, 300); });
  }

  function renderPresets(list) {
    var ul = $("ptz-presets");
    ul.textContent = "";
    if (!list.length) {
      var empty = document.createElement("li");
      empty.className = "caption";
      empty.textContent = "No presets yet.";
      ul.appendChild(empty);
    }
    list.forEach(function (preset) {
      var li = document.createElement("li");
      li.dataset.token = preset.token;
      var go = document.createElement("button");
      go.type = "button";
      go.className = "ptz-goto";
      go.textContent = preset.label;
      go.title = "Go to " + preset.label;
      go.addEventListener("click", function () { ptzMoveAndShow("goto", { preset: preset.token }); });
      var remove = document.createElement("button");
      remove.type = "button";
      remove.className = "ptz-remove";
      remove.textContent = "\u00d7";
      remove.title = "Remove " + preset.label;
      remove.setAttribute("aria-label", "Remove " + preset.label);
      remove.addEventListener("click", async function () {
        if (!window.confirm("Remove the preset " + preset.label + "?")) return;
        if (await ptzCall("POST", "presets/remove", { preset: preset.token })) loadPresets();
      });
      li.appendChild(go);
      li.appendChild(remove);
      ul.appendChild(li);
    });
  }

  async function loadPresets() {
    var res = await ptzCall("GET", "presets");
    if (res) renderPresets((await res.json()).presets || []);
  }

  async function savePreset() {
    var name = window.prompt("Name of the new preset:");
    if (name === null) return;
    name = name.trim();
    if (!name) return ptzError("A preset needs a name.");
    if (await ptzCall("POST", "presets", { name: name })) loadPresets();
  }

  /// The point of the snapshot clicked, in [-1, 1] from its center (x right, y down), allowing for
  /// the letterbox of object-fit: contain; null outside the picture. While the next snapshot loads
  /// the element reports no natural size, so the shown picture's is used: a click is never lost.
  function pictureOffset(img, event) {
    var box = img.getBoundingClientRect();
    var naturalW = img.naturalWidth || (snap.size && snap.size.w);
    var naturalH = img.naturalHeight || (snap.size && snap.size.h);
    if (!naturalW || !naturalH || !box.width || !box.height) return null;
    var scale = Math.min(box.width / naturalW, box.height / naturalH);
    var w = naturalW * scale, h = naturalH * scale;
    var x = (event.clientX - box.left - (box.width - w) / 2) / w * 2 - 1;
    var y = (event.clientY - box.top - (box.height - h) / 2) / h * 2 - 1;
    if (x < -1 || x > 1 || y < -1 || y > 1) return null;
    return { x: x, y: y };
  }

  function startPtz() {
    if (view.dataset.ptz !== "1" || !$("ptz-presets")) return;
    document.querySelectorAll(".ptz-hold").forEach(function (button) {
      button.addEventListener("pointerdown", function (event) {
        event.preventDefault();
        if (button.setPointerCapture && event.pointerId !== undefined) {
          try { button.setPointerCapture(event.pointerId); } catch (e) { /* a synthetic pointer */ }
        }
        startHold(button);
      });
      ["pointerup", "pointercancel", "pointerleave", "lostpointercapture"].forEach(function (type) {
        button.addEventListener(type, endHold);
      });
      button.addEventListener("keydown", function (event) {
        if ((event.key === " " || event.key === "Enter") && !event.repeat) startHold(button);
      });
      button.addEventListener("keyup", function (event) {
        if (event.key === " " || event.key === "Enter") endHold();
      });
    });
    window.addEventListener("blur", endHold);
    document.addEventListener("visibilitychange", function () { if (document.hidden) endHold(); });
    $("ptz-home").addEventListener("click", function () { ptzMoveAndShow("home"); });
    $("ptz-set-home").addEventListener("click", async function () {
      if (await ptzCall("POST", "home/set")) setBadge($("ptz-state"), "home set", "good");
    });
    $("ptz-save").addEventListener("click", savePreset);
    if (snap.img) {
      snap.img.classList.add("ptz-clickable");
      snap.img.title = "Click to center the camera here";
      snap.img.addEventListener("load", function () {
        snap.size = { w: snap.img.naturalWidth, h: snap.img.naturalHeight };
      });
      snap.img.addEventListener("click", function (event) {
        var at = pictureOffset(snap.img, event);
        if (at) ptzMoveAndShow("move", { mode: "center", x: at.x.toFixed(4), y: at.y.toFixed(4) });
      });
    }
    loadPresets();
    refreshPosition();
  }

  startLive();
  startSnapshots();
  startPtz();
})();
