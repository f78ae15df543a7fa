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

// --- work queue: select all, count the selection ----------------------------------------------
(function () {
  function update() {
    var n = document.querySelectorAll('#queue input[name="ids"]:checked').length;
    var out = document.getElementById("selected-count");
    if (out) out.textContent = String(n);
  }
  document.addEventListener("change", function (ev) {
    var t = ev.target;
    if (t && t.id === "select-all") {
      document.querySelectorAll('#queue input[name="ids"]').forEach(function (b) { b.checked = t.checked; });
    }
    if (t && (t.id === "select-all" || t.name === "ids")) update();
  });
  document.addEventListener("DOMContentLoaded", update);
})();

// --- report page: cells reachable by keyboard, the cell panel as a dialog beside the cell -----
(function () {
  var lastCell = null;

  function cellsOf(table) { return Array.prototype.slice.call(table.querySelectorAll("button.cell")); }

  function roving() {
    document.querySelectorAll("table.official").forEach(function (table) {
      cellsOf(table).forEach(function (b, i) { b.tabIndex = i === 0 ? 0 : -1; });
    });
  }

  function rowOf(button) { return button.closest("tr"); }

  function move(button, key) {
    var table = button.closest("table");
    var all = cellsOf(table);
    var i = all.indexOf(button);
    var target = null;
    if (key === "ArrowRight") target = all[i + 1];
    else if (key === "ArrowLeft") target = all[i - 1];
    else if (key === "Home") target = all[0];
    else if (key === "End") target = all[all.length - 1];
    else if (key === "ArrowDown" || key === "ArrowUp") {
      var r = button.getBoundingClientRect();
      var x = r.left + r.width / 2;
      var down = key === "ArrowDown";
      var row = rowOf(button);
      var best = null, bestDy = Infinity, bestDx = Infinity;
      all.forEach(function (b) {
        if (rowOf(b) === row) return;
        var q = b.getBoundingClientRect();
        var dy = down ? q.top - r.top : r.top - q.top;
        if (dy <= 1) return;
        var dx = Math.abs(q.left + q.width / 2 - x);
        if (dy < bestDy - 1 || (Math.abs(dy - bestDy) <= 1 && dx < bestDx)) { best = b; bestDy = dy; bestDx = dx; }
      });
      target = best;
    }
    if (target) {
      button.tabIndex = -1;
      target.tabIndex = 0;
      target.focus();
    }
  }

  document.addEventListener("keydown", function (ev) {
    var b = ev.target;
    if (!b || !b.matches || !b.matches("button.cell")) return;
    if (["ArrowRight", "ArrowLeft", "ArrowUp", "ArrowDown", "Home", "End"].indexOf(ev.key) >= 0) {
      ev.preventDefault();
      move(b, ev.key);
    }
  });

  document.addEventListener("click", function (ev) {
    var b = ev.target.closest && ev.target.closest("button.cell");
    if (b) {
      lastCell = b;
      var table = b.closest("table");
      cellsOf(table).forEach(function (x) { x.tabIndex = x === b ? 0 : -1; });
    }
    if (ev.target.closest && ev.target.closest("#cell-close")) {
      var dlg = document.getElementById("cell-dialog");
      if (dlg && dlg.open) dlg.close();
    }
    var link = ev.target.closest && ev.target.closest("a[data-cell]");
    if (link) {
      var td = document.getElementById("cell-" + link.getAttribute("data-cell"));
      var btn = td && td.querySelector("button.cell");
      if (btn) {
        ev.preventDefault();
        btn.scrollIntoView({ block: "center" });
        btn.focus();
        btn.click();
      }
    }
  });

  // beside the cell when there is room, always inside the viewport
  function place(dlg, anchor) {
    var pad = 8, vw = window.innerWidth, vh = window.innerHeight;
    var w = dlg.offsetWidth, h = dlg.offsetHeight;
    var left = (vw - w) / 2, top = (vh - h) / 2;
    if (anchor) {
      var r = anchor.getBoundingClientRect();
      if (r.right + pad + w <= vw - pad) left = r.right + pad;
      else if (r.left - pad - w >= pad) left = r.left - pad - w;
      else left = Math.min(Math.max(r.left, pad), vw - w - pad);
      top = r.top;
      if (left === Math.min(Math.max(r.left, pad), vw - w - pad)) {
        top = r.bottom + pad + h <= vh - pad ? r.bottom + pad : r.top - pad - h;
      }
    }
    left = Math.max(pad, Math.min(left, vw - w - pad));
    top = Math.max(pad, Math.min(top, vh - h - pad));
    dlg.style.left = left + "px";
    dlg.style.top = top + "px";
  }

  // after the settle, not the swap: htmx makes the new form live (hx-post) only as it settles, and
  // Enter pressed in between would post it natively and leave the page
  document.addEventListener("htmx:afterSettle", function (ev) {
    if (!ev.detail || !ev.detail.target || ev.detail.target.id !== "cell-panel") return;
    var dlg = document.getElementById("cell-dialog");
    if (!dlg) return;
    if (!dlg.open) dlg.showModal();
    place(dlg, lastCell);
    var input = document.getElementById("correct-value");
    var focus = input || document.getElementById("cell-close");
    if (focus) {
      focus.focus();
      if (input && !document.getElementById("correct-error")) input.select();
    }
  });

  document.addEventListener("close", function (ev) {
    if (ev.target && ev.target.id === "cell-dialog" && lastCell) lastCell.focus();
  }, true);

  window.addEventListener("resize", function () {
    var dlg = document.getElementById("cell-dialog");
    if (dlg && dlg.open) place(dlg, lastCell);
  });

  document.addEventListener("DOMContentLoaded", function () {
    roving();
    // a link to #cell-… (from the findings page, or after a correction) focuses that cell
    var m = /^#cell-(.+)$/.exec(window.location.hash);
    if (m) {
      var td = document.getElementById("cell-" + decodeURIComponent(m[1]));
      var btn = td && td.querySelector("button.cell");
      if (btn) {
        btn.closest("table").querySelectorAll("button.cell").forEach(function (x) { x.tabIndex = -1; });
        btn.tabIndex = 0;
        btn.focus({ preventScroll: false });
        lastCell = btn;
      }
    }
  });
})();

// --- upload: drag and drop many files, list them before sending ---------------------------------
(function () {
  function list(input) {
    var out = document.getElementById("upload-list");
    if (!out) return;
    out.textContent = "";
    Array.prototype.forEach.call(input.files, function (f) {
      var li = document.createElement("li");
      li.textContent = f.name + "（" + Math.max(1, Math.round(f.size / 1024)) + " KB）";
      out.appendChild(li);
    });
  }
  document.addEventListener("change", function (ev) {
    if (ev.target && ev.target.id === "upload-file") list(ev.target);
  });
  document.addEventListener("DOMContentLoaded", function () {
    var zone = document.getElementById("dropzone");
    var input = document.getElementById("upload-file");
    if (!zone || !input) return;
    ["dragenter", "dragover"].forEach(function (t) {
      zone.addEventListener(t, function (ev) { ev.preventDefault(); zone.classList.add("over"); });
    });
    ["dragleave", "drop"].forEach(function (t) {
      zone.addEventListener(t, function () { zone.classList.remove("over"); });
    });
    zone.addEventListener("drop", function (ev) {
      ev.preventDefault();
      if (!ev.dataTransfer || !ev.dataTransfer.files.length) return;
      var dt = new DataTransfer();
      Array.prototype.forEach.call(input.files, function (f) { dt.items.add(f); });
      Array.prototype.forEach.call(ev.dataTransfer.files, function (f) { dt.items.add(f); });
      input.files = dt.files;
      list(input);
    });
  });
})();

// --- report page: the original beside the tables, shown on request ---------------------------------
document.addEventListener("click", function (ev) {
  var open = ev.target.closest && ev.target.closest("#open-original");
  var close = ev.target.closest && ev.target.closest("#close-original");
  var pane = document.getElementById("original");
  var split = document.getElementById("split");
  if (!pane || !split) return;
  if (open) {  // the link's target is the frame; only the pane needs showing
    pane.hidden = false;
    split.classList.add("with-original");
  } else if (close) {
    pane.hidden = true;
    split.classList.remove("with-original");
  }
});
