// `date`: a calendar date (YYYY-MM-DD), with the browser's date picker.

import { plainInput } from "./fields.js";

export default {
  type: "date",
  label: "Date",
  condition: { operators: ["exists", "=", "!=", ">", "<", ">=", "<="], value: "date" }, // what enable_when may ask of its answer
  build: (item, path, value, context) => plainInput(item, path, value, context, "date"),
};
