// 评估驾驶舱: heatmap and trend lines from the JSON embedded in the page (never inline script).
(function () {
  function draw() {
    var node = document.getElementById("evaluation-data");
    if (!node || !window.echarts) return;
    var d = JSON.parse(node.textContent);
    var heat = document.getElementById("eval-heatmap");
    if (heat) {
      var c = echarts.init(heat);
      var judged = d.heatmap.filter(function (h) { return h.value !== null; });
      var blank = d.heatmap.filter(function (h) { return h.value === null; });
      c.setOption({
        tooltip: { formatter: function (p) {
          var x = p.data;
          return d.rows[x.value[1]] + " · " + d.indicators[x.value[0]] + "<br>" +
            (x.blank ? "不评价" : "得分率 " + x.value[2] + "%") + "<br>" + x.label;
        } },
        grid: { left: 10, right: 10, top: 40, bottom: 10, containLabel: true },
        xAxis: { type: "category", data: d.indicators, position: "top", axisLabel: { rotate: 40, interval: 0 } },
        yAxis: { type: "category", data: d.rows, inverse: true },
        visualMap: { min: 0, max: 100, orient: "horizontal", left: "center", top: 0, calculable: false,
          seriesIndex: 0, inRange: { color: ["#d93025", "#fbbc04", "#34a853"] } },
        // cells that cannot be judged: a second, grey series outside the colour scale
        series: [
          { type: "heatmap", label: { show: true }, itemStyle: { borderColor: "#fff", borderWidth: 1 },
            data: judged.map(function (h) { return { value: [h.x, h.y, h.value], label: h.label, href: h.href }; }) },
          { type: "heatmap", label: { show: true, formatter: "—", color: "#6e7781" },
            itemStyle: { color: "#e1e4e8", borderColor: "#fff", borderWidth: 1 },
            data: blank.map(function (h) { return { value: [h.x, h.y, 0], blank: true, label: h.label, href: h.href }; }) }
        ]
      });
      c.on("click", function (p) { if (p.data && p.data.href) window.location.href = p.data.href; });
      heat.dataset.cells = String(d.heatmap.length);
      window.addEventListener("resize", function () { c.resize(); });
    }
    var t = document.getElementById("eval-trend");
    if (t && d.trend.years.length) {
      var c2 = echarts.init(t);
      c2.setOption({ title: { text: "平均分与发布覆盖率", textStyle: { fontSize: 14 } }, tooltip: { trigger: "axis" },
        legend: { top: 22 }, grid: { top: 60, containLabel: true, left: 10, right: 10 },
        xAxis: { type: "category", data: d.trend.years }, yAxis: { type: "value", min: 0, max: 100 },
        series: [{ name: "平均分", type: "line", data: d.trend.mean }, { name: "覆盖率（%）", type: "line", data: d.trend.coverage }] });
      window.addEventListener("resize", function () { c2.resize(); });
    }
    var ti = document.getElementById("eval-trend-indicators");
    if (ti && d.trend.years.length) {
      var c3 = echarts.init(ti);
      c3.setOption({ title: { text: "各指标平均得分率（%）", textStyle: { fontSize: 14 } }, tooltip: { trigger: "axis" },
        legend: { type: "scroll", top: 22 }, grid: { top: 60, containLabel: true, left: 10, right: 10 },
        xAxis: { type: "category", data: d.trend.years }, yAxis: { type: "value", min: 0, max: 100 },
        series: d.trend.indicators.map(function (s) { return { name: s.name, type: "line", data: s.data, connectNulls: true }; }) });
      window.addEventListener("resize", function () { c3.resize(); });
    }
  }
  document.addEventListener("DOMContentLoaded", draw);
})();
