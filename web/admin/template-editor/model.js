// The template editor's state and the template JSON it stands for. Pure: no DOM.
//
// The form never asks for ids. A question's id is made from its wording ("How did you
// sleep?" -> how_did_you_sleep), numbered when repeated, unique across the whole template
// (group columns included), and frozen once the template has been saved: an existing
// template's ids never change when the wording does, new questions get new ids. Answer
// options get stored values the same way, unique within their question.
//
// Scoring is held by reference to the question objects, not by id, so a question whose
// id still follows its wording keeps its place in the total, the reversed items and the
// alerts; `serialize` turns the references into ids.

export const KINDS = [
  ["worksheet", "Worksheet"], ["questionnaire", "Questionnaire"], ["diary", "Diary"],
  ["log", "Log"], ["plan", "Plan"], ["exercise", "Exercise"],
];

const ID_LENGTH = 48;
const isNumber = (value) => typeof value === "number" && Number.isFinite(value);

// -- ids ------------------------------------------------------------------------------------

/** A slug of some wording: lower case ASCII, words joined by "_", cut at a word boundary. */
export function slugify(text, { fallback, letterFirst }) {
  const words = String(text ?? "").normalize("NFKD").replace(/[\u0300-\u036f]/g, "").toLowerCase()
    .replace(/[^a-z0-9]+/g, "_").replace(/^_+|_+$/g, "");
  let slug = words.slice(0, ID_LENGTH);
  if (words.length > ID_LENGTH && slug.includes("_")) slug = slug.slice(0, slug.lastIndexOf("_"));
  slug = slug.replace(/_+$/, "");
  if (!slug) return fallback;
  return letterFirst && !/^[a-z]/.test(slug) ? `q_${slug}` : slug;
}

function unique(base, taken) {
  let candidate = base;
  for (let n = 2; taken.has(candidate); n += 1) candidate = `${base}_${n}`;
  taken.add(candidate);
  return candidate;
}

/** Every question with the group it sits in (null at the top level), in template order. */
export function allItems(items) {
  return items.flatMap((item) => [[item, null], ...(Array.isArray(item.items) ? item.items.map((child) => [child, item]) : [])]);
}

/**
 * Give every question that has no frozen id one made from its wording, and every answer
 * option without a frozen value one made from its label. `reserved`: ids used elsewhere
 * (subscales, calculated values).
 */
export function assignIds(items, frozen, reserved = []) {
  const everything = allItems(items).map(([item]) => item);
  const taken = new Set(reserved);
  for (const item of everything) if (frozen.has(item) && item.id) taken.add(item.id);
  for (const item of everything) {
    if (!(frozen.has(item) && item.id)) item.id = unique(slugify(item.label, { fallback: "question", letterFirst: true }), taken);
    if (Array.isArray(item.options)) assignOptionValues(item, frozen);
  }
}

function assignOptionValues(item, frozen) {
  const taken = new Set(item.options.filter((option) => frozen.has(option) && option.value).map((option) => option.value));
  for (const option of item.options) {
    if (!(frozen.has(option) && option.value)) option.value = unique(slugify(option.label, { fallback: "answer", letterFirst: false }), taken);
  }
}

/** Freeze every id and option value as it is now (after a save, or when loading a saved template). */
export function freezeAll(items, frozen) {
  for (const [item] of allItems(items)) {
    if (item.id) frozen.add(item);
    for (const option of item.options || []) if (option.value) frozen.add(option);
  }
}

// -- scoring form <-> scoring JSON ----------------------------------------------------------

const EXTRA_DEFAULTS = { missing: "no_score", max_missing: 0 };

/** The scoring form for a template's `scoring` (ids resolved to its top-level questions). */
export function scoringForm(scoring, items, answers) {
  const byId = new Map(items.map((item) => [item.id, item]));
  const form = { total: false, excluded: new Set(), reverse: new Set(), bands: [], reliableChange: null, higherIsBetter: false, risk: [], extra: {} };
  if (!scoring) return form;
  const counted = new Set((scoring.total_items || []).map((id) => byId.get(id)).filter(Boolean));
  form.total = counted.size > 0;
  if (form.total) for (const item of items) if (answers.isScorable(item) && !counted.has(item)) form.excluded.add(item);
  for (const id of scoring.reverse_items || []) if (byId.has(id)) form.reverse.add(byId.get(id));
  form.bands = (scoring.bands || []).map((band) => ({ ...band }));
  form.reliableChange = scoring.reliable_change ?? null;
  form.higherIsBetter = Boolean(scoring.higher_is_better);
  form.risk = (scoring.risk || []).map((rule) => ({ item: byId.get(rule.item) || null, threshold: rule.threshold, label: rule.label, message: rule.message }));
  for (const key of ["subscales", "derived"]) if (scoring[key]?.length) form.extra[key] = scoring[key];
  for (const [key, value] of Object.entries(EXTRA_DEFAULTS)) if (scoring[key] !== undefined && scoring[key] !== value) form.extra[key] = scoring[key];
  return form;
}

/** The questions counted in the total, in template order. */
export function countedItems(form, items, answers) {
  return form.total ? items.filter((item) => answers.isScorable(item) && !form.excluded.has(item)) : [];
}

/** The lowest and highest possible total, or null when some counted question is unbounded. */
export function totalRange(form, items, answers) {
  const counted = countedItems(form, items, answers);
  if (!counted.length) return null;
  let low = 0;
  let high = 0;
  for (const item of counted) {
    const range = answers.scoreRange(item);
    if (!range) return null;
    low += range[0];
    high += range[1];
  }
  return [low, high];
}

function subscaleMembers(form) {
  return new Set((form.extra.subscales || []).flatMap((subscale) => subscale.items || []));
}

/** `{ scoring, refs }`: the scoring JSON, and which question each listed id stands for. */
export function scoringJson(form, items, answers) {
  const counted = countedItems(form, items, answers);
  const inSubscale = subscaleMembers(form);
  const reversed = items.filter((item) => form.reverse.has(item) && answers.isScorable(item) && (counted.includes(item) || inSubscale.has(item.id)));
  const present = new Set(allItems(items).map(([item]) => item));
  const risk = form.risk.map((rule) => ({
    item: rule.item && present.has(rule.item) ? rule.item.id : "",
    threshold: rule.threshold,
    label: (rule.label || "").trim() || (rule.item?.label || "").trim().slice(0, 200),
    message: rule.message || "",
  }));
  const refs = { items, total_items: counted, reverse_items: reversed };
  const extra = form.extra;
  if (!counted.length && !risk.length && !Object.keys(extra).length) return { scoring: null, refs };
  const scoring = {
    total_items: counted.map((item) => item.id),
    reverse_items: reversed.map((item) => item.id),
    bands: form.total ? form.bands.map((band) => ({ ...band })) : [],
    risk,
    reliable_change: form.total ? form.reliableChange : null,
    higher_is_better: form.total ? form.higherIsBetter : false,
    ...extra,
  };
  return { scoring, refs };
}

// -- the whole template ---------------------------------------------------------------------

function cleanItem(item) {
  const out = {};
  for (const [key, value] of Object.entries(item)) {
    if (value === null || value === undefined) continue;
    if (key === "help" && !String(value).trim()) continue;
    if (key === "unit" && !String(value).trim()) continue;
    if (key === "items" && Array.isArray(value)) out.items = value.map(cleanItem);
    else if (key === "enable_when" && Array.isArray(value)) {
      if (!value.length) continue;
      out.enable_when = value.map(({ question, operator, answer }) => ({ question: typeof question === "object" ? question.id : question, operator, answer }));
    } else if (key === "enable_behavior" && !item.enable_when?.length) continue;
    else if (key === "options" && Array.isArray(value)) out.options = value.map(({ value: v, label, score }) => (isNumber(score) ? { value: v, label, score } : { value: v, label }));
    else out[key] = value;
  }
  return out;
}

/**
 * The editor state loaded from a template's content (a copy; the argument is not changed).
 * `frozenIds`: true to keep every id as it is (a saved template, a library copy), or the
 * previous state, when the content comes from the Advanced JSON: ids the editor had made
 * from the wording keep following it, ids written by hand are kept.
 */
export function editorState(content, { frozenIds, answers }) {
  const copy = structuredClone(content);
  const frozen = new WeakSet();
  const items = Array.isArray(copy.items) ? copy.items : [];
  if (frozenIds === true) freezeAll(items, frozen);
  else if (frozenIds) freezeWritten(items, frozen, frozenIds);
  const state = {
    frozen,
    content: {
      title: copy.title ?? "", kind: copy.kind ?? "worksheet", description: copy.description ?? "",
      instructions: copy.instructions ?? "", licence: copy.licence ?? null, items,
    },
    answers,
    scoring: scoringForm(copy.scoring, items, answers),
  };
  assignIds(items, frozen, reservedIds(state.scoring));
  linkConditions(items);
  return state;
}

// A condition names its question by id in the JSON; in the editor it holds the question itself,
// so it keeps pointing at it while the question's id still follows its wording.
function linkConditions(items) {
  const byId = new Map(items.map((item) => [item.id, item]));
  for (const item of items) {
    if (!Array.isArray(item.enable_when)) continue;
    item.enable_when = item.enable_when.map((condition) => ({ ...condition, question: byId.get(condition?.question) ?? condition?.question }));
  }
}

function freezeWritten(items, frozen, previous) {
  const made = new Set();
  const madeValues = new Set();
  for (const [item] of allItems(previous.content.items)) {
    if (!previous.frozen.has(item)) made.add(item.id);
    for (const option of item.options || []) if (!previous.frozen.has(option)) madeValues.add(`${item.id}\u0000${option.value}`);
  }
  for (const [item] of allItems(items)) {
    if (item.id && !made.has(item.id)) frozen.add(item);
    for (const option of item.options || []) if (option.value && !madeValues.has(`${item.id}\u0000${option.value}`)) frozen.add(option);
  }
}

function reservedIds(form) {
  return [...(form.extra.subscales || []), ...(form.extra.derived || [])].map((entry) => entry.id).filter(Boolean);
}

/** `{ content, refs }`: the template JSON for the API, after giving new questions their ids. */
export function serialize(state) {
  assignIds(state.content.items, state.frozen, reservedIds(state.scoring));
  const { scoring, refs } = scoringJson(state.scoring, state.content.items, state.answers);
  const { licence, items, ...rest } = state.content;
  const content = { ...rest, ...(licence ? { licence } : {}), items: items.map(cleanItem), scoring };
  return { content, refs };
}
