// The behaviour of /stream/view: the live HLS player and the refreshing snapshot.
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

  startLive();
  startSnapshots();
})();
