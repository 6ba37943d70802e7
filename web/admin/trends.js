// Subscales and worksheet trends in the progress section: one small chart per measure with its
// subscales as lines (a scale with severity bands gets a panel of its own with them shaded),
// and one per worksheet trend (sleep efficiency by week, distress per exposure practice,
// activities completed by week). Each has a one-line reading in words and a table of the same
// figures. Lines differ by dash pattern and marker as well as colour, and are named in a legend.

import { h, formatDate } from "../shared/dom.js";
import { svg, shortTitle } from "./chart.js";

const WIDTH = 440;
const HEIGHT = 190;
const PANEL_WIDTH = 320;
const MARGIN = { top: 10, right: 16, bottom: 30, left: 40 };
const TICK_GAP = 13; // px between value labels, so band edges close together do not overprint
const STYLES = 4; // .trend-line-0 … -3 in admin.css
const MARKERS = ["circle", "square", "diamond", "triangle", "down"]; // one more than STYLES: line n and n+4 still differ

/** Everything below the totals' charts; null when there is nothing to show. */
export function trendsSection(progress) {
  const subscales = progress.subscales || [];
  const trends = progress.worksheet_trends || [];
  if (!subscales.length && !trends.length) return null;
  return h("div", { class: "trends" },
    subscales.length ? [h("h3", { text: "Subscales" }), h("div", { class: "trend-grid" }, subscales.map(subscaleFigure))] : null,
    trends.length ? [h("h3", { text: "Worksheet trends" }), h("div", { class: "trend-grid" }, trends.map(trendFigure))] : null);
}

let figureCount = 0;
function nextId() {
  figureCount += 1;
  return `trend-${figureCount}`;
}

/** A label without its trailing "(SUDS 0–100)"-style note, for legends and sentences. */
function plain(label) {
  return String(label).replace(/\s*\([^)]*\)\s*$/, "") || String(label);
}

function shortDay(isoDate) {
  const [year, month, day] = isoDate.split("-").map(Number);
  return new Intl.DateTimeFormat(undefined, { day: "numeric", month: "short" }).format(new Date(year, month - 1, day, 12));
}

function number(value, unit) {
  if (value === null || value === undefined) return "—";
  return unit === "%" ? `${value}%` : unit ? `${value} ${unit}` : String(value);
}

function signed(value) {
  return value > 0 ? `+${value}` : value < 0 ? `−${-value}` : "no change";
}

// -- subscales ----------------------------------------------------------------------------

function subscaleFigure(measure) {
  const name = shortTitle(measure.title);
  const banded = measure.subscales.some((scale) => scale.bands.length);
  const points = measure.points;
  const charts = banded
    // Each scale's bands differ, so each scale gets its own small panel with its bands shaded.
    ? h("div", { class: "trend-panels" }, measure.subscales.map((scale) => h("div", { class: "trend-panel" },
      h("p", { class: "trend-panel-title", text: scale.label }),
      lineChart({
        title: `${name}: ${scale.label} over time`, width: PANEL_WIDTH, dates: points.map((p) => p.date),
        lines: [{ id: scale.id, label: scale.label }], values: points.map((p) => p.values),
        min: scale.min ?? 0, max: scale.max ?? 0, bands: scale.bands,
      }))))
    : lineChart({
      title: `${name} subscales over time`, dates: points.map((p) => p.date), lines: measure.subscales,
      values: points.map((p) => p.values), min: 0, max: Math.max(...measure.subscales.map((s) => s.max ?? 0)),
    });
  const headers = ["Date", ...measure.subscales.map((scale) => `${scale.label}${scale.max != null ? ` (of ${scale.max})` : ""}`)];
  const rows = points.map((point) => [formatDate(point.date), ...measure.subscales.map((scale) => {
    const value = number(point.values[scale.id]);
    const band = point.bands?.[scale.id];
    return band ? `${value} (${band})` : value;
  })]);
  return figure(`${name} subscales`, subscaleReading(measure), charts, banded ? bandKey(measure.subscales) : legend(measure.subscales),
    headers, rows, banded ? "trend-figure-wide" : null);
}

function subscaleReading(measure) {
  const points = measure.points;
  const last = points[points.length - 1];
  const first = points[0];
  const parts = measure.subscales.map((scale) => {
    const value = last.values[scale.id];
    if (value === null || value === undefined) return `${plain(scale.label)} not scored`;
    const band = last.bands?.[scale.id];
    const of = scale.max != null && !scale.bands.length ? ` of ${scale.max}` : "";
    const before = first.values[scale.id];
    const change = points.length > 1 && before != null ? ` (${signed(Math.round((value - before) * 100) / 100)})` : "";
    return `${plain(scale.label)} ${value}${of}${band ? `, ${band}` : ""}${change}`;
  });
  const when = points.length > 1 ? `Latest, ${shortDay(last.date)}, with the change since ${shortDay(first.date)}` : `One score so far, ${shortDay(last.date)}`;
  return `${when}: ${parts.join("; ")}.`;
}

// -- worksheet trends -------------------------------------------------------------------

function trendFigure(trend) {
  const points = trend.points;
  const weekly = trend.per === "week";
  const chart = lineChart({
    title: `${trend.title}: ${trend.label}`, dates: points.map((p) => p.date), lines: trend.lines,
    values: points.map((p) => p.values), min: trend.min ?? 0, max: trend.max ?? 0, unit: trend.unit,
  });
  const headers = [weekly ? "Week starting" : "Date", ...trend.lines.map((line) => `${plain(line.label)}${trend.unit ? ` (${trend.unit})` : ""}`),
    ...(weekly ? ["Entries"] : [])];
  const rows = points.map((point) => [formatDate(point.date), ...trend.lines.map((line) => number(point.values[line.id])),
    ...(weekly ? [String(point.count)] : [])]);
  const heading = `${shortTitle(trend.title)}: ${weekly ? trend.label.toLowerCase() : `${trend.lines.length > 1 ? "ratings" : "rating"} per entry`}`;
  return figure(heading, trendReading(trend), chart, trend.lines.length > 1 ? legend(trend.lines) : null, headers, rows);
}

function trendReading(trend) {
  const points = trend.points;
  const last = points[points.length - 1];
  const previous = points.length > 1 ? points[points.length - 2] : null;
  if (trend.per === "week") {
    const line = trend.lines[0];
    const entries = (count) => `${count} ${count === 1 ? "entry" : "entries"}`;
    const now = `Week starting ${shortDay(last.date)}: ${number(last.values[line.id], trend.unit)} from ${entries(last.count)}`;
    return previous
      ? `${now}; week starting ${shortDay(previous.date)}: ${number(previous.values[line.id], trend.unit)} from ${entries(previous.count)}.`
      : `${now}; the first week recorded.`;
  }
  const values = trend.lines.map((line) => `${plain(line.label).toLowerCase()} ${number(last.values[line.id], trend.unit)}`);
  const count = points.length === 1 ? "the only entry" : `the latest of ${points.length} entries`;
  return `${shortDay(last.date)}, ${count}: ${values.join(", ")} (on ${trend.min}–${trend.max}).`;
}

// -- drawing ------------------------------------------------------------------------------

function bandKey(subscales) {
  // The shading's meaning in words: colour alone would not say it.
  return subscales.filter((scale) => scale.bands.length).map((scale) => h("p", { class: "trend-band-key",
    text: `${scale.label}, shaded from the lowest band up: ${[...scale.bands].sort((a, b) => a.min - b.min).map((band) => `${band.label} ${band.min}–${band.max}`).join(", ")}.` }));
}

function figure(heading, reading, chart, legendList, headers, rows, extraClass = null) {
  const id = nextId();
  const table = h("table", {},
    h("caption", { class: "visually-hidden", text: heading }),
    h("thead", {}, h("tr", {}, headers.map((label, i) => h("th", { scope: "col", class: i ? "number" : null, text: label })))),
    h("tbody", {}, rows.map((cells) => h("tr", {}, cells.map((cell, i) => i ? h("td", { class: "number", text: cell }) : h("th", { scope: "row", text: cell }))))));
  return h("figure", { class: ["card", "trend-figure", extraClass], "aria-labelledby": `${id}-caption` },
    h("figcaption", { id: `${id}-caption` }, h("h4", { text: heading }), h("p", { class: "trend-reading", text: reading })),
    chart, legendList,
    h("details", {}, h("summary", { text: "Show the figures as a table" }), h("div", { class: "table-scroll", tabindex: "0", role: "region", "aria-label": `${heading}: table` }, table)));
}

function legend(lines) {
  return h("ul", { class: "trend-legend" }, lines.map((line, i) => {
    const sample = svg("svg", { viewBox: "0 0 28 10", width: 28, height: 10, "aria-hidden": "true", class: "chart" });
    sample.append(svg("line", { x1: 1, y1: 5, x2: 27, y2: 5, class: `trend-line trend-line-${i % STYLES}` }), marker(i, 14, 5));
    return h("li", {}, sample, h("span", { text: plain(line.label) }));
  }));
}

function marker(i, cx, cy) {
  const shape = MARKERS[i % MARKERS.length];
  const attrs = { class: `trend-point trend-point-${i % STYLES}` };
  if (shape === "square") return svg("rect", { ...attrs, x: cx - 3.5, y: cy - 3.5, width: 7, height: 7 });
  if (shape === "diamond") return svg("polygon", { ...attrs, points: `${cx},${cy - 4.5} ${cx + 4.5},${cy} ${cx},${cy + 4.5} ${cx - 4.5},${cy}` });
  if (shape === "triangle") return svg("polygon", { ...attrs, points: `${cx},${cy - 4.5} ${cx + 4.5},${cy + 4} ${cx - 4.5},${cy + 4}` });
  if (shape === "down") return svg("polygon", { ...attrs, points: `${cx},${cy + 4.5} ${cx + 4.5},${cy - 4} ${cx - 4.5},${cy - 4}` });
  return svg("circle", { ...attrs, cx, cy, r: 3.8 });
}

/** Lines over dated points on one value axis; `values[i][line.id]` may be null (a gap). */
function lineChart({ title, dates, lines, values, min, max, bands = [], unit = null, width = WIDTH }) {
  const seen = values.flatMap((row) => lines.map((line) => row[line.id])).filter((v) => v !== null && v !== undefined);
  const low = Math.min(min, ...seen);
  const high = Math.max(max, ...seen);
  const span = high - low || 1;
  const plotWidth = width - MARGIN.left - MARGIN.right;
  const plotHeight = HEIGHT - MARGIN.top - MARGIN.bottom;
  const x = (i) => MARGIN.left + (dates.length === 1 ? plotWidth / 2 : (i * plotWidth) / (dates.length - 1));
  const y = (value) => MARGIN.top + plotHeight - ((value - low) / span) * plotHeight;
  const id = nextId();
  const chart = svg("svg", { viewBox: `0 0 ${width} ${HEIGHT}`, class: "chart trend-chart", role: "img", "aria-labelledby": `${id}-title` });
  chart.append(svg("title", { id: `${id}-title` }, `${title}. The table below lists every figure.`));

  const sorted = [...bands].sort((a, b) => a.min - b.min);
  sorted.forEach((band, i) => {
    const top = y(Math.min(i < sorted.length - 1 ? sorted[i + 1].min : band.max, high));
    const bottom = y(Math.max(band.min, low));
    const rect = svg("rect", { x: MARGIN.left, y: top, width: plotWidth, height: Math.max(0, bottom - top), class: `band band-${i % 6}` });
    rect.append(svg("title", {}, `${band.label}: ${band.min}–${band.max}`));
    chart.append(rect);
  });
  chart.append(
    svg("line", { x1: MARGIN.left, y1: MARGIN.top, x2: MARGIN.left, y2: MARGIN.top + plotHeight, class: "axis" }),
    svg("line", { x1: MARGIN.left, y1: MARGIN.top + plotHeight, x2: MARGIN.left + plotWidth, y2: MARGIN.top + plotHeight, class: "axis" }));
  const ticks = [];
  for (const value of [low, high, ...sorted.map((band) => band.min).filter((v) => v > low && v < high)]) {
    if (ticks.every((placed) => Math.abs(y(placed) - y(value)) >= TICK_GAP)) ticks.push(value);
  }
  for (const tick of ticks) {
    const text = unit === "%" && tick === high ? `${tick}%` : String(tick);
    chart.append(svg("text", { x: MARGIN.left - 5, y: y(tick) + 4, "text-anchor": "end", class: "axis-label" }, text));
  }
  const every = Math.max(1, Math.ceil(dates.length / (width < WIDTH ? 3 : 5)));
  dates.forEach((date, i) => {
    if (i % every === 0 || i === dates.length - 1) {
      // the first and last labels align with the plot's edges, so neither is cut off
      const anchor = dates.length === 1 ? "middle" : i === 0 ? "start" : i === dates.length - 1 ? "end" : "middle";
      chart.append(svg("text", { x: x(i), y: HEIGHT - 9, "text-anchor": anchor, class: "axis-label" }, shortDay(date)));
    }
  });

  lines.forEach((line, n) => {
    // A gap (no value) breaks the line rather than joining across it.
    let run = [];
    const runs = [run];
    values.forEach((row, i) => {
      const value = row[line.id];
      if (value === null || value === undefined) { run = []; runs.push(run); } else run.push(`${x(i)},${y(value)}`);
    });
    for (const part of runs) if (part.length > 1) chart.append(svg("polyline", { points: part.join(" "), class: `trend-line trend-line-${n % STYLES}` }));
    values.forEach((row, i) => {
      const value = row[line.id];
      if (value === null || value === undefined) return;
      const dot = marker(n, x(i), y(value));
      dot.append(svg("title", {}, `${plain(line.label)}, ${shortDay(dates[i])}: ${number(value, unit)}`));
      chart.append(dot);
    });
  });
  return chart;
}
