// The words of the shared form code (web/shared/form.js, items/ and tz-picker.js), in English by default.
// The clinician's page stays English; the client page hands in its own translator
// (web/client/i18n/index.js) with setTranslator, so the same questions speak its language.

export const FORM_EN = {
  "form.required": " (required)",
  "form.needsAnswer": "This question needs an answer.",
  "form.notAnswered": "Not answered",
  "form.unknownType": "This question type ({type}) cannot be shown.",
  "form.furtherQuestion": "A further question is now shown: {label}",
  "form.errorsOne": "One answer needs another look",
  "form.errorsMany": "{count} answers need another look",
  "form.yes": "Yes",
  "form.no": "No",
  "form.numberAtLeast": "Use a number of at least {min}.",
  "form.numberAtMost": "Use a number of at most {max}.",
  "form.scaleUnset": "Not answered yet",
  "form.scaleMove": "Not answered yet: move the slider",
  "form.scaleClear": "Clear this answer",
  "form.scaleOf": "{value} on a scale of {min} to {max}",
  "form.groupAdd": "Add another entry",
  "form.groupAddTo": " to “{label}”",
  "form.groupEntry": "Entry {number}",
  "form.groupRemove": "Remove",
  "form.groupRemoveLabel": "Remove entry {number} from “{label}”",
  "form.groupRemoved": "Entry {number} removed.",
  "form.groupAdded": "Entry {number} added.",
  "form.groupUpTo": " Up to {max} entries.",
  "form.groupAtLeastOne": "Add at least 1 entry.",
  "form.groupAtLeastMany": "Add at least {count} entries.",
  // The time-zone picker (tz-picker.js), on both pages.
  "tz.list": "Time zones",
  "tz.now": "Time there now: {time}.",
  "tz.hint": "Type a city or region, such as London or New York.",
  "tz.none": "No time zone matches. Try a city name.",
  "tz.countOne": "1 time zone matches.",
  "tz.countMany": "{count} time zones match.",
  "tz.countMore": "{count}+ time zones match; keep typing to narrow the list.",
};

/** `text` with each {name} replaced by values[name] (left as it is when no value is given). */
export function format(text, values = {}) {
  return String(text).replace(/\{(\w+)\}/g, (whole, name) => (name in values ? String(values[name]) : whole));
}

let translator = (id, values) => format(FORM_EN[id] ?? id, values);
let dateLocale; // undefined: the browser's

/** The client page sets its own words and the locale for dates; the clinician's page keeps English. */
export function setTranslator(fn, localeTag = undefined) {
  translator = fn;
  dateLocale = localeTag;
}

/** The locale dates and times are written in (undefined: the browser's). */
export function locale() {
  return dateLocale;
}

/** A shared word in the page's language. */
export function tr(id, values) {
  return translator(id, values);
}
