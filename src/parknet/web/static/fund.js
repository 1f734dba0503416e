// Coordination fund (协同发展基金): each sub-fund's budget against what the allocation uses, from
// /api/v1/fund/rounds/{id}/allocation. Loaded after app.js (both deferred), whose drawCharts runs on
// DOMContentLoaded, after this file has registered its renderer.
"use strict";

const FUND_NAMES = {development: T("开发基金", "development"), industry: T("产业基金", "industry"), venture: T("创投基金", "venture")};

function fundBudgets(el, a) {
  const codes = a.budgets.map((b) => b.subfund);
  const budget = a.budgets.map((b) => Number(b.budget));
  const used = codes.map((c) => Number(a.totals.by_subfund[c] || 0));
  const chart = echarts.init(el);
  chart.setOption({
    tooltip: {trigger: "axis", axisPointer: {type: "shadow"}, valueFormatter: (v) => `${Number(v).toLocaleString()} ${T("万元", "10k yuan")}`},
    legend: {top: 0},
    grid: {left: 8, right: 16, top: 48, bottom: 8, containLabel: true},
    xAxis: {type: "category", data: codes.map((c) => FUND_NAMES[c] || c)},
    yAxis: {type: "value", name: T("万元", "10k yuan")},
    series: [{type: "bar", name: T("预算", "budget"), data: budget, itemStyle: {color: "#9aa7b4"}},
             {type: "bar", name: T("已分配", "allocated"), data: used, itemStyle: {color: "#2f6fdb"}}],
  });
  return chart;
}

RENDERERS["fund-budgets"] = fundBudgets;
