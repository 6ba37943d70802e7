// A progress chart of questionnaire totals, drawn as inline SVG with the measure's bands
// shaded behind the line. Each chart comes with a table of the same figures.

import { h, formatDate } from "../shared/dom.js";

const SVG = "http://www.w3.org/2000/svg";
const WIDTH = 640;
const HEIGHT = 260;
const MARGIN = { top: 12, right: 110, bottom: 34, left: 40 };

// What a score means against the client's first on the measure (the API's `vs_baseline`):
// the sentence's words, and a short label drawn beside the point (never colour alone).
export const OUTCOME_WORDS = {
  reliable_recovery: "Reliable recovery", recovery: "Recovery", reliable_improvement: "Reliable improvement",
  no_reliable_change: "No reliable change", reliable_deterioration: "Reliable deterioration",
};
const POINT_LABELS = {
  reliable_recovery: "Reliably recovered", recovery: "Recovered", reliable_improvement: "Reliably better",
  reliable_deterioration: "Reliably worse",
};
const TONES = { reliable_recovery: "better", recovery: "better", reliable_improvement: "better", reliable_deterioration: "worse" };
const SOURCE_FOR = {
  reliable_change: "Reliable change", clinical_cutoff: "Clinical cut-off", change_rules: "How changes are classified",
  bands: "Severity bands", total: "Total", risk: "Risk rule", recall_period_days: "Recall period",
};

/** A measure's short name where the title leads with one ("PHQ-9: Patient Health Questionnaire" → "PHQ-9"). */
export function shortTitle(title) {
  const [head, rest] = String(title || "").split(": ", 2);
  return rest && head.length <= 12 ? head : String(title || "");
}

export function svg(tag, attrs = {}, text = null) {
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
  const cutoff = measure.change_rules?.clinical_cutoff ?? null;
  const limits = [...totals, ...(cutoff === null ? [] : [cutoff])];
  const low = Math.min(...(bands.length ? [bands[0].min] : []), ...limits);
  const high = Math.max(...(bands.length ? [bands[bands.length - 1].max] : []), ...limits);
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

  if (cutoff !== null) chart.append(...cutoffLine(cutoff, measure.higher_is_better, y, plotWidth));

  if (series.length > 1) {
    chart.append(svg("polyline", { points: series.map((point, i) => `${x(i)},${y(point.total)}`).join(" "), class: "line" }));
  }
  series.forEach((point, i) => {
    const tone = TONES[point.vs_baseline];
    const dot = svg("circle", { cx: x(i), cy: y(point.total), r: tone ? 6 : 4.5, class: tone ? `point point-${tone}` : "point" });
    const since = OUTCOME_WORDS[point.vs_baseline];
    dot.append(svg("title", {}, `${shortDate(point.submitted_at)}: ${point.total}${point.band ? ` (${point.band})` : ""}${
      since ? `; ${since.toLowerCase()} since the first score` : ""}`));
    chart.append(dot);
    // A label where the outcome changes (and on the latest score), so a long series stays readable.
    const label = POINT_LABELS[point.vs_baseline];
    if (label && (i === series.length - 1 || series[i - 1]?.vs_baseline !== point.vs_baseline)) {
      const anchor = series.length > 1 && i === series.length - 1 ? "end" : i === 0 ? "start" : "middle";
      const above = y(point.total) - 12 > MARGIN.top + 4;
      chart.append(svg("text", { x: x(i), y: above ? y(point.total) - 12 : y(point.total) + 20, "text-anchor": anchor,
        class: `point-label point-label-${tone}` }, label));
    }
  });

  const table = h("table", {},
    h("caption", { class: "visually-hidden", text: `${measure.title} scores` }),
    h("thead", {}, h("tr", {}, h("th", { scope: "col", text: "Date" }), h("th", { scope: "col", class: "number", text: "Score" }), h("th", { scope: "col", text: "Band" }),
      measure.change_rules ? h("th", { scope: "col", text: "Since the first score" }) : null)),
    h("tbody", {}, series.map((point) => h("tr", {},
      h("td", { text: formatDate(point.submitted_at.slice(0, 10)) }), h("td", { class: "number", text: String(point.total) }), h("td", { text: point.band || "—" }),
      measure.change_rules ? h("td", { text: OUTCOME_WORDS[point.vs_baseline] || "First score" }) : null))));

  const change = measure.reliable_change;
  const rules = measure.change_rules;
  return h("figure", { class: "card chart-figure", "aria-labelledby": `${id}-caption` },
    h("figcaption", { id: `${id}-caption` }, h("h3", { text: measure.title }),
      rules ? [h("p", { class: "chart-outcome", text: whereNow(measure) }), h("p", { class: "chart-legend", text: rulesLine(measure) })]
        : change ? h("p", { class: "chart-legend", text: `Change since first: ${change.change > 0 ? "+" : ""}${change.change} (${change.direction.replace("_", " ")}${change.reliable ? ", reliable" : ", within measurement error"}). ${measure.higher_is_better ? "Higher is better." : "Lower is better."}` })
          : h("p", { class: "chart-legend", text: measure.higher_is_better ? "Higher is better." : "Lower is better." })),
    chart,
    h("details", {}, h("summary", { text: "Show the scores as a table" }), h("div", { class: "table-scroll" }, table)),
    rules?.sources?.length ? sourcesList(rules.sources) : null);
}

/** The clinical cut-off as a dashed line labelled "clinical range" on the side the range lies. */
function cutoffLine(cutoff, higherIsBetter, y, plotWidth) {
  const at = y(cutoff);
  const text = higherIsBetter ? `clinical range (${cutoff} or less)` : `clinical range (${cutoff} or more)`;
  return [
    svg("line", { x1: MARGIN.left, y1: at, x2: MARGIN.left + plotWidth, y2: at, class: "cutoff" }),
    svg("text", { x: MARGIN.left + 6, y: higherIsBetter ? at + 14 : at - 5, class: "cutoff-label" }, `${higherIsBetter ? "↓" : "↑"} ${text}`),
  ];
}

/** One sentence: where the client is against their first score, e.g. "Reliable recovery since the first score (20 → 8)". */
export function whereNow(measure) {
  const series = measure.series;
  const first = series[0].total;
  const last = series[series.length - 1];
  const range = last.case === true ? "in the clinical range" : last.case === false ? "out of the clinical range" : null;
  if (series.length < 2) {
    return `One score so far (${first}${range ? `, ${range}` : ""}): the next is compared with it.`;
  }
  const words = OUTCOME_WORDS[measure.outcome ?? last.vs_baseline] || "No classification";
  return `${words} since the first score (${first} → ${last.total})${range ? `, now ${range}` : ""}.`;
}

function rulesLine(measure) {
  const rules = measure.change_rules;
  const parts = [`A reliable change is ${rules.reliable_change} points`];
  if (rules.clinical_cutoff !== null && rules.clinical_cutoff !== undefined) {
    parts.push(`the clinical range is ${rules.clinical_cutoff} ${measure.higher_is_better ? "or less" : "or more"}`);
  }
  return `${parts.join("; ")}. ${measure.higher_is_better ? "Higher is better." : "Lower is better."}`;
}

/** Where each number comes from: the template's cited sources. */
function sourcesList(sources) {
  return h("details", { class: "chart-sources" }, h("summary", { text: "Sources" }),
    h("ul", {}, sources.map((source) => h("li", {},
      h("strong", { text: `${SOURCE_FOR[source.for] || source.for.replaceAll("_", " ")}: ` }),
      source.note ? `${source.note} ` : "",
      source.url ? h("a", { href: source.url, target: "_blank", rel: "noopener noreferrer", text: source.citation })
        : h("span", { text: source.citation })))));
}

function shortDate(iso) {
  return new Intl.DateTimeFormat(undefined, { day: "numeric", month: "short" }).format(new Date(iso));
}
