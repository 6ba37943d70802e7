// The item renderers, one module per item type, registered here and only here: the
// client's form, the clinician's view of answers and the template editor all read this.
// tests/unit/homework/test_hw_item_types.py checks it against the server's item types.
//
// A renderer is { type, label, build(item, path, value, context) -> { element, get() } }
// and, where the type needs them:
//   score(item, value)        the number risk rules compare (value is never empty)
//   describe(item, value)     the answer as text for the clinician (default: the value)
//   view(item, value, renderAnswers)   an element instead of text (rows of a group)
//   check(item, value, path, errors, checkItems) / checkMissing(item, path, errors)
//   beforeSubmit(item, value) what is sent of the answer
//   conditionKey(item, value) what an enable_when condition compares (default: the value, text trimmed)
//   condition                 { operators, value } an enable_when on this answer may use (the
//                             server's rule, chalicelib/homework/items/); none: it cannot be asked about
//   blank({ blankItem })      the settings of a new item of this type in the editor
//   settings(item, kit)       the editor's controls for those settings
//   container: true           holds other items (cannot sit inside another container)

import text from "./text.js";
import longText from "./long_text.js";
import number from "./number.js";
import scale from "./scale.js";
import singleChoice from "./single_choice.js";
import multiChoice from "./multi_choice.js";
import boolean from "./boolean.js";
import date from "./date.js";
import time from "./time.js";
import datetime from "./datetime.js";
import group from "./group.js";

const RENDERERS = [text, longText, number, scale, singleChoice, multiChoice, boolean, date, time, datetime, group];

/** Renderers by item type, in the order the editor offers them. */
export const ITEM_RENDERERS = Object.freeze(Object.fromEntries(RENDERERS.map((renderer) => {
  if (typeof renderer.type !== "string" || typeof renderer.label !== "string" || typeof renderer.build !== "function") {
    throw new TypeError(`item renderer ${renderer.type} needs a type, a label and build()`);
  }
  return [renderer.type, renderer];
})));

/** The renderer of an item, or null for a type this page does not know. */
export function rendererFor(item) {
  return Object.hasOwn(ITEM_RENDERERS, item.type) ? ITEM_RENDERERS[item.type] : null;
}
