/* Draw every <div class="chart" data-chart='{ECharts option}'> on the page, and again after each HTMX swap.
   The options are built on the server (receivables/charts.py); a bar with a "url" opens it when clicked. */
(function () {
  "use strict";

  function draw(root) {
    if (typeof echarts === "undefined") { return; }
    root.querySelectorAll("div.chart[data-chart]").forEach(function (element) {
      var chart = echarts.getInstanceByDom(element);
      if (!chart) {
        element.replaceChildren();  // a page restored from HTMX's history holds a copy of the old canvas
        chart = echarts.init(element, null, { renderer: "canvas" });
      }
      chart.setOption(JSON.parse(element.dataset.chart), true);
      chart.off("click");
      chart.on("click", function (params) {
        if (params.data && params.data.url) { window.location.assign(params.data.url); }
      });
    });
  }

  function forget(element) {
    var chart = typeof echarts === "undefined" ? null : echarts.getInstanceByDom(element);
    if (chart) { chart.dispose(); }
  }

  document.addEventListener("DOMContentLoaded", function () { draw(document); });
  document.addEventListener("htmx:afterSettle", function (event) { draw(event.detail.elt || document); });
  document.addEventListener("htmx:historyRestore", function () { draw(document); });
  document.addEventListener("htmx:beforeCleanupElement", function (event) {
    if (event.target.matches && event.target.matches("div.chart[data-chart]")) { forget(event.target); }
  });
  window.addEventListener("resize", function () {
    document.querySelectorAll("div.chart[data-chart]").forEach(function (element) {
      var chart = echarts.getInstanceByDom(element);
      if (chart) { chart.resize(); }
    });
  });
})();
