// `multi_choice`: any number of options, as checkboxes; scores add up.

import { choiceList, optionLabel, optionsSetting } from "./fields.js";

export default {
  type: "multi_choice",
  label: "Multiple choice",
  condition: { operators: ["exists", "=", "!="], value: "option" }, // what enable_when may ask of its answer

  build(item, path, value, context) {
    const chosen = Array.isArray(value) ? value : [];
    const { wrapper, inputs } = choiceList(item, path, context, "checkbox", item.options, (option) => chosen.includes(option));
    return { element: wrapper, get: () => inputs.filter((input) => input.checked).map((input) => input.value) };
  },

  score: (item, value) => item.options.filter((option) => value.includes(option.value)).reduce((sum, option) => sum + (option.score || 0), 0),
  describe: (item, value) => value.map((chosen) => optionLabel(item, chosen)).join(", "),
  blank: () => ({ options: [{ value: "yes", label: "Yes" }, { value: "no", label: "No" }] }),
  settings: optionsSetting,
};
