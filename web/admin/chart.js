// A progress chart of questionnaire totals, drawn as inline SVG with the measure's bands
// shaded behind the line. Each chart comes with a table of the same figures.

import { h, formatDate } from "../shared/dom.js";

const SVG = "http://www.w3.org/2000/svg";
const WIDTH = 640;
const HEIGHT = 260;
const MARGIN = { top: 12, right: 110, bottom: 34, left: 40 };

function svg(tag, attrs = {}, text = null) {
  const element = document.createElementNS(SVG, tag);
  for (const [key, value] of Object.entries(attrs)) element.setAttribute(key, String(value));
  if (text !== null) element.textContent = text;
  return element;
}

/** `measure`: { template_id, title, bands: [{min, max, label}], series: [{submitted_at, total, band}] } */
export function progressChart(measure, index) {
  const id = `chart-${index}`;
  const series = measure.series;
  const bands = [...(measure.bands || [])].sort((a, b) => a.min - b.min);
  const totals = series.map((point) => point.total);
  const low = Math.min(...(bands.length ? [bands[0].min] : []), ...totals);
  const high = Math.max(...(bands.length ? [bands[bands.length - 1].max] : []), ...totals);
  const span = high - low || 1;
  const plotWidth = WIDTH - MARGIN.left - MARGIN.right;
  const plotHeight = HEIGHT - MARGIN.top - MARGIN.bottom;
  const x = (i) => MARGIN.left + (series.length === 1 ? plotWidth / 2 : (i * plotWidth) / (series.length - 1));
  const y = (value) => MARGIN.top + plotHeight - ((value - low) / span) * plotHeight;

  const chart = svg("svg", { viewBox: `0 0 ${WIDTH} ${HEIGHT}`, class: "chart", role: "img", "aria-labelledby": `${id}-title ${id}-desc` });
  const last = series[series.length - 1];
  chart.append(
    svg("title", { id: `${id}-title` }, `${measure.title}: scores over time`),
    svg("desc", { id: `${id}-desc` }, `${series.length} ${series.length === 1 ? "score" : "scores"}; latest ${last.total}${last.band ? ` (${last.band})` : ""}. The table below lists every score.`));

  // Bands: each covers its own range up to where the next band starts.
  bands.forEach((band, bandIndex) => {
    const top = bandIndex < bands.length - 1 ? bands[bandIndex + 1].min : band.max;
    const bandTop = y(Math.min(top, high));
    const bandBottom = y(Math.max(band.min, low));
    chart.append(
      svg("rect", { x: MARGIN.left, y: bandTop, width: plotWidth, height: Math.max(0, bandBottom - bandTop), class: `band band-${bandIndex % 6}` }),
      svg("text", { x: MARGIN.left + plotWidth + 6, y: (bandTop + bandBottom) / 2 + 4, class: "band-label" }, band.label));
  });

  // Axes and a few value ticks.
  chart.append(
    svg("line", { x1: MARGIN.left, y1: MARGIN.top, x2: MARGIN.left, y2: MARGIN.top + plotHeight, class: "axis" }),
    svg("line", { x1: MARGIN.left, y1: MARGIN.top + plotHeight, x2: MARGIN.left + plotWidth, y2: MARGIN.top + plotHeight, class: "axis" }));
  const ticks = new Set([low, high, ...bands.map((band) => band.min).filter((value) => value > low)]);
  for (const tick of ticks) {
    chart.append(svg("text", { x: MARGIN.left - 6, y: y(tick) + 4, "text-anchor": "end", class: "axis-label" }, String(tick)));
  }
  const labelEvery = Math.max(1, Math.ceil(series.length / 6));
  series.forEach((point, i) => {
    if (i % labelEvery === 0 || i === series.length - 1) {
      chart.append(svg("text", { x: x(i), y: HEIGHT - 10, "text-anchor": "middle", class: "axis-label" }, shortDate(point.submitted_at)));
    }
  });

  if (series.length > 1) {
    chart.append(svg("polyline", { points: series.map((point, i) => `${x(i)},${y(point.total)}`).join(" "), class: "line" }));
  }
  series.forEach((point, i) => {
    const dot = svg("circle", { cx: x(i), cy: y(point.total), r: 4.5, class: "point" });
    dot.append(svg("title", {}, `${shortDate(point.submitted_at)}: ${point.total}${point.band ? ` (${point.band})` : ""}`));
    chart.append(dot);
  });

  const table = h("table", {},
    h("caption", { class: "visually-hidden", text: `${measure.title} scores` }),
    h("thead", {}, h("tr", {}, h("th", { scope: "col", text: "Date" }), h("th", { scope: "col", class: "number", text: "Score" }), h("th", { scope: "col", text: "Band" }))),
    h("tbody", {}, series.map((point) => h("tr", {},
      h("td", { text: formatDate(point.submitted_at.slice(0, 10)) }), h("td", { class: "number", text: String(point.total) }), h("td", { text: point.band || "—" })))));

  const change = measure.reliable_change;
  return h("figure", { class: "card chart-figure", "aria-labelledby": `${id}-caption` },
    h("figcaption", { id: `${id}-caption` }, h("h3", { text: measure.title }),
      change ? h("p", { class: "chart-legend", text: `Change since first: ${change.change > 0 ? "+" : ""}${change.change} (${change.direction.replace("_", " ")}${change.reliable ? ", reliable" : ", within measurement error"}). ${measure.higher_is_better ? "Higher is better." : "Lower is better."}` })
        : h("p", { class: "chart-legend", text: measure.higher_is_better ? "Higher is better." : "Lower is better." })),
    chart,
    h("details", {}, h("summary", { text: "Show the scores as a table" }), h("div", { class: "table-scroll" }, table)));
}

function shortDate(iso) {
  return new Intl.DateTimeFormat(undefined, { day: "numeric", month: "short" }).format(new Date(iso));
}
