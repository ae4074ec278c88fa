// 一屏统揽: the map is drawn by ECharts from the unit's own GeoJSON (no tiles, no outside request); the figures
// arrive in the json_script "screen-data", which htmx replaces every poll; the charts are updated in place.
(function () {
  "use strict";
  var charts = {};
  var measure = "progress";
  var mapReady = false;
  var palette = { progress: ["#7f1d1d", "#d97706", "#16a34a"], flags: ["#16a34a", "#d97706", "#dc2626"], gap: ["#dc2626", "#d97706", "#16a34a"], target: ["#1e3a8a", "#2563eb", "#93c5fd"] };

  function data() {
    var el = document.getElementById("screen-data");
    return el ? JSON.parse(el.textContent) : { map: [], quotas: [], stars: [], labels: {} };
  }
  function chart(id) {
    var node = document.getElementById(id);
    if (!node || !window.echarts) return null;
    if (!charts[id]) charts[id] = window.echarts.init(node, "dark", { renderer: "svg" });
    return charts[id];
  }
  function range(rows, key) {
    var values = rows.map(function (r) { return r[key]; }).filter(function (v) { return v !== null && v !== undefined; });
    if (key === "progress") return [0, 100];
    if (!values.length) return [0, 1];
    var lo = Math.min.apply(null, values.concat([0])), hi = Math.max.apply(null, values.concat([1]));
    return [lo, hi];
  }
  function drawMap() {
    if (!mapReady) return;
    var d = data(), c = chart("screen-map");
    if (!c) return;
    var r = range(d.map, measure);
    c.setOption({
      backgroundColor: "transparent",
      tooltip: {
        trigger: "item",
        formatter: function (p) {
          var row = p.data || {};
          return (row.label || p.name) + "<br>" + (d.labels[measure] || "") + "：" + (row.value === null || row.value === undefined ? "—" : row.value + (measure === "progress" ? "%" : ""));
        }
      },
      visualMap: { min: r[0], max: r[1], left: 16, bottom: 16, calculable: false, inRange: { color: palette[measure] }, textStyle: { color: "#cbd5e1" } },
      series: [{
        id: "units", type: "map", map: document.getElementById("screen-meta").dataset.mapName, roam: false, selectedMode: false,
        label: { show: true, color: "#f8fafc", fontSize: 14, formatter: function (p) { return p.data ? p.data.label : ""; } },
        itemStyle: { borderColor: "#0b1220", borderWidth: 1.5, areaColor: "#334155" },
        emphasis: { label: { color: "#fff" }, itemStyle: { areaColor: "#f59e0b" } },
        data: d.map.map(function (row) { return { name: row.name, label: row.label, url: row.url, value: row[measure] }; })
      }]
    }, { replaceMerge: ["series"] });
  }
  function drawBars() {
    var d = data(), l = d.labels;
    var q = chart("screen-quotas");
    if (q) q.setOption({
      backgroundColor: "transparent", tooltip: { trigger: "axis" }, legend: { top: 0, textStyle: { color: "#cbd5e1" } },
      grid: { left: 8, right: 8, top: 28, bottom: 4, containLabel: true },
      xAxis: { type: "category", data: d.quotas.map(function (r) { return r.level + "★"; }) }, yAxis: { type: "value", minInterval: 1 },
      series: [
        { type: "bar", name: l.quota, data: d.quotas.map(function (r) { return r.quota; }), itemStyle: { color: "#dc2626" } },
        { type: "bar", name: l.targets, data: d.quotas.map(function (r) { return r.targets; }), itemStyle: { color: "#f59e0b" } },
        { type: "bar", name: l.rated, data: d.quotas.map(function (r) { return r.rated; }), itemStyle: { color: "#16a34a" } }
      ]
    });
    var s = chart("screen-stars");
    if (s) s.setOption({
      backgroundColor: "transparent", tooltip: { trigger: "axis", valueFormatter: function (v) { return v === null ? "—" : v + "%"; } },
      grid: { left: 8, right: 16, top: 8, bottom: 4, containLabel: true },
      xAxis: { type: "value", max: 100, axisLabel: { formatter: "{value}%" } },
      yAxis: { type: "category", inverse: true, data: d.stars.map(function (r) { return r.name; }) },
      series: [{ type: "bar", name: l.progress, data: d.stars.map(function (r) { return r.progress; }), itemStyle: { color: "#f59e0b" } }]
    });
  }
  function loadMap() {
    var meta = document.getElementById("screen-meta");
    fetch(meta.dataset.mapUrl, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { if (!r.ok) throw new Error(r.status); return r.json(); })
      .then(function (geo) {
        if (!geo.features || !geo.features.length) { document.getElementById("screen-map-empty").hidden = false; return; }
        window.echarts.registerMap(meta.dataset.mapName, geo);
        mapReady = true;
        drawMap();
        var c = chart("screen-map");
        c.on("click", function (p) { if (p.data && p.data.url) window.location.href = p.data.url; });
        document.getElementById("screen-map").dataset.ready = "1";
      })
      .catch(function () { document.getElementById("screen-map-empty").hidden = false; });
  }
  function clock() {
    var el = document.getElementById("screen-clock"), now = new Date();
    var pad = function (n) { return (n < 10 ? "0" : "") + n; };
    el.textContent = now.getFullYear() + "-" + pad(now.getMonth() + 1) + "-" + pad(now.getDate()) + " " + pad(now.getHours()) + ":" + pad(now.getMinutes()) + ":" + pad(now.getSeconds());
  }
  function start() {
    if (!window.echarts) return;
    clock();
    window.setInterval(clock, 1000);
    drawBars();
    loadMap();
    document.querySelectorAll("[data-measure]").forEach(function (button) {
      button.addEventListener("click", function () {
        measure = button.dataset.measure;
        document.querySelectorAll("[data-measure]").forEach(function (b) { b.setAttribute("aria-pressed", b === button ? "true" : "false"); });
        drawMap();
      });
    });
    var toggle = document.getElementById("screen-tables-toggle");
    toggle.addEventListener("click", function () {
      var on = document.body.classList.toggle("wx-screen-tables");
      toggle.setAttribute("aria-pressed", on ? "true" : "false");
      toggle.textContent = on ? data().labels.charts : data().labels.tables;
      Object.keys(charts).forEach(function (k) { charts[k].resize(); });
    });
    // A signed-in screen whose session ended (idle, signed out elsewhere) shows the sign-in page, not stale figures.
    document.body.addEventListener("htmx:beforeSwap", function (e) {
      var xhr = e.detail.xhr;
      if (xhr && xhr.responseURL && xhr.responseURL.indexOf("/accounts/login/") !== -1) { e.detail.shouldSwap = false; window.location.reload(); }
      if (xhr && xhr.status === 404 && e.target && e.target.id === "screen-poll") { e.detail.shouldSwap = false; window.location.reload(); }
    });
    document.body.addEventListener("htmx:afterSettle", function (e) {
      if (e.target && e.target.id === "screen-poll") { drawBars(); drawMap(); }
    });
    window.addEventListener("resize", function () { Object.keys(charts).forEach(function (k) { charts[k].resize(); }); });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start); else start();
})();
