// Checks made on the page before saving, for what the form itself can tell: blanks, a choice
// without answers, a total with nothing in it, an alert without its question. Problems use
// the API's field paths, so they show the same way as the API's own (errors.js); the API
// checks everything else (bands that leave gaps, scales whose steps do not fit...).

import { allItems, countedItems } from "./model.js";

const blank = (text) => !String(text ?? "").trim();
const isNumber = (value) => typeof value === "number" && Number.isFinite(value);

export function checkTemplate(state) {
  const problems = [];
  const add = (field, message) => problems.push({ field: `content.${field}`, message, type: "form" });
  const { content, scoring } = state;
  if (blank(content.title)) add("title", "Give the template a title.");

  const paths = new Map();
  content.items.forEach((item, i) => {
    paths.set(item, `items[${i}]`);
    (item.items || []).forEach((child, j) => paths.set(child, `items[${i}].items[${j}]`));
  });
  for (const [item] of allItems(content.items)) {
    const at = paths.get(item);
    if (blank(item.label)) add(`${at}.label`, "Write the question.");
    if (Array.isArray(item.options)) {
      if (item.options.length < 2) add(`${at}.options`, "Give at least two answers to choose from.");
      item.options.forEach((option, k) => { if (blank(option.label)) add(`${at}.options[${k}].label`, "Write this answer, or remove it."); });
      const scored = item.options.filter((option) => isNumber(option.score)).length;
      if (scored && scored < item.options.length) add(`${at}.options`, "Give every answer a score, or leave them all empty.");
    }
    if (Array.isArray(item.options)) {
      const seen = new Set();
      item.options.forEach((option, k) => {
        const wording = String(option.label ?? "").trim().toLowerCase();
        if (wording && seen.has(wording)) add(`${at}.options[${k}].label`, "Another answer has the same wording; make each one different.");
        seen.add(wording);
      });
    }
    if (Array.isArray(item.anchors) && Number.isFinite(item.min) && Number.isFinite(item.max) && item.max <= item.min) {
      add(`${at}.max`, "Make the highest number larger than the lowest.");
    }
  }

  if (scoring.total && !countedItems(scoring, content.items, state.answers).length) {
    add("scoring.total_items", "Choose at least one question to add up, or untick “Add up the answers to a total”.");
  }
  if (scoring.total) {
    scoring.bands.forEach((band, k) => {
      if (!isNumber(band.min)) add(`scoring.bands[${k}].min`, "Enter the number this band starts at.");
      if (!isNumber(band.max)) add(`scoring.bands[${k}].max`, "Enter the number this band ends at.");
      if (blank(band.label)) add(`scoring.bands[${k}].label`, "Name this band, e.g. “Mild”.");
    });
  }
  const present = new Set(content.items);
  scoring.risk.forEach((rule, k) => {
    if (!rule.item || !present.has(rule.item)) add(`scoring.risk[${k}].item`, "Choose the question this alert watches.");
    else if (!isNumber(rule.threshold)) add(`scoring.risk[${k}].threshold`, "Choose the answers that should raise the alert.");
    if (blank(rule.message)) add(`scoring.risk[${k}].message`, "Write the message the client sees when the alert is raised.");
  });
  return problems;
}
