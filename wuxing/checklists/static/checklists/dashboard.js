// The office dashboard's charts (ECharts); data comes from the json_script element "dashboard-data".
(function () {
  "use strict";
  function draw() {
    var el = document.getElementById("dashboard-data");
    if (!el || !window.echarts) return;
    var data = JSON.parse(el.textContent);
    var pct = function (v) { return v === null || v === undefined ? null : Math.round(v * 1000) / 10; };
    var axis = { type: "value", max: 100, axisLabel: { formatter: "{value}%" } };
    var red = "#c8161d", grey = "#9ca3af";
    var charts = [];
    function chart(id, option) {
      var node = document.getElementById(id);
      if (!node) return;
      var c = window.echarts.init(node, null, { renderer: "svg" });
      c.setOption(option);
      charts.push(c);
    }
    chart("chart-stars", {
      tooltip: { trigger: "axis", valueFormatter: function (v) { return v + "%"; } },
      grid: { left: 8, right: 16, top: 16, bottom: 8, containLabel: true },
      xAxis: axis, yAxis: { type: "category", data: data.stars.names, inverse: true },
      series: [{ type: "bar", name: data.labels.progress, data: data.stars.values.map(pct), itemStyle: { color: red } }]
    });
    chart("chart-branches", {
      tooltip: { trigger: "axis", valueFormatter: function (v) { return v + "%"; } },
      legend: { top: 0 },
      grid: { left: 8, right: 16, top: 32, bottom: 8, containLabel: true },
      xAxis: { type: "category", data: data.branches.names, axisLabel: { interval: 0, rotate: 35 } }, yAxis: axis,
      series: [
        { type: "bar", name: data.labels.progress, data: data.branches.values.map(pct), itemStyle: { color: red } },
        { type: "line", name: data.labels.expected, data: data.branches.expected.map(pct), itemStyle: { color: grey }, lineStyle: { type: "dashed" } }
      ]
    });
    chart("chart-trend", {
      tooltip: { trigger: "axis", valueFormatter: function (v) { return v + "%"; } },
      grid: { left: 8, right: 16, top: 16, bottom: 8, containLabel: true },
      xAxis: { type: "category", data: data.trend.dates }, yAxis: axis,
      series: [{ type: "line", name: data.labels.trend, data: data.trend.values.map(pct), smooth: true, areaStyle: { opacity: 0.15 }, itemStyle: { color: red } }]
    });
    window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", draw); else draw();
})();
