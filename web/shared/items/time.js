// `time`: a time of day (HH:MM), with the browser's time picker.

import { plainInput } from "./fields.js";

export default {
  type: "time",
  label: "Time",
  build: (item, path, value, context) => plainInput(item, path, value, context, "time"),
};
