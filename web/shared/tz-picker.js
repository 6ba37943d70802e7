// A searchable time-zone picker: a text input with a list of matching zones below it, following
// the ARIA combobox pattern (input role=combobox, popup role=listbox, aria-activedescendant).
// Keyboard: type to filter; Down/Up move through the list (Down opens it); Enter or Tab takes the
// highlighted zone; Escape closes the list (a second Escape restores the zone it had). It starts
// from the browser's own zone. A zone typed in full that the browser does not list (Etc/GMT-2)
// is kept as typed; the API checks it.

import { h, clear, uid, timeZones, browserTimeZone } from "./dom.js";
import { tr, locale } from "./i18n.js";

const MAX_SHOWN = 50;

function offsetOf(zone, now) {
  try {
    const parts = new Intl.DateTimeFormat("en-GB", { timeZone: zone, timeZoneName: "shortOffset" }).formatToParts(now);
    return parts.find((part) => part.type === "timeZoneName")?.value || "";
  } catch {
    return "";
  }
}

function localTime(zone, now) {
  try {
    return new Intl.DateTimeFormat(locale(), { timeZone: zone, hour: "2-digit", minute: "2-digit", weekday: "short" }).format(now);
  } catch {
    return null;
  }
}

function words(text) {
  return text.toLowerCase().replace(/[_/]+/g, " ").replace(/\s+/g, " ").trim();
}

let catalogue = null;

function zoneCatalogue() {
  if (!catalogue) {
    const now = new Date();
    catalogue = timeZones(browserTimeZone()).map((zone) => {
      const offset = offsetOf(zone, now);
      return { zone, offset, haystack: `${words(zone)} ${offset.toLowerCase()}`, city: words(zone.split("/").pop()) };
    });
  }
  return catalogue;
}

function matches(query) {
  const all = zoneCatalogue();
  const terms = words(query).split(" ").filter(Boolean);
  if (!terms.length) return all;
  const found = all.filter((entry) => terms.every((term) => entry.haystack.includes(term)));
  const first = terms[0];
  const rank = (entry) => (entry.city.startsWith(first) ? 0 : words(entry.zone).startsWith(first) ? 1 : 2);
  return found.sort((a, b) => rank(a) - rank(b) || a.zone.localeCompare(b.zone));
}

/**
 * Returns { element, input, value } — put a <label for={input.id}> before `element`.
 * `describedBy`: ids of help text for the input (the picker adds its own "time there now" line).
 */
export function timeZonePicker({ id = uid("tz"), value = browserTimeZone(), describedBy = "", onChange = () => {} } = {}) {
  const listId = `${id}-list`;
  const nowId = `${id}-now`;
  const countId = `${id}-count`;
  const input = h("input", {
    type: "text", id, class: "control tz-input", value, autocomplete: "off", spellcheck: "false",
    role: "combobox", "aria-autocomplete": "list", "aria-expanded": "false", "aria-controls": listId,
    "aria-describedby": [describedBy, nowId].filter(Boolean).join(" "),
  });
  const list = h("ul", { id: listId, role: "listbox", class: "tz-list", hidden: true, "aria-label": tr("tz.list") });
  const count = h("p", { id: countId, class: "visually-hidden", "aria-live": "polite" });
  const now = h("p", { id: nowId, class: "field-help tz-now" });
  const element = h("div", { class: "tz-picker" }, input, list, count, now);
  let shown = [];
  let active = -1;
  let committed = value;

  const showNow = () => {
    const zone = input.value.trim();
    const time = zone ? localTime(zone, new Date()) : null;
    now.textContent = time ? tr("tz.now", { time }) : tr("tz.hint");
  };

  const render = () => {
    shown = matches(input.value).slice(0, MAX_SHOWN + 1);
    const more = shown.length > MAX_SHOWN;
    if (more) shown = shown.slice(0, MAX_SHOWN);
    active = -1;
    input.removeAttribute("aria-activedescendant");
    clear(list, shown.map((entry, index) => {
      const option = h("li", { id: `${id}-opt-${index}`, role: "option", class: "tz-option", "aria-selected": "false" },
        h("span", { class: "tz-zone", text: entry.zone.replace(/_/g, " ") }), " ",
        h("span", { class: "tz-offset", text: entry.offset }));
      option.addEventListener("mousedown", (event) => event.preventDefault()); // keep focus in the input
      option.addEventListener("click", () => choose(index));
      return option;
    }));
    count.textContent = !shown.length ? tr("tz.none") : more ? tr("tz.countMore", { count: shown.length })
      : shown.length === 1 ? tr("tz.countOne") : tr("tz.countMany", { count: shown.length });
  };

  const open = () => {
    if (!list.hidden) return;
    render();
    list.hidden = !shown.length;
    input.setAttribute("aria-expanded", String(!list.hidden));
  };

  const close = () => {
    list.hidden = true;
    input.setAttribute("aria-expanded", "false");
    input.removeAttribute("aria-activedescendant");
    active = -1;
  };

  const highlight = (index) => {
    const options = list.querySelectorAll("[role=option]");
    if (!options.length) return;
    active = (index + options.length) % options.length;
    options.forEach((option, i) => option.setAttribute("aria-selected", String(i === active)));
    input.setAttribute("aria-activedescendant", options[active].id);
    options[active].scrollIntoView({ block: "nearest" });
  };

  const choose = (index) => {
    const entry = shown[index];
    if (!entry) return;
    input.value = entry.zone;
    committed = entry.zone;
    close();
    showNow();
    onChange(entry.zone);
  };

  input.addEventListener("input", () => {
    render();
    list.hidden = !shown.length;
    input.setAttribute("aria-expanded", String(!list.hidden));
    showNow();
  });
  input.addEventListener("keydown", (event) => {
    const isOpen = !list.hidden;
    if (event.key === "ArrowDown") {
      event.preventDefault();
      if (!isOpen) open();
      if (event.altKey) return;
      highlight(active + 1);
    } else if (event.key === "ArrowUp") {
      event.preventDefault();
      if (event.altKey) return close();
      if (!isOpen) open();
      highlight(active < 0 ? -1 : active - 1);
    } else if (event.key === "Enter") {
      if (isOpen && active >= 0) {
        event.preventDefault();
        choose(active);
      } else if (isOpen) {
        close();
      }
    } else if (event.key === "Escape") {
      if (isOpen) {
        event.preventDefault();
        close();
      } else if (input.value !== committed) {
        event.preventDefault();
        input.value = committed;
        showNow();
      }
    } else if (event.key === "Tab") {
      if (isOpen && active >= 0) choose(active);
      else close();
    } else if ((event.key === "Home" || event.key === "End") && isOpen && active >= 0) {
      event.preventDefault();
      highlight(event.key === "Home" ? 0 : shown.length - 1);
    }
  });
  input.addEventListener("blur", () => {
    close();
    if (input.value.trim() !== committed) {
      committed = input.value.trim();
      onChange(committed);
    }
  });
  showNow();

  return {
    element,
    input,
    get value() { return input.value.trim(); },
    set value(zone) { input.value = zone; committed = zone; showNow(); },
  };
}
