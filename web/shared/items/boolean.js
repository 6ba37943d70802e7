// `boolean`: yes or no, as two radio buttons in a row; scores 1 or 0.

import { choiceList } from "./fields.js";
import { tr } from "../i18n.js";

export default {
  type: "boolean",
  label: "Yes / no",
  condition: { operators: ["exists", "=", "!="], value: "boolean" }, // what enable_when may ask of its answer

  build(item, path, value, context) {
    const options = [{ value: "true", label: tr("form.yes") }, { value: "false", label: tr("form.no") }];
    const current = typeof value === "boolean" ? String(value) : null;
    const { wrapper, inputs } = choiceList(item, path, context, "radio", options, (option) => option === current);
    wrapper.querySelector(".choices").classList.add("choices-row");
    return {
      element: wrapper,
      get: () => {
        const checked = inputs.find((input) => input.checked);
        return checked ? checked.value === "true" : undefined;
      },
    };
  },

  score: (item, value) => (typeof value === "boolean" ? Number(value) : null),
  describe: (item, value) => (value ? tr("form.yes") : tr("form.no")),
};
