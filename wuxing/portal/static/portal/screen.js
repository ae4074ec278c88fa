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
  function esc(text) {
    return String(text === null || text === undefined ? "" : text).replace(/[&<>"']/g, function (ch) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[ch];
    });
  }
  // The map series and the geo component share one layout, so the grids (outlines) and the points (sites,
  // residents' issues) drawn on the geo component sit exactly on the branches the map series colours.
  var LAYOUT = { layoutCenter: ["50%", "50%"], layoutSize: "94%" };
  var gridLines = [];
  var showGrids = true;
  function pointSeries(d, kind, symbol, size, color) {
    return {
      id: "points-" + kind, type: "scatter", coordinateSystem: "geo", geoIndex: 0, z: 5, symbol: symbol, symbolSize: size,
      itemStyle: { color: color, borderColor: "#0b1220", borderWidth: 1 },
      data: (d.points || []).filter(function (p) { return p.kind === kind; }).map(function (p) {
        return { name: p.label, value: [p.lon, p.lat], detail: p.detail, kindLabel: p.kind_label, point: true };
      })
    };
  }
  function drawMap() {
    if (!mapReady) return;
    var d = data(), c = chart("screen-map");
    if (!c) return;
    var r = range(d.map, measure);
    var name = document.getElementById("screen-meta").dataset.mapName;
    c.setOption({
      backgroundColor: "transparent",
      tooltip: {
        trigger: "item",
        formatter: function (p) {
          var row = p.data || {};
          if (row.point) return esc(row.kindLabel) + "<br>" + esc(row.name) + (row.detail ? "<br>" + esc(row.detail) : "");
          return esc(row.label || p.name) + "<br>" + esc(d.labels[measure] || "") + "：" + (row.value === null || row.value === undefined ? "—" : esc(row.value) + (measure === "progress" ? "%" : ""));
        }
      },
      geo: Object.assign({ map: name, roam: false, silent: true, z: 0, label: { show: false }, itemStyle: { areaColor: "transparent", borderColor: "transparent" } }, LAYOUT),
      visualMap: { seriesIndex: 0, min: r[0], max: r[1], left: 16, bottom: 16, calculable: false, inRange: { color: palette[measure] || palette.flags }, textStyle: { color: "#cbd5e1" } },
      series: [
        Object.assign({
          id: "units", type: "map", map: name, roam: false, selectedMode: false, z: 2,
          label: { show: true, color: "#f8fafc", fontSize: 14, formatter: function (p) { return p.data ? p.data.label : ""; } },
          itemStyle: { borderColor: "#0b1220", borderWidth: 1.5, areaColor: "#334155" },
          emphasis: { label: { color: "#fff" }, itemStyle: { areaColor: "#f59e0b" } },
          data: d.map.map(function (row) { return { name: row.name, label: row.label, url: row.url, value: row[measure] }; })
        }, LAYOUT),
        {
          id: "grids", type: "lines", coordinateSystem: "geo", geoIndex: 0, polyline: true, silent: true, z: 4,
          lineStyle: { color: "#e2e8f0", width: 1, type: "dashed", opacity: 0.75 },
          data: showGrids ? gridLines : []
        },
        pointSeries(d, "site", "pin", 30, "#f59e0b"),
        pointSeries(d, "issue", "circle", 11, "#38bdf8")
      ]
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
        // Grids are drawn as outlines inside their branches; the map's regions are the branches (or units) only.
        var areas = geo.features.filter(function (f) { return f.properties.kind !== "grid"; });
        geo.features.filter(function (f) { return f.properties.kind === "grid"; }).forEach(function (f) {
          var polygons = f.geometry.type === "Polygon" ? [f.geometry.coordinates] : f.geometry.coordinates;
          polygons.forEach(function (polygon) { gridLines.push({ name: f.properties.label, coords: polygon[0] }); });
        });
        var toggle = document.getElementById("screen-grids-toggle");
        if (toggle && gridLines.length) {
          toggle.hidden = false;
          toggle.setAttribute("aria-pressed", "true");
          toggle.addEventListener("click", function () {
            showGrids = !showGrids;
            toggle.setAttribute("aria-pressed", showGrids ? "true" : "false");
            drawMap();
          });
        }
        window.echarts.registerMap(meta.dataset.mapName, { type: "FeatureCollection", features: areas });
        mapReady = true;
        drawMap();
        var c = chart("screen-map");
        c.on("click", function (p) { if (p.seriesType === "map" && p.data && p.data.url) window.location.href = p.data.url; });
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
