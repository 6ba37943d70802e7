// `number`: any number, optionally bounded and with a unit.

import { h } from "../dom.js";
import { fieldShell } from "./fields.js";
import { tr } from "../i18n.js";

export default {
  type: "number",
  label: "Number",
  condition: { operators: ["exists", "=", "!=", ">", "<", ">=", "<="], value: "number" }, // what enable_when may ask of its answer

  build(item, path, value, context) {
    const { wrapper, baseId, describedBy } = fieldShell(item, path, context, { grouped: false });
    const control = h("input", {
      id: baseId, name: path, type: "number", inputmode: "decimal", class: "control control-short",
      min: item.min ?? null, max: item.max ?? null, step: item.step ?? "any",
      "aria-describedby": describedBy, "aria-required": item.required ? "true" : null,
      on: { input: context.changed },
    });
    control.value = typeof value === "number" ? String(value) : "";
    const row = h("div", { class: "inline" }, control, item.unit ? h("span", { class: "unit", text: item.unit }) : null);
    wrapper.append(row);
    return {
      element: wrapper,
      get: () => {
        if (control.value.trim() === "") return undefined;
        const number = Number(control.value);
        return Number.isFinite(number) ? number : undefined;
      },
    };
  },

  check(item, value, path, errors) {
    if (typeof value !== "number") return;
    if ((item.min ?? null) !== null && value < item.min) errors.push({ path, message: tr("form.numberAtLeast", { min: item.min }) });
    if ((item.max ?? null) !== null && value > item.max) errors.push({ path, message: tr("form.numberAtMost", { max: item.max }) });
  },

  score: (item, value) => (typeof value === "number" ? value : null),
  describe: (item, value) => (item.unit ? `${value} ${item.unit}` : String(value)),

  settings: (item, { base, text, numberInput }) => [h("div", { class: "form-row" },
    numberInput(`${base}-min`, "Lowest", item.min, (value) => { item.min = value; }),
    numberInput(`${base}-maxn`, "Highest", item.max, (value) => { item.max = value; }),
    text(`${base}-unit`, "Unit (optional)", item.unit, (value) => { item.unit = value || null; }, { maxlength: 30 }))],
};
