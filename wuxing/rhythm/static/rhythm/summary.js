// The annual summary's chart (ECharts): each branch's check-in progress; data from the json_script "summary-data".
(function () {
  "use strict";
  function draw() {
    var el = document.getElementById("summary-data");
    var node = document.getElementById("chart-summary");
    if (!el || !node || !window.echarts) return;
    var data = JSON.parse(el.textContent);
    var chart = window.echarts.init(node, null, { renderer: "svg" });
    chart.setOption({
      tooltip: { trigger: "axis", valueFormatter: function (v) { return v + "%"; } },
      grid: { left: 8, right: 16, top: 16, bottom: 8, containLabel: true },
      xAxis: { type: "category", data: data.names, axisLabel: { interval: 0, rotate: 35 } },
      yAxis: { type: "value", max: 100, axisLabel: { formatter: "{value}%" } },
      series: [{ type: "bar", name: data.label, data: data.values, itemStyle: { color: "#c8161d" } }]
    });
    window.addEventListener("resize", function () { chart.resize(); });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", draw); else draw();
})();
