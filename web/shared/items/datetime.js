// `datetime`: a date and time in the client's local wall-clock time.

import { plainInput } from "./fields.js";

export default {
  type: "datetime",
  label: "Date and time",
  condition: { operators: ["exists"], value: null }, // what enable_when may ask of its answer
  build: (item, path, value, context) => plainInput(item, path, value, context, "datetime-local"),
};
