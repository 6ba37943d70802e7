// `scale`: a whole number from min to max in steps, with labelled anchor points. Up to 11
// points it shows as radio buttons; longer scales as a slider that starts unanswered.

import { h } from "../dom.js";
import { fieldShell } from "./fields.js";
import { tr } from "../i18n.js";

const RADIO_SCALE_MAX_POINTS = 11;

function anchorFor(item, number) {
  return (item.anchors || []).find((anchor) => anchor.value === number)?.label;
}

function radioScale(item, path, value, context, step) {
  const { wrapper, baseId } = fieldShell(item, path, context, { grouped: true });
  const list = h("div", { class: "scale-radios" });
  const inputs = [];
  for (let number = item.min; number <= item.max; number += step) {
    const id = `${baseId}-${number}`;
    const anchor = anchorFor(item, number);
    const input = h("input", {
      type: "radio", id, name: `${baseId}-scale`, value: String(number), checked: value === number,
      on: { change: context.changed },
    });
    inputs.push(input);
    list.append(h("div", { class: "scale-point" }, input,
      h("label", { for: id }, h("span", { class: "scale-number", text: String(number) }),
        anchor ? h("span", { class: "scale-anchor", text: anchor }) : null)));
  }
  wrapper.append(list);
  return {
    element: wrapper,
    get: () => {
      const checked = inputs.find((input) => input.checked);
      return checked ? Number(checked.value) : undefined;
    },
  };
}

function sliderScale(item, path, value, context, step) {
  const { wrapper, baseId, describedBy } = fieldShell(item, path, context, { grouped: false });
  const answered = typeof value === "number";
  const middle = item.min + Math.round((item.max - item.min) / 2 / step) * step;
  const readout = h("output", { class: "scale-readout", for: baseId, "aria-hidden": "true" });
  const slider = h("input", {
    type: "range", id: baseId, name: path, class: "scale-slider", min: item.min, max: item.max, step,
    "aria-describedby": describedBy,
  });
  slider.value = String(answered ? value : middle);
  let isSet = answered;
  const clearButton = h("button", { type: "button", class: "link-button", text: tr("form.scaleClear") });
  const refresh = () => {
    const number = Number(slider.value);
    const anchor = anchorFor(item, number);
    const spoken = isSet ? (anchor ? `${number}, ${anchor}` : String(number)) : tr("form.scaleUnset");
    slider.setAttribute("aria-valuetext", spoken);
    readout.textContent = isSet ? (anchor ? `${number} — ${anchor}` : String(number)) : tr("form.scaleMove");
    wrapper.classList.toggle("scale-unset", !isSet);
    clearButton.hidden = !isSet;
  };
  slider.addEventListener("input", () => { isSet = true; refresh(); context.changed(); });
  clearButton.addEventListener("click", () => {
    isSet = false; slider.value = String(middle); refresh(); context.changed(); slider.focus();
  });
  const anchors = h("div", { class: "scale-anchors", "aria-hidden": "true" },
    (item.anchors || []).map((anchor) => {
      const span = h("span", { class: "scale-anchor-mark", text: `${anchor.value}: ${anchor.label}` });
      const position = (anchor.value - item.min) / (item.max - item.min);
      span.classList.add(position <= 0.15 ? "at-start" : position >= 0.85 ? "at-end" : "at-middle");
      return span;
    }));
  wrapper.append(readout, slider, anchors, clearButton);
  refresh();
  return { element: wrapper, get: () => (isSet ? Number(slider.value) : undefined) };
}

function parseLines(text) {
  return text.split("\n").map((line) => line.trim()).filter(Boolean).map((line) => {
    const at = line.indexOf(":");
    return at < 0 ? [line, line] : [line.slice(0, at).trim(), line.slice(at + 1).trim()];
  });
}

export default {
  type: "scale",
  label: "Scale",
  condition: { operators: ["exists", "=", "!=", ">", "<", ">=", "<="], value: "number" }, // what enable_when may ask of its answer

  build(item, path, value, context) {
    const step = item.step || 1;
    const points = Math.floor((item.max - item.min) / step) + 1;
    return points <= RADIO_SCALE_MAX_POINTS
      ? radioScale(item, path, value, context, step)
      : sliderScale(item, path, value, context, step);
  },

  score: (item, value) => (typeof value === "number" ? value : null),

  describe(item, value) {
    const anchor = (item.anchors || []).find((candidate) => candidate.value === value);
    return anchor ? `${value} (${anchor.label})` : tr("form.scaleOf", { value, min: item.min, max: item.max });
  },

  blank: () => ({ min: 0, max: 10, step: 1, anchors: [{ value: 0, label: "Not at all" }, { value: 10, label: "Extremely" }] }),

  settings: (item, { base, text, numberInput }) => [h("div", { class: "form-row" },
    numberInput(`${base}-min`, "From", item.min, (value) => { item.min = value ?? 0; }),
    numberInput(`${base}-maxs`, "To", item.max, (value) => { item.max = value ?? 10; }),
    numberInput(`${base}-step`, "Step", item.step, (value) => { item.step = value ?? 1; })),
  text(`${base}-anchors`, "Anchor labels", (item.anchors || []).map((anchor) => `${anchor.value}: ${anchor.label}`).join("\n"),
    (value) => { item.anchors = parseLines(value).map(([number, label]) => ({ value: Number(number), label: label || number })); },
    { multiline: true, help: "One per line, e.g. “0: Not at all”.", maxlength: 2000 })],
};
