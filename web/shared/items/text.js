// `text`: a short answer in one line.

import { textual, maxLengthSetting } from "./fields.js";

export default {
  type: "text",
  label: "Short text",
  build: (item, path, value, context) => textual(item, path, value, context, "input"),
  settings: maxLengthSetting,
};
