/* The /dashboard page: draws each snapshot /ws/dashboard pushes (see DashboardFeed.swift).
 * Everything from the server is written with textContent or as SVG attributes of numbers:
 * room names are user input and are shown, never parsed as HTML. */
(function () {
  "use strict";
  var statusEl = document.getElementById("status");
  var ws = frond.ws("/ws/dashboard", { reconnectInterval: 2000, maxReconnectAttempts: 1000 });

  function setStatus(text, open) {
    statusEl.textContent = text;
    statusEl.classList.toggle("is-open", open);
  }

  function setText(id, value) { document.getElementById(id).textContent = value; }

  function formatRate(value) { return value >= 100 ? String(Math.round(value)) : value.toFixed(1); }

  function cell(text, className) {
    var td = document.createElement("td");
    td.textContent = text;
    if (className) { td.className = className; }
    return td;
  }

  // Replaces the rows of a <tbody>: one <tr> per item from makeCells, or the empty message.
  function fillTable(id, items, makeCells, emptyText, columns) {
    var body = document.getElementById(id);
    var rows = [];
    if (items.length === 0) {
      var tr = document.createElement("tr");
      tr.className = "empty";
      var td = cell(emptyText);
      td.colSpan = columns;
      tr.appendChild(td);
      rows.push(tr);
    }
    items.forEach(function (item) {
      var row = document.createElement("tr");
      makeCells(item).forEach(function (td) { row.appendChild(td); });
      rows.push(row);
    });
    body.replaceChildren.apply(body, rows);
  }

  function timeOfDay(seconds) {
    return new Date(seconds * 1000).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit", second: "2-digit", hour12: false });
  }

  var SVG = "http://www.w3.org/2000/svg";
  var WIDTH = 720, HEIGHT = 180, SLOTS = 180;

  // A nice round top for the scale: 1, 2, 5, 10, 20, 50, ...
  function niceCeiling(value) {
    if (value <= 1) { return 1; }
    var power = Math.pow(10, Math.floor(Math.log10(value)));
    var steps = [1, 2, 5, 10];
    for (var i = 0; i < steps.length; i++) { if (value <= steps[i] * power) { return steps[i] * power; } }
    return 10 * power;
  }

  function drawChart(history) {
    var top = niceCeiling(history.reduce(function (m, p) { return Math.max(m, p[0], p[1]); }, 0));
    var step = WIDTH / (SLOTS - 1);
    var offset = SLOTS - history.length;   // newest point at the right edge
    function points(index) {
      return history.map(function (p, i) {
        var x = (offset + i) * step;
        var y = HEIGHT - 4 - (p[index] / top) * (HEIGHT - 8);
        return x.toFixed(1) + "," + y.toFixed(1);
      }).join(" ");
    }
    // Each line, and the same points closed along the bottom edge as a faint area under it.
    [["in", 0], ["out", 1]].forEach(function (series) {
      var line = points(series[1]);
      document.getElementById("line-" + series[0]).setAttribute("points", line);
      var area = history.length ? (offset * step).toFixed(1) + "," + HEIGHT + " " + line + " " + WIDTH + "," + HEIGHT : "";
      document.getElementById("area-" + series[0]).setAttribute("points", area);
    });
    var grid = document.getElementById("grid");
    var lines = [];
    for (var k = 1; k <= 3; k++) {
      var line = document.createElementNS(SVG, "line");
      var y = (HEIGHT * k / 4).toFixed(1);
      line.setAttribute("x1", "0"); line.setAttribute("x2", String(WIDTH));
      line.setAttribute("y1", y); line.setAttribute("y2", y);
      line.setAttribute("class", "gridline");
      lines.push(line);
    }
    grid.replaceChildren.apply(grid, lines);
    setText("chart-scale", "top: " + top + "/s · last " + Math.round(history.length / 60 * 10) / 10 + " min watched");
  }

  function showBackplane(backplane) {
    var el = document.getElementById("backplane");
    if (backplane === null) {
      el.textContent = "off (this process only)";
      el.className = "value small";
      return;
    }
    el.textContent = (backplane.connected ? "connected" : "disconnected") + " · " + backplane.published + " out · " +
      backplane.received + " in" + (backplane.dropped ? " · " + backplane.dropped + " dropped" : "");
    el.className = "value small " + (backplane.connected ? "backplane-on" : "backplane-off");
  }

  function show(stats) {
    setText("connections", String(stats.connections));
    setText("open-paths", String(stats.open_paths));
    setText("http-requests", String(stats.http_requests));
    var latest = stats.history.length ? stats.history[stats.history.length - 1] : [0, 0];
    setText("rate-in", formatRate(latest[0]));
    setText("rate-out", formatRate(latest[1]));
    showBackplane(stats.backplane);
    drawChart(stats.history);
    fillTable("rooms", stats.rooms, function (room) {
      return [cell(room.path, "path"), cell(String(room.members), "num count")];
    }, "No open WebSockets yet.", 2);
    fillTable("routes", stats.routes, function (route) {
      return [cell(route.route, "route"), cell(String(route.open), "num")];
    }, "None yet.", 2);
    fillTable("disconnects", stats.disconnects, function (entry) {
      return [cell(timeOfDay(entry.time)), cell(entry.path, "path"), cell(entry.code === null ? "–" : String(entry.code), "num"),
              cell(entry.reason)];
    }, "Nobody has left yet.", 4);
    setStatus("Live · updated " + timeOfDay(stats.time), true);
  }

  ws.on("open", function () { setStatus("Live", true); });
  ws.on("message", function (data) {
    var stats;
    try { stats = JSON.parse(data); } catch (e) { return; }
    if (stats && stats.type === "stats") { show(stats); }
  });
  ws.on("close", function () { setStatus(ws.status === "reconnecting" ? "Reconnecting..." : "Disconnected", false); });
})();
