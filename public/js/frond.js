/*!
 * frond.js — Tina4's small browser helper (WebSocket part).
 *
 *   <script src="/js/frond.js"></script>
 *   const ws = frond.ws("/ws/chat/general", { reconnectInterval: 3000 });
 *   ws.on("open", function () { ws.send(JSON.stringify({ type: "set-username", username: "Alice" })); });
 *   ws.on("message", function (data) { const msg = JSON.parse(data); ... });
 *
 * frond.ws(path, options) returns a socket object with:
 *   on(event, fn)  add a listener (several per event are fine); returns the socket
 *   off(event, fn) remove a listener; returns the socket
 *   send(data)     send now when open, otherwise buffer and send once (re)connected; true if
 *                  sent or buffered, false (with a console warning) if dropped because no
 *                  reconnect will come (close(), a 1008 refusal, reconnect_failed) or buffering is off
 *   close([code], [reason])  close for good: no more reconnects, buffer dropped
 *   status         "connecting" | "open" | "closing" | "reconnecting" | "closed"
 *                  ("closing": the connection is shutting down and a close event follows;
 *                  send() then buffers like in "reconnecting")
 *   url            the ws:// or wss:// URL in use
 *   buffered       a copy of the messages waiting to be sent
 *
 * Options (defaults in brackets):
 *   reconnect [true]            reconnect when the connection drops (not after a 1008
 *                               "policy violation" close: the server refused this client)
 *   reconnectInterval [3000]    ms to wait before each attempt, jittered ±20%
 *   maxReconnectAttempts [10]   give up (event "reconnect_failed") after this many failed attempts;
 *                               the count starts again only after a connection stayed open for
 *                               reconnectInterval, so a server that accepts and at once closes
 *                               is not retried forever
 *   maxBufferedMessages [100]   messages kept while not open; the oldest is dropped (with a warning)
 *
 * Events:
 *   open              connected (first time and after every reconnect)
 *   message (data)    a message arrived: the raw string (event.data); JSON.parse it yourself
 *   close (event)     the underlying connection closed (also after a failed attempt): the CloseEvent;
 *                     status already says what comes next ("reconnecting" or "closed")
 *   error (event)     the browser reported a WebSocket error (a close follows)
 *   reconnect (n)     reconnect attempt n (1, 2, ...) is starting
 *   reconnect_failed  maxReconnectAttempts attempts failed; status is now "closed"
 *
 * Open listeners run before buffered messages are flushed, so they can restore session
 * state (e.g. send "set-name" again after a reconnect) ahead of what was queued meanwhile.
 *
 * Back/forward cache: the connection is closed on pagehide with code 1000 and reason
 * "going away: page hidden" (browsers do not let scripts send 1001, "going away") and opened
 * again on pageshow when the page comes back from the cache, with a fresh attempt counter.
 * Messages sent meanwhile are buffered. close() (or a 1008 refusal) removes these listeners.
 *
 * No dependencies, no build step.
 */
(function (global) {
  "use strict";

  var frond = global.frond || {};

  var DEFAULTS = {
    reconnect: true,
    reconnectInterval: 3000,
    maxReconnectAttempts: 10,
    maxBufferedMessages: 100
  };

  var EVENTS = ["open", "message", "close", "error", "reconnect", "reconnect_failed"];

  /**
   * The WebSocket URL for `path`, resolved against `base` (default: the page's address).
   * "/ws/chat" on http://host:7149/x gives ws://host:7149/ws/chat; on an https page, wss://.
   * ws:// and wss:// URLs pass through unchanged. Any #fragment is dropped (WebSocket refuses it).
   */
  function wsUrl(path, base) {
    var url = new URL(String(path), base || global.location.href);
    if (url.protocol === "http:") url.protocol = "ws:";
    else if (url.protocol === "https:") url.protocol = "wss:";
    else if (url.protocol !== "ws:" && url.protocol !== "wss:") {
      throw new SyntaxError("frond.ws: unsupported URL scheme " + url.protocol);
    }
    url.hash = "";
    return url.href;
  }

  /** Calls every listener of `event`; one that throws is logged and the others still run. */
  function emit(listeners, event, arg) {
    var list = listeners[event].slice(); // listeners may add or remove listeners while we run
    for (var i = 0; i < list.length; i++) {
      try {
        list[i].call(null, arg);
      } catch (err) {
        console.error("frond.ws: a '" + event + "' listener threw:", err);
      }
    }
  }

  function option(options, name) {
    return options && options[name] !== undefined ? options[name] : DEFAULTS[name];
  }

  function FrondSocket(path, options) {
    var self = this;
    var listeners = {};
    EVENTS.forEach(function (name) { listeners[name] = []; });

    var settings = {
      reconnect: option(options, "reconnect") !== false,
      reconnectInterval: Math.max(0, Number(option(options, "reconnectInterval")) || 0),
      maxReconnectAttempts: Math.max(0, Number(option(options, "maxReconnectAttempts")) || 0),
      maxBufferedMessages: Math.max(0, Number(option(options, "maxBufferedMessages")) || 0)
    };

    var url = wsUrl(path);
    var socket = null;      // the current native WebSocket, if any
    var buffer = [];        // messages waiting for an open connection, oldest first
    var attempts = 0;       // reconnect attempts since the last connection that stayed open
    var openedAt = 0;       // Date.now() of the current connection's open
    var timer = null;       // pending reconnect timeout
    var closedByPage = false; // close() was called (or the server refused us): stay closed
    var refused = false;    // the server closed with 1008
    var hidden = false;     // page is in (or going into) the back/forward cache
    var state = "connecting";

    this.url = url;
    Object.defineProperty(this, "status", {
      get: function () {
        // The server (or the browser) began closing: a close event follows shortly.
        if (state === "open" && socket && socket.readyState !== WebSocket.OPEN) return "closing";
        return state;
      }
    });
    Object.defineProperty(this, "buffered", {
      get: function () { return buffer.slice(); }
    });

    function connect() {
      var ws;
      try {
        ws = new WebSocket(url);
      } catch (err) { // e.g. a blocked port: treat like a failed connection
        console.error("frond.ws: cannot connect to " + url + ":", err);
        emit(listeners, "error", err);
        retry();
        return;
      }
      socket = ws;

      ws.onopen = function () {
        if (ws !== socket) return;
        openedAt = Date.now();
        state = "open";
        emit(listeners, "open");
        flush();
      };
      ws.onmessage = function (event) {
        if (ws !== socket) return;
        emit(listeners, "message", event.data);
      };
      ws.onerror = function (event) {
        if (ws !== socket) return;
        emit(listeners, "error", event);
      };
      ws.onclose = function (event) {
        if (ws !== socket) return; // an old socket we already let go of
        socket = null;
        // Only a connection that stayed up a while counts as a success for the attempt counter.
        if (openedAt && Date.now() - openedAt >= settings.reconnectInterval) attempts = 0;
        openedAt = 0;
        if (event.code === 1008) {
          // Policy violation: the server refused this client (e.g. a bad token). Retrying the
          // same request cannot succeed, so stop here instead of hammering it.
          refused = true;
          finish();
        }
        if (!closedByPage && !hidden) {
          // What the close listeners see: will we try again?
          state = settings.reconnect && attempts < settings.maxReconnectAttempts ? "reconnecting" : "closed";
        }
        emit(listeners, "close", event);
        if (!closedByPage && !hidden) retry();
      };
    }

    /** Schedules the next reconnect attempt, or gives up. */
    function retry() {
      if (closedByPage || hidden) return;
      if (!settings.reconnect) {
        state = "closed";
        return;
      }
      if (attempts >= settings.maxReconnectAttempts) {
        state = "closed";
        buffer = [];
        emit(listeners, "reconnect_failed");
        return;
      }
      state = "reconnecting";
      var jitter = 0.8 + Math.random() * 0.4; // ±20% so many clients do not retry in lockstep
      timer = setTimeout(function () {
        timer = null;
        if (closedByPage || hidden) return;
        attempts += 1;
        emit(listeners, "reconnect", attempts);
        if (closedByPage || hidden || socket) return; // a listener closed or reconnected us
        connect();
      }, settings.reconnectInterval * jitter);
    }

    /** Sends the buffered messages in order while the connection stays open. */
    function flush() {
      while (buffer.length && socket && socket.readyState === WebSocket.OPEN) {
        socket.send(buffer.shift());
      }
    }

    /** Drops the current connection without triggering a reconnect. */
    function drop(code, reason) {
      if (timer) { clearTimeout(timer); timer = null; }
      var ws = socket;
      socket = null;
      openedAt = 0;
      if (ws && ws.readyState !== WebSocket.CLOSED) {
        // Let the page see this close too (also when it was already closing), nothing else.
        ws.onopen = ws.onmessage = ws.onerror = null;
        ws.onclose = function (event) { emit(listeners, "close", event); };
        if (ws.readyState !== WebSocket.CLOSING) {
          try { ws.close(code, reason); } catch (err) { ws.close(); }
        }
      }
    }

    /** Stays closed for good: no reconnects, no buffer, no page listeners. */
    function finish() {
      closedByPage = true;
      buffer = [];
      state = "closed";
      global.removeEventListener("pagehide", onPageHide);
      global.removeEventListener("pageshow", onPageShow);
    }

    this.on = function (event, fn) {
      if (!listeners[event]) throw new Error("frond.ws: unknown event '" + event + "'");
      if (typeof fn === "function") listeners[event].push(fn);
      return self;
    };

    this.off = function (event, fn) {
      if (listeners[event]) {
        listeners[event] = listeners[event].filter(function (f) { return f !== fn; });
      }
      return self;
    };

    this.send = function (data) {
      if (refused) {
        console.warn("frond.ws: the server refused this connection (close code 1008); message dropped");
        return false;
      }
      if (closedByPage) {
        console.warn("frond.ws: send() after close() is ignored");
        return false;
      }
      if (socket && socket.readyState === WebSocket.OPEN) {
        socket.send(data);
        return true;
      }
      if (state === "closed" && !hidden) {
        console.warn("frond.ws: not connected and not reconnecting; message dropped");
        return false;
      }
      if (settings.maxBufferedMessages === 0) {
        console.warn("frond.ws: not connected and buffering is off; message dropped");
        return false;
      }
      buffer.push(data);
      if (buffer.length > settings.maxBufferedMessages) {
        buffer.shift();
        console.warn("frond.ws: more than " + settings.maxBufferedMessages +
          " messages waiting; dropped the oldest");
      }
      return true;
    };

    this.close = function (code, reason) {
      finish();
      drop(code === undefined ? 1000 : code, reason || "");
    };

    // Back/forward cache: an open WebSocket keeps a page out of the cache, and a cached page
    // must not keep reconnecting. Close while hidden; reconnect when it comes back.
    // Scripts may only close with 1000 or 3000-4999 (close(1001) throws InvalidAccessError),
    // so "going away" is sent as 1000 with a reason.
    function onPageHide() {
      if (closedByPage) return;
      hidden = true;
      state = "closed";
      drop(1000, "going away: page hidden");
    }
    function onPageShow(event) {
      if (!event.persisted || closedByPage || !hidden) return;
      hidden = false;
      attempts = 0;
      state = "connecting";
      connect();
    }
    global.addEventListener("pagehide", onPageHide);
    global.addEventListener("pageshow", onPageShow);

    connect();
  }

  /** Opens a WebSocket to `path` (relative to the page, or a full ws:// / wss:// URL). */
  frond.ws = function (path, options) {
    return new FrondSocket(path, options);
  };
  frond.wsUrl = wsUrl;

  global.frond = frond;
})(window);
