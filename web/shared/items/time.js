// `time`: a time of day (HH:MM), with the browser's time picker.

import { plainInput } from "./fields.js";

export default {
  type: "time",
  label: "Time",
  condition: { operators: ["exists", "=", "!=", ">", "<", ">=", "<="], value: "time" }, // what enable_when may ask of its answer
  build: (item, path, value, context) => plainInput(item, path, value, context, "time"),
  // Conditions compare times as HH:MM:SS, so 22:00 and 22:00:00 are the same time.
  conditionKey: (item, value) => (typeof value === "string" && /^\d{2}:\d{2}$/.test(value) ? `${value}:00` : value),
};
