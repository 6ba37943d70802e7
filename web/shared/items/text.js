// `text`: a short answer in one line.

import { textual, maxLengthSetting } from "./fields.js";

export default {
  type: "text",
  label: "Short text",
  condition: { operators: ["exists", "=", "!="], value: "text" }, // what enable_when may ask of its answer
  build: (item, path, value, context) => textual(item, path, value, context, "input"),
  settings: maxLengthSetting,
};
