// `long_text`: a free answer of several lines.

import { textual, maxLengthSetting } from "./fields.js";

export default {
  type: "long_text",
  label: "Long text",
  build: (item, path, value, context) => textual(item, path, value, context, "textarea"),
  settings: maxLengthSetting,
};
