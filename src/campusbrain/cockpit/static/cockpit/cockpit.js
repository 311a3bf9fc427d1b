/* Draws the cockpit's charts from the JSON specs the server writes next to them (no figures are
   made here), makes bars drill down, downloads any chart as PNG, and redraws after HTMX swaps. */
(function () {
  "use strict";
  if (typeof echarts === "undefined") { return; }

  function dark() { return document.body.classList.contains("screen"); }

  function optionFor(spec) {
    var ink = dark() ? "#e6edf6" : "#1f2933";
    var unit = spec.unit ? " " + spec.unit : "";
    var values = spec.values.map(function (v) { return v === null ? "-" : v; });
    if (spec.kind === "spark") {
      return {
        animation: false, backgroundColor: "transparent",
        grid: { left: 2, right: 2, top: 4, bottom: 4 },
        tooltip: { trigger: "axis", confine: true, valueFormatter: function (v) { return v + unit; } },
        xAxis: { type: "category", show: false, data: spec.labels, boundaryGap: false },
        yAxis: { type: "value", show: false, scale: true },
        series: [{ type: "line", data: values, symbol: "none", smooth: true, lineStyle: { width: 2 }, areaStyle: { opacity: 0.15 } }]
      };
    }
    var horizontal = spec.kind === "bar" && spec.labels.length > 6;
    var category = { type: "category", data: spec.labels, axisLabel: { color: ink, interval: 0, width: 110, overflow: "truncate" } };
    var value = { type: "value", axisLabel: { color: ink }, name: spec.unit, nameTextStyle: { color: ink } };
    return {
      animation: false, backgroundColor: dark() ? "#0b1a30" : "#ffffff",
      textStyle: { fontFamily: "Noto Sans CJK SC, PingFang SC, Microsoft YaHei, sans-serif" },
      grid: { left: 8, right: 24, top: 28, bottom: 8, containLabel: true },
      tooltip: { trigger: "axis", confine: true, valueFormatter: function (v) { return v + unit; } },
      xAxis: horizontal ? value : category,
      yAxis: horizontal ? Object.assign({}, category, { inverse: true }) : value,
      series: [{
        type: spec.kind === "line" ? "line" : "bar", name: spec.title, data: values,
        label: { show: spec.labels.length <= 12, position: horizontal ? "right" : "top", color: ink },
        cursor: spec.links ? "pointer" : "default"
      }]
    };
  }

  function draw(root) {
    root.querySelectorAll("[data-chart]").forEach(function (el) {
      if (echarts.getInstanceByDom(el)) { return; }
      var data = document.getElementById(el.dataset.chart + "-data");
      if (!data) { return; }
      var spec = JSON.parse(data.textContent);
      // Horizontal bars (more than 6) need a row each; at the fixed height 30 部门 overlap.
      if (spec.kind === "bar" && spec.labels.length > 12) {
        el.style.height = Math.max(280, 20 * spec.labels.length + 60) + "px";
      }
      var chart = echarts.init(el, dark() ? "dark" : null);
      chart.setOption(optionFor(spec));
      if (spec.links) {
        chart.on("click", function (params) {
          var link = spec.links[params.dataIndex];
          if (link) { window.location.href = link; }
        });
      }
    });
  }

  function dispose(root) {
    root.querySelectorAll("[data-chart]").forEach(function (el) {
      var chart = echarts.getInstanceByDom(el);
      if (chart) { chart.dispose(); }
    });
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-png]");
    if (!button) { return; }
    var chart = echarts.getInstanceByDom(document.getElementById(button.dataset.png));
    if (!chart) { return; }
    var link = document.createElement("a");
    link.href = chart.getDataURL({ type: "png", pixelRatio: 2, backgroundColor: dark() ? "#0b1a30" : "#ffffff" });
    link.download = (button.dataset.filename || "chart") + ".png";
    document.body.appendChild(link);
    link.click();
    link.remove();
  });

  var resizing = null;
  window.addEventListener("resize", function () {
    clearTimeout(resizing);
    resizing = setTimeout(function () {
      document.querySelectorAll("[data-chart]").forEach(function (el) {
        var chart = echarts.getInstanceByDom(el);
        if (chart) { chart.resize(); }
      });
    }, 150);
  });

  document.addEventListener("htmx:beforeSwap", function (event) { dispose(event.detail.target); });
  document.addEventListener("htmx:afterSettle", function () { draw(document); });
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { draw(document); });
  } else {
    draw(document);
  }
})();
