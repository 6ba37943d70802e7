// `single_choice`: one of a list of options, as radio buttons.

import { choiceList, optionsSetting } from "./fields.js";

export default {
  type: "single_choice",
  label: "Single choice",
  condition: { operators: ["exists", "=", "!="], value: "option" }, // what enable_when may ask of its answer

  build(item, path, value, context) {
    const { wrapper, inputs } = choiceList(item, path, context, "radio", item.options, (option) => option === value);
    return { element: wrapper, get: () => inputs.find((input) => input.checked)?.value };
  },

  score(item, value) {
    const option = item.options.find((candidate) => candidate.value === value);
    return option && option.score !== null && option.score !== undefined ? option.score : null;
  },

  describe: (item, value) => item.options.find((option) => option.value === value)?.label ?? String(value),
  blank: () => ({ options: [{ value: "yes", label: "Yes" }, { value: "no", label: "No" }] }),
  settings: optionsSetting,
};
