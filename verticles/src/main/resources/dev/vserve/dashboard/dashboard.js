// The dashboard's whole logic: poll /-/status and /-/metrics, keep five minutes of points, draw them
// with uPlot. Totals it shows are also set on <body> data attributes, which the browser test reads.
(function () {
  "use strict";
  var PERIOD_MS = 2000, KEEP = 150;
  var history = [];          // {t, rps: {app: v}, errors: {app: v}, p50: {app: ms}, p99: {app: ms}, replicas: {dep: n}}
  var previous = null;       // the last scrape's counters, for rates
  var charts = {};

  function text(tag, value, cls) {
    var el = document.createElement(tag);
    el.textContent = value;
    if (cls) el.className = cls;
    return el;
  }

  function row(table, cells) {
    var tr = document.createElement("tr");
    cells.forEach(function (c) { tr.appendChild(c); });
    table.appendChild(tr);
  }

  function clear(table) {
    while (table.rows.length > 1) table.deleteRow(1);
  }

  /** Prometheus' text format: [{name, labels, value}]. */
  function parse(scrape) {
    var out = [];
    scrape.split("\n").forEach(function (line) {
      if (!line || line[0] === "#") return;
      var m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})? (\S+)$/.exec(line);
      if (!m) return;
      var labels = {};
      (m[3] || "").replace(/([a-zA-Z_]+)="((?:[^"\\]|\\.)*)"/g, function (_, k, v) { labels[k] = v; return ""; });
      out.push({ name: m[1], labels: labels, value: parseFloat(m[4]) });
    });
    return out;
  }

  function counters(samples) {
    var c = { requests: {}, errors: {}, buckets: {} };
    samples.forEach(function (s) {
      var app = s.labels.application;
      if (!app) return;
      if (s.name === "vserve_http_requests_total") {
        c.requests[app] = (c.requests[app] || 0) + s.value;
        if (parseInt(s.labels.status_code, 10) >= 500) c.errors[app] = (c.errors[app] || 0) + s.value;
      } else if (s.name === "vserve_http_request_duration_seconds_bucket") {
        var b = c.buckets[app] = c.buckets[app] || {};
        b[s.labels.le] = (b[s.labels.le] || 0) + s.value;
      }
    });
    return c;
  }

  /** A quantile from the buckets' increase since the last scrape, interpolated within its bucket (ms). */
  function quantile(q, now, before) {
    var keys = Object.keys(now).filter(function (le) { return le !== "+Inf"; })
      .sort(function (a, b) { return parseFloat(a) - parseFloat(b); });
    var total = (now["+Inf"] || 0) - ((before && before["+Inf"]) || 0);
    if (total <= 0) return null;
    var rank = q * total, lower = 0, lowerCount = 0;
    for (var i = 0; i < keys.length; i++) {
      var le = parseFloat(keys[i]);
      var count = (now[keys[i]] || 0) - ((before && before[keys[i]]) || 0);
      if (count >= rank) return 1000 * (lower + (le - lower) * (rank - lowerCount) / Math.max(1e-9, count - lowerCount));
      lower = le;
      lowerCount = count;
    }
    return 1000 * lower;
  }

  function point(status, samples, t) {
    var c = counters(samples);
    var p = { t: t, rps: {}, errors: {}, p50: {}, p99: {}, replicas: {} };
    if (previous) {
      var dt = (t - previous.t);
      Object.keys(c.requests).forEach(function (app) {
        p.rps[app] = Math.max(0, (c.requests[app] - (previous.c.requests[app] || 0)) / dt);
        p.errors[app] = Math.max(0, ((c.errors[app] || 0) - (previous.c.errors[app] || 0)) / dt);
        p.p50[app] = quantile(0.5, c.buckets[app] || {}, previous.c.buckets[app]);
        p.p99[app] = quantile(0.99, c.buckets[app] || {}, previous.c.buckets[app]);
      });
    }
    status.applications.forEach(function (a) {
      a.deployments.forEach(function (d) {
        p.replicas[a.name + "/" + d.name] = d.replicas.filter(function (r) { return r.state === "RUNNING"; }).length;
      });
    });
    previous = { t: t, c: c };
    return p;
  }

  function draw(id, title, unit, field) {
    var keys = {};
    history.forEach(function (p) { Object.keys(p[field]).forEach(function (k) { keys[k] = true; }); });
    var names = Object.keys(keys).sort();
    var data = [history.map(function (p) { return p.t; })];
    names.forEach(function (k) { data.push(history.map(function (p) { var v = p[field][k]; return v === undefined ? null : v; })); });
    var signature = names.join("|");
    var chart = charts[id];
    if (!chart || chart.signature !== signature) {
      if (chart) chart.plot.destroy();
      var colors = ["#0969da", "#1a7f37", "#cf222e", "#8250df", "#bf8700", "#57606a"];
      var series = [{}].concat(names.map(function (k, i) { return { label: k, stroke: colors[i % colors.length], width: 2, spanGaps: true }; }));
      chart = charts[id] = { signature: signature, plot: new uPlot({ title: title, width: 560, height: 220, series: series,
        axes: [{}, { label: unit }] }, data, document.getElementById(id)) };
    } else {
      chart.plot.setData(data);
    }
    var last = history.length ? history[history.length - 1][field] : {};
    document.getElementById(id).dataset.latest = JSON.stringify(last);
  }

  function render(status) {
    var apps = document.getElementById("applications");
    clear(apps);
    status.applications.forEach(function (a) {
      a.deployments.forEach(function (d, i) {
        var running = d.replicas.filter(function (r) { return r.state === "RUNNING"; }).length;
        row(apps, [text("td", i === 0 ? a.name : ""), text("td", i === 0 ? a.route_prefix : ""),
          text("td", i === 0 ? a.status : "", "state-" + a.status), text("td", d.name),
          text("td", d.status, "state-" + d.status), text("td", running + "/" + d.target_replicas)]);
      });
    });
    var nodes = document.getElementById("nodes");
    clear(nodes);
    status.nodes.forEach(function (n) {
      row(nodes, [text("td", n.id.substring(0, 8) + (n.controller ? " (controller)" : "")), text("td", n.http),
        text("td", String(n.replicas)), text("td", JSON.stringify(n.resources))]);
    });
  }

  function tick() {
    Promise.all([fetch("/-/status").then(function (r) { return r.json(); }),
                 fetch("/-/metrics").then(function (r) { return r.ok ? r.text() : ""; })])
      .then(function (both) {
        var status = both[0];
        history.push(point(status, parse(both[1]), Date.now() / 1000));
        if (history.length > KEEP) history.shift();
        render(status);
        draw("chart-rps", "requests/s", "req/s", "rps");
        draw("chart-errors", "errors/s (5xx)", "err/s", "errors");
        draw("chart-p50", "p50 latency", "ms", "p50");
        draw("chart-latency", "p99 latency", "ms", "p99");
        draw("chart-replicas", "replicas running", "replicas", "replicas");
        var total = 0;
        var last = history[history.length - 1].rps;
        Object.keys(last).forEach(function (k) { total += last[k]; });
        document.body.dataset.samples = String(history.length);
        document.body.dataset.rps = total.toFixed(2);
        document.body.dataset.applications = status.applications.map(function (a) { return a.name; }).join(",");
        document.getElementById("updated").textContent = "updated " + new Date().toLocaleTimeString();
      })
      .catch(function (e) { document.getElementById("updated").textContent = "no answer from the node: " + e; });
  }

  tick();
  setInterval(tick, PERIOD_MS);
})();
