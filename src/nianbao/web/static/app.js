// Dashboard charts: the data is embedded as JSON (never as script), the charts drawn by ECharts.
(function () {
  function draw() {
    var node = document.getElementById("dashboard-data");
    if (!node || !window.echarts) return;
    var d = JSON.parse(node.textContent);
    function chart(id, option) {
      var el = document.getElementById(id);
      if (!el) return;
      var c = echarts.init(el);
      c.setOption(option);
      window.addEventListener("resize", function () { c.resize(); });
    }
    chart("chart-applicants", { tooltip: { trigger: "item" },
      series: [{ type: "pie", radius: ["35%", "65%"], data: d.applicants }] });
    chart("chart-outcomes", { tooltip: { trigger: "axis" }, grid: { containLabel: true, left: 10 },
      xAxis: { type: "value" }, yAxis: { type: "category", data: d.outcomes.map(function (x) { return x.name; }) },
      series: [{ type: "bar", data: d.outcomes.map(function (x) { return x.value; }), itemStyle: { color: "#9e1b1b" } }] });
    chart("chart-years", { tooltip: { trigger: "axis" }, legend: {},
      xAxis: { type: "category", data: d.years }, yAxis: { type: "value" },
      series: d.series.map(function (s) { return { name: s.name, type: "line", data: s.data }; }) });
    chart("chart-findings", { tooltip: { trigger: "axis" }, grid: { containLabel: true, left: 10 },
      xAxis: { type: "value" }, yAxis: { type: "category", inverse: true, data: d.findings.map(function (x) { return x.name; }) },
      series: [{ type: "bar", data: d.findings.map(function (x) { return x.value; }), itemStyle: { color: "#b06000" } }] });
    chart("chart-ranking", { tooltip: { trigger: "axis" },
      xAxis: { type: "category", data: d.ranking.map(function (x) { return x.name; }), axisLabel: { rotate: 30 } },
      yAxis: { type: "value" }, series: [{ type: "bar", data: d.ranking.map(function (x) { return x.value; }) }] });
  }
  // deferred scripts (ECharts among them) have all run by DOMContentLoaded
  document.addEventListener("DOMContentLoaded", draw);
})();

// Write form: "fill blanks with 0", then let htmx re-check the form.
document.addEventListener("click", function (ev) {
  var btn = ev.target.closest && ev.target.closest("#fill-zeros");
  if (!btn) return;
  ev.preventDefault();
  var last = null;
  document.querySelectorAll('input[name^="cell:"]').forEach(function (el) {
    if (el.value.trim() === "") { el.value = "0"; last = el; }
  });
  if (last) last.dispatchEvent(new Event("input", { bubbles: true }));
});

// Write form: colour the inputs the live check flags.
document.addEventListener("htmx:afterSwap", function () {
  var flagged = document.getElementById("flagged-keys");
  if (!flagged) return;
  var marks = {};
  ["warning", "error"].forEach(function (sev) {
    (flagged.dataset[sev] || "").split(/\s+/).forEach(function (k) { if (k) marks[k] = sev; });
  });
  document.querySelectorAll('input[name^="cell:"]').forEach(function (el) {
    var td = el.parentElement;
    td.classList.remove("sev-error", "sev-warning");
    var sev = marks[el.name.slice(5)];
    if (sev) td.classList.add("sev-" + sev);
  });
});
