// `date`: a calendar date (YYYY-MM-DD), with the browser's date picker.

import { plainInput } from "./fields.js";

export default {
  type: "date",
  label: "Date",
  build: (item, path, value, context) => plainInput(item, path, value, context, "date"),
};
