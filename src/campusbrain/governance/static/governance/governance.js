/* Draws the governance charts from the JSON specs the server writes beside them (no figures are
   made here): the lineage graph of an item page, whose nodes open their own item pages, and the
   bar and line charts of the quality dashboard. */
(function () {
  "use strict";
  if (typeof echarts === "undefined") { return; }
  var FONT = "Noto Sans CJK SC, PingFang SC, Microsoft YaHei, sans-serif";
  var charts = [];

  function lineage(el, spec) {
    var chart = echarts.init(el, null, { renderer: "canvas" });
    chart.setOption({
      animation: false,
      textStyle: { fontFamily: FONT },
      tooltip: { confine: true, formatter: function (p) { return p.dataType === "edge" ? p.data.transform : p.data.name.replace("\n", "<br>"); } },
      legend: { data: spec.categories.map(function (c) { return c.name; }), bottom: 0 },
      series: [{
        type: "graph", layout: "none", roam: true, draggable: false,
        // Room for the labels under the outermost nodes, so a phone shows them whole.
        left: 70, right: 70, top: 30, bottom: 60,
        categories: spec.categories,
        data: spec.nodes.map(function (n) {
          return { id: n.id, name: n.name, x: n.x, y: n.y, category: n.category, symbolSize: n.symbolSize, link: n.link,
                   cursor: n.link ? "pointer" : "default" };
        }),
        links: spec.edges.map(function (e) { return { source: e.source, target: e.target, transform: e.transform }; }),
        edgeSymbol: ["none", "arrow"], edgeSymbolSize: 8,
        label: { show: true, position: "bottom", fontSize: 11, width: 140, overflow: "truncate" },
        lineStyle: { color: "#7b8794", curveness: 0.1 },
        emphasis: { focus: "adjacency" }
      }]
    });
    chart.on("click", function (params) {
      if (params.dataType === "node" && params.data.link) { window.location.href = params.data.link; }
    });
    return chart;
  }

  function plot(el, spec) {
    var chart = echarts.init(el);
    var series;
    if (spec.kind === "line") {
      series = spec.series.map(function (s) {
        return { type: "line", name: s.name, data: s.values, connectNulls: true, symbolSize: 6 };
      });
    } else {
      series = [{ type: "bar", name: spec.title, data: spec.values, label: { show: spec.labels.length <= 16, position: "right",
        formatter: function (p) { return p.value === null ? "" : p.value.toFixed(2); } } }];
    }
    var bar = spec.kind !== "line";
    var category = { type: "category", data: spec.labels, axisLabel: { width: 110, overflow: "truncate", hideOverlap: true } };
    var value = { type: "value", scale: true, max: 100 };
    chart.setOption({
      animation: false,
      textStyle: { fontFamily: FONT },
      grid: { left: 8, right: bar ? 56 : 24, top: bar ? 8 : 40, bottom: 8, containLabel: true },
      legend: bar ? undefined : { type: "scroll", top: 0 },
      tooltip: { trigger: "axis", confine: true },
      xAxis: bar ? value : category,
      yAxis: bar ? Object.assign({}, category, { inverse: true }) : value,
      series: series
    });
    return chart;
  }

  document.querySelectorAll("[data-lineage]").forEach(function (el) {
    var data = document.getElementById(el.dataset.lineage);
    if (data) { charts.push(lineage(el, JSON.parse(data.textContent))); }
  });
  document.querySelectorAll("[data-chart]").forEach(function (el) {
    var data = document.getElementById(el.dataset.chart);
    if (data) { charts.push(plot(el, JSON.parse(data.textContent))); }
  });
  window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
})();
