// `long_text`: a free answer of several lines.

import { textual, maxLengthSetting } from "./fields.js";

export default {
  type: "long_text",
  label: "Long text",
  condition: { operators: ["exists", "=", "!="], value: "text" }, // what enable_when may ask of its answer
  build: (item, path, value, context) => textual(item, path, value, context, "textarea"),
  settings: maxLengthSetting,
};
