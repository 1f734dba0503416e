// ParkNet dashboard: charts fetch their numbers from /api/v1 (the "data" link beside each chart shows them).
// No inline script anywhere: the Content-Security-Policy forbids it.
"use strict";

const LANG = document.body.dataset.lang || "zh";
const T = (zh, en) => (LANG === "en" ? en : zh);
const CSRF = document.querySelector('meta[name="csrf-token"]')?.content || "";

// Province tile grid (approximate geography): GB/T 2260 code -> [column, row].
const TILES = {
  "230000": [8, 0], "150000": [4, 1], "110000": [5, 1], "210000": [7, 1], "220000": [8, 1],
  "650000": [0, 2], "620000": [2, 2], "640000": [3, 2], "140000": [4, 2], "130000": [5, 2], "120000": [6, 2],
  "630000": [1, 3], "610000": [3, 3], "410000": [4, 3], "370000": [5, 3], "320000": [6, 3],
  "540000": [0, 4], "510000": [2, 4], "500000": [3, 4], "420000": [4, 4], "340000": [5, 4], "330000": [6, 4], "310000": [7, 4],
  "530000": [2, 5], "520000": [3, 5], "430000": [4, 5], "360000": [5, 5], "350000": [6, 5], "710000": [7, 5],
  "450000": [4, 6], "440000": [5, 6], "810000": [6, 6],
  "460000": [4, 7], "820000": [5, 7],
};

const fmt = (v) => (v == null ? "—" : Number(v).toLocaleString(LANG === "en" ? "en-US" : "zh-CN", {maximumFractionDigits: 0}));

function tiles(el, rows) {
  const data = rows.filter((r) => TILES[r.province_code]).map((r) => {
    const [x, y] = TILES[r.province_code];
    return {value: [x, y, Math.round((r.national_zone_gdp || 0) / 1e4)], row: r};  // 万元 -> 亿元
  });
  const max = Math.max(1, ...data.map((d) => d.value[2]));
  const chart = echarts.init(el);
  chart.setOption({
    tooltip: {formatter: (p) => `${LANG === "en" ? p.data.row.name_en : p.data.row.name}<br>` +
      `${T("国家高新区", "national zones")}: ${p.data.row.national_zones}<br>` +
      `${T("省级高新区", "provincial zones")}: ${p.data.row.provincial_zones}<br>` +
      `GDP: ${fmt(p.data.value[2])} ${T("亿元", "100m yuan")}`},
    grid: {left: 4, right: 70, top: 4, bottom: 4},
    xAxis: {type: "category", data: [...Array(9).keys()], show: false},
    yAxis: {type: "category", data: [...Array(8).keys()], show: false, inverse: true},
    visualMap: {min: 0, max, calculable: true, orient: "vertical", right: 0, top: "middle", itemHeight: 200,
                inRange: {color: ["#eef4fb", "#6aa1d8", "#08306b"]}},
    series: [{type: "heatmap", data, itemStyle: {borderColor: "#fff", borderWidth: 2},
              label: {show: true, formatter: (p) => (LANG === "en" ? p.data.row.name_en : p.data.row.short_name)}}],
  });
  chart.on("click", (p) => { window.location.href = `/provinces/${p.data.row.province_code}`; });
  return chart;
}

function trend(el, rows) {
  const chart = echarts.init(el);
  chart.setOption({
    tooltip: {trigger: "axis", valueFormatter: (v) => `${v.toFixed(1)}%`},
    xAxis: {type: "category", data: rows.map((r) => r.year)},
    yAxis: {type: "value", axisLabel: {formatter: "{value}%"}, scale: true},
    series: [{type: "line", name: T("前10位占比", "top-10 share"), data: rows.map((r) => +(r.share * 100).toFixed(2)),
              smooth: false, symbolSize: 6}],
  });
  return chart;
}

function zoneIndicators(el, rows) {
  const byCode = {};
  rows.forEach((r) => { (byCode[r.indicator] ||= []).push([String(r.year), r.value]); });
  const years = [...new Set(rows.map((r) => String(r.year)))].sort();
  const codes = Object.keys(byCode);
  const selected = Object.fromEntries(codes.map((c) => [c, c === "gdp"]));
  const chart = echarts.init(el);
  chart.setOption({
    tooltip: {trigger: "axis"},
    legend: {type: "scroll", selectedMode: "single", selected},
    xAxis: {type: "category", data: years},
    yAxis: {type: "value", scale: true},
    series: codes.map((c) => ({type: "line", name: c, data: byCode[c]})),
  });
  return chart;
}

function industry(el, rows) {
  const top = rows.slice(0, 15).reverse();
  const chart = echarts.init(el);
  chart.setOption({
    tooltip: {trigger: "axis", axisPointer: {type: "shadow"}},
    grid: {left: 8, right: 24, containLabel: true},
    xAxis: {type: "value"},
    yAxis: {type: "category", data: top.map((r) => `${r.industry_code} ${LANG === "en" ? r.name_en : r.name}`)},
    series: [{type: "bar", data: top.map((r) => r.value)}],
  });
  return chart;
}

function lorenzChart(el, d) {
  const points = d.lorenz.population.map((p, i) => [p, d.lorenz.share[i]]);
  const chart = echarts.init(el);
  chart.setOption({
    tooltip: {trigger: "axis", valueFormatter: (v) => (typeof v === "number" ? v.toFixed(3) : v)},
    xAxis: {type: "value", min: 0, max: 1, name: T("园区累计占比", "share of zones")},
    yAxis: {type: "value", min: 0, max: 1, name: T("累计份额", "cumulative share")},
    series: [{type: "line", name: T("洛伦兹曲线", "Lorenz curve"), data: points, showSymbol: false, areaStyle: {opacity: 0.15}},
             {type: "line", name: T("完全平均", "equality"), data: [[0, 0], [1, 1]], showSymbol: false, lineStyle: {type: "dashed"}}],
  });
  return chart;
}

function seriesYears(t) { return t.series.filter((r) => r.gini !== undefined); }

function diagTop(el, t) {
  return trend(el, seriesYears(t).map((r) => ({year: r.year, share: r.top10_share})));
}

function stacked(el, rows, parts) {
  const chart = echarts.init(el);
  chart.setOption({
    tooltip: {trigger: "axis", valueFormatter: (v) => (v == null ? "—" : v.toFixed(3))},
    legend: {},
    xAxis: {type: "category", data: rows.map((r) => r.year)},
    yAxis: {type: "value"},
    series: parts.map(([name, get]) => ({type: "bar", stack: "total", name, data: rows.map(get)})),
  });
  return chart;
}

function diagTheil(el, t) {
  return stacked(el, seriesYears(t), [[T("组间", "between"), (r) => r.theil.between], [T("组内", "within"), (r) => r.theil.within]]);
}

function diagDagum(el, t) {
  const rows = seriesYears(t).filter((r) => r.dagum);
  return stacked(el, rows, [[T("组内", "within"), (r) => r.dagum.within], [T("组间净值", "net between"), (r) => r.dagum.between_net],
                            [T("超变密度", "transvariation"), (r) => r.dagum.transvariation]]);
}

const TYPE_COLORS = {tech_enabling: "#2f6fdb", chain_complement: "#2ca02c", cross_fusion: "#9467bd", leader: "#ff7f0e"};
const TYPE_NAMES = {tech_enabling: T("科技赋能型", "tech-enabling"), chain_complement: T("产业链延补型", "chain complement"),
                    cross_fusion: T("跨界融合型", "cross-sector fusion")};

function networkChart(el, net) {
  const types = Object.keys(TYPE_NAMES);
  const nodes = net.leaders.filter((l) => l.zone_id).map((l) => ({id: l.zone_id, name: l.zone_id, symbolSize: 46, category: 3,
                                                              fixed: false, label: {show: true}}));
  const edges = [];
  for (const link of net.links) {
    nodes.push({id: link.partner, name: link.partner, symbolSize: 14 + 26 * link.score, category: types.indexOf(link.type),
                label: {show: true}, value: link.score});
    edges.push({source: link.leader, target: link.partner, value: link.score,
                lineStyle: {width: 1 + 5 * link.score, color: TYPE_COLORS[link.type]}, link});
  }
  const chart = echarts.init(el);
  chart.setOption({
    tooltip: {formatter: (p) => (p.dataType === "edge"
      ? `${p.data.link.leader} → ${p.data.link.partner}<br>${TYPE_NAMES[p.data.link.type]} · ${p.data.link.form}<br>` +
        `${T("得分", "score")} ${p.data.link.score.toFixed(3)}<br>${p.data.link.reasons.slice(0, 3).join("<br>")}`
      : p.name)},
    legend: {data: [...types.map((t) => TYPE_NAMES[t]), T("牵头园区", "leader")]},
    series: [{type: "graph", layout: "force", roam: true, force: {repulsion: 220, edgeLength: [60, 180]},
              categories: [...types.map((t) => ({name: TYPE_NAMES[t], itemStyle: {color: TYPE_COLORS[t]}})),
                           {name: T("牵头园区", "leader"), itemStyle: {color: TYPE_COLORS.leader}}],
              lineStyle: {opacity: 0.7}, data: nodes, links: edges}],
  });
  return chart;
}

function linkTable(net) {
  const body = document.querySelector("#network-links tbody");
  if (!body) return;
  const fmtScore = (v) => (v == null ? "—" : v.toFixed(3));
  for (const link of net.links) {
    const row = body.insertRow();
    for (const value of [link.partner, TYPE_NAMES[link.type], link.form, fmtScore(link.score), fmtScore(link.scores.tech_enabling),
                         fmtScore(link.scores.chain_complement), fmtScore(link.scores.cross_fusion), link.reasons.join("；")]) {
      row.insertCell().textContent = value;  // textContent: reasons are data, never markup
    }
  }
  for (const u of net.unassigned) {
    const row = body.insertRow();
    row.className = "left-out";
    for (const value of [u.partner, "—", "—", "—", "", "", "", u.reason]) row.insertCell().textContent = value;
  }
}

function networkWithTable(el, net) {
  linkTable(net);
  return networkChart(el, net);
}

function backboneChart(el, net) {
  const nodes = net.backbone.nodes.map((n) => ({id: n.zone_id, name: n.zone_id, x: n.lon, y: -n.lat, symbolSize: 10,
                                                label: {show: true, fontSize: 10}}));
  const edges = net.backbone.edges.map((e) => ({source: e.source, target: e.target, value: Math.round(e.km),
                                                lineStyle: {type: e.mst ? "solid" : "dashed"}}));
  const chart = echarts.init(el);
  chart.setOption({
    tooltip: {formatter: (p) => (p.dataType === "edge" ? `${p.data.source} — ${p.data.target}: ${p.data.value} km` : p.name)},
    series: [{type: "graph", layout: "none", roam: true, data: nodes, links: edges,
              itemStyle: {color: TYPE_COLORS.leader}, lineStyle: {color: "#888", width: 1.5}}],
  });
  return chart;
}

const RENDERERS = {network: networkWithTable, backbone: backboneChart, tiles, trend, "zone-indicators": zoneIndicators, industry, lorenz: lorenzChart,
                   "diag-top": diagTop, "diag-theil": diagTheil, "diag-dagum": diagDagum};

async function drawCharts(root) {
  for (const el of root.querySelectorAll("[data-chart]")) {
    if (el.dataset.drawn) continue;
    el.dataset.drawn = "1";
    try {
      const response = await fetch(el.dataset.src, {credentials: "same-origin", headers: {Accept: "application/json"}});
      if (!response.ok) throw new Error(`${response.status}`);
      const chart = RENDERERS[el.dataset.chart](el, await response.json());
      el.dataset.ready = "1";
      window.addEventListener("resize", () => chart.resize());
    } catch (err) {
      el.textContent = T("图表数据加载失败：", "Chart data failed to load: ") + err.message;
      el.dataset.ready = "error";
    }
  }
}

document.addEventListener("DOMContentLoaded", () => {
  drawCharts(document);
  document.querySelectorAll("select[data-autosubmit]").forEach((s) => s.addEventListener("change", () => s.form.submit()));
  document.body.addEventListener("htmx:configRequest", (e) => { e.detail.headers["X-CSRF-Token"] = CSRF; });
  document.body.addEventListener("htmx:afterSwap", (e) => drawCharts(e.target));
});

const escapeHtml = (s) => String(s).replace(/[&<>"']/g, (c) => ({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;"}[c]));

const SCHEME_NAMES = {baseline: T("基准方案", "baseline"), reformed: T("改革方案", "reformed")};

// Evaluation: each zone's rank under the baseline scheme (left) and the reformed one (right); rank 1 on top.
function rankSlope(el, cmp) {
  const [first, second] = cmp.schemes;
  const up = "#176c2e", down = "#a11", same = "#9aa7b4";
  const series = cmp.changes.map((c) => ({
    type: "line", name: c.zone_id, data: [c.rank_a, c.rank_b], symbolSize: 3,
    lineStyle: {width: Math.abs(c.rank_change) >= 10 ? 1.8 : 0.6, opacity: Math.abs(c.rank_change) >= 10 ? 0.9 : 0.35,
                color: c.rank_change > 0 ? up : (c.rank_change < 0 ? down : same)},
    itemStyle: {color: c.rank_change > 0 ? up : (c.rank_change < 0 ? down : same)},
    emphasis: {focus: "series", lineStyle: {width: 3}}, change: c,
  }));
  const n = Math.max(2, ...cmp.changes.map((c) => Math.max(c.rank_a, c.rank_b)));
  const chart = echarts.init(el);
  chart.setOption({
    tooltip: {trigger: "item", formatter: (p) => {
      const c = cmp.changes[p.seriesIndex];
      return `${escapeHtml(c.zone_id)}<br>${SCHEME_NAMES[first] || first} ${c.rank_a} → ${SCHEME_NAMES[second] || second} ${c.rank_b} (${c.rank_change > 0 ? "+" : ""}${c.rank_change})` +
             (c.reason ? `<br>${escapeHtml(c.reason)}` : "");  // tooltips are HTML: data is escaped
    }},
    grid: {left: 48, right: 48, top: 24, bottom: 24},
    xAxis: {type: "category", data: [first, second].map((s) => SCHEME_NAMES[s] || s), boundaryGap: false},
    yAxis: {type: "value", inverse: true, min: 1, max: n},
    series,
  });
  return chart;
}

RENDERERS["rank-slope"] = rankSlope;

// Cross-shareholding: entities as nodes coloured by kind, holdings as arrows holder → company labelled with the share.
const ENTITY_KINDS = [["committee", T("管委会", "committee"), "#2f6fdb"], ["province", T("省级", "province"), "#d62728"],
                      ["asset_company", T("资产公司", "asset company"), "#2ca02c"],
                      ["project_company", T("项目公司", "project company"), "#ff7f0e"]];
const pct = (x) => `${+(x * 100).toFixed(2)}%`;

function ownershipGraph(el, d) {
  const kinds = ENTITY_KINDS.map(([k]) => k);
  const held = new Set(d.holdings.map((h) => h.company));
  const many = d.entities.length > 40;  // the whole province set: small nodes, names and shares on hover only
  const size = (e) => (e.kind === "project_company" ? 40 : (held.has(e.entity_id) ? 28 : 34)) * (many ? 0.4 : 1);
  const nodes = d.entities.map((e) => ({id: e.entity_id, name: e.name, category: Math.max(0, kinds.indexOf(e.kind)),
                                        symbolSize: size(e), entity: e}));
  const names = new Map(nodes.map((n) => [n.id, n.name]));
  const links = d.holdings.filter((h) => names.has(h.holder) && names.has(h.company)).map((h) => ({
    source: h.holder, target: h.company, value: h.share, lineStyle: {width: (many ? 0.5 : 1) + (many ? 1.5 : 3) * h.share},
    label: {show: !many, formatter: pct(h.share), fontSize: 11}}));
  const chart = echarts.init(el);
  chart.setOption({
    tooltip: {formatter: (p) => (p.dataType === "edge"  // tooltips are HTML: names are escaped
      ? `${escapeHtml(names.get(p.data.source))} → ${escapeHtml(names.get(p.data.target))}: ${pct(p.data.value)}`
      : `${escapeHtml(p.data.name)}<br>${ENTITY_KINDS[p.data.category][1]}${p.data.entity.zone_id ? ` · ${escapeHtml(p.data.entity.zone_id)}` : ""}` +
        `${p.data.entity.project_id ? ` · ${escapeHtml(p.data.entity.project_id)}` : ""}`)},
    legend: {data: ENTITY_KINDS.map(([, name]) => name), bottom: 4, backgroundColor: "rgba(255,255,255,0.85)"},
    series: [{type: "graph", layout: "force", roam: true, draggable: true, edgeSymbol: ["none", "arrow"], edgeSymbolSize: many ? 4 : 8,
              force: many ? {repulsion: 40, edgeLength: [12, 40], gravity: 0.25} : {repulsion: 420, edgeLength: [90, 170], gravity: 0.12},
              label: {show: !many, position: "bottom", fontSize: 12, color: "#1b2733", textBorderWidth: 0},
              emphasis: {focus: "adjacency", label: {show: true}, edgeLabel: {show: true, formatter: (p) => pct(p.data.value)}},
              edgeLabel: {color: "#5b6b7b"},
              categories: ENTITY_KINDS.map(([, name, color]) => ({name, itemStyle: {color}})),
              lineStyle: {color: "#8a99a8", opacity: 0.85, curveness: 0.08}, data: nodes, links}],
  });
  return chart;
}

RENDERERS.ownership = ownershipGraph;
