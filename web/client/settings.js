// Reminder settings: when, how, quiet hours, time zone, and stopping reminders altogether.

import { h, clear, notice, focusElement, browserTimeZone } from "../shared/dom.js";
import { timeZonePicker } from "../shared/tz-picker.js";
import { ApiError } from "../shared/api.js";
import { clientApi, showFieldErrors, clearFieldErrors } from "./session.js";
import { CHANNEL as WEB_PUSH, say, deviceState, turnOnHere, turnOffHere } from "./push.js";
import { t, useLanguage, LANGUAGE_NAMES, LANGUAGE_LABEL, describeError } from "./i18n/index.js";

const CHANNELS = [
  { value: "email", label: "settings.email", available: (me) => me.has_email, missing: "settings.noEmail" },
  { value: "sms", label: "settings.sms", available: (me) => me.has_phone, missing: "settings.noPhone" },
];

export async function showSettings(main) {
  clear(main, h("h1", { text: t("nav.settings") }), h("p", { class: "loading", text: t("common.loading") }));
  const me = await clientApi("GET", "/v1/client/me");
  if (me.language) useLanguage(me.language);
  render(main, me);
}

function render(main, me, message = null, deviceMessage = null) {
  const status = h("div", { role: "status", "aria-live": "polite" }, message);
  const time = h("input", { type: "time", id: "reminder-time", class: "control control-short", value: me.reminder_time, required: true });
  const channelInputs = CHANNELS.map((channel) => ({
    channel,
    input: h("input", {
      type: "checkbox", id: `channel-${channel.value}`, value: channel.value,
      checked: me.reminder_channels.includes(channel.value), disabled: !channel.available(me),
      "aria-describedby": channel.available(me) ? null : `channel-${channel.value}-note`,
    }),
  }));
  const quietOn = h("input", { type: "checkbox", id: "quiet-on", checked: Boolean(me.quiet_hours) });
  const quietStart = h("input", { type: "time", id: "quiet-start", class: "control control-short", value: me.quiet_hours?.start || "22:00" });
  const quietEnd = h("input", { type: "time", id: "quiet-end", class: "control control-short", value: me.quiet_hours?.end || "07:00" });
  const quietTimes = h("div", { class: "inline quiet-times", hidden: !me.quiet_hours },
    h("div", { class: "field", dataset: { path: "quiet_hours.start" } }, h("label", { class: "field-label", for: "quiet-start", text: t("settings.from") }),
      h("p", { class: "field-error", hidden: true }), quietStart),
    h("div", { class: "field", dataset: { path: "quiet_hours.end" } }, h("label", { class: "field-label", for: "quiet-end", text: t("settings.until") }),
      h("p", { class: "field-error", hidden: true }), quietEnd));
  quietOn.addEventListener("change", () => { quietTimes.hidden = !quietOn.checked; });
  // Searchable: type a city; it starts from the zone the client's reminders use now.
  const zone = timeZonePicker({ id: "timezone", value: me.timezone, describedBy: "timezone-help timezone-error" });
  const saveButton = h("button", { type: "submit", class: "button", text: t("settings.save") });

  const form = h("form", { class: "card", novalidate: true, "aria-labelledby": "settings-title" },
    h("h2", { id: "settings-title", text: t("settings.whenHow") }),
    h("div", { class: "field", dataset: { path: "reminder_time" } }, h("label", { class: "field-label", for: "reminder-time", text: t("settings.usualTime") }),
      h("p", { class: "field-help", id: "reminder-time-help", text: t("settings.usualHelp") }),
      h("p", { class: "field-error", hidden: true }), time),
    h("fieldset", { class: "field", dataset: { path: "reminder_channels" } }, h("legend", { class: "field-label", text: t("settings.remindBy") }),
      h("p", { class: "field-error", hidden: true }),
      h("div", { class: "choices" }, channelInputs.map(({ channel, input }) => h("div", { class: "choice" }, input,
        h("label", { for: input.id }, t(channel.label),
          channel.available(me) ? null : h("span", { class: "muted", id: `channel-${channel.value}-note`, text: ` (${t(channel.missing)})` })))))),
    h("fieldset", { class: "field", dataset: { path: "quiet_hours" } }, h("legend", { class: "field-label", text: t("settings.quiet") }),
      h("p", { class: "field-error", hidden: true }),
      h("div", { class: "choice" }, quietOn, h("label", { for: "quiet-on", text: t("settings.quietOn") })),
      quietTimes),
    h("div", { class: "field", dataset: { path: "timezone" } }, h("label", { class: "field-label", for: "timezone", text: t("settings.zone") }),
      h("p", { class: "field-help", id: "timezone-help", text: t("settings.zoneHelp") }),
      h("p", { class: "field-error", id: "timezone-error", hidden: true }), zone.element, deviceZoneButton(zone, me.timezone)),
    h("div", { class: "actions" }, saveButton));
  time.setAttribute("aria-describedby", "reminder-time-help");

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const body = {
      reminder_time: time.value,
      // Browser reminders are switched per device below; this form keeps them as they are.
      reminder_channels: [...channelInputs.filter(({ input }) => input.checked).map(({ channel }) => channel.value),
        ...me.reminder_channels.filter((channel) => channel === WEB_PUSH)],
      quiet_hours: quietOn.checked ? { start: quietStart.value, end: quietEnd.value } : null,
      timezone: zone.value,
      version: me.version,
    };
    clearFieldErrors(form);
    clear(status);
    if (!body.timezone || !isTimeZone(body.timezone)) {
      showFieldErrors(form, [{ field: "timezone", message: body.timezone
        ? t("settings.zoneUnknown")
        : t("settings.zoneChoose") }]);
      return;
    }
    if (!body.reminder_time) {
      showFieldErrors(form, [{ field: "reminder_time", message: t("settings.chooseTime") }]);
      return;
    }
    // The API refuses this too (422); saying it here spares a round trip and names the field.
    if (body.quiet_hours && body.quiet_hours.start === body.quiet_hours.end) {
      showFieldErrors(form, [{ field: "quiet_hours.end", message: t("settings.quietSame") }]);
      return;
    }
    await save(main, body, saveButton, status, t("settings.saved"), form);
  });

  const stopButton = h("button", { type: "button", class: "button button-danger", text: t("settings.stop") });
  stopButton.addEventListener("click", () => save(main, { reminder_channels: [], version: me.version }, stopButton, status,
    t("settings.stopped")));
  const reminding = me.reminder_channels.length > 0;

  clear(main,
    h("h1", { text: t("nav.settings") }),
    status,
    languageForm(main, me),
    form,
    thisDevice(main, me, deviceMessage),
    h("section", { class: "card", "aria-labelledby": "stop-title" },
      h("h2", { id: "stop-title", text: t("settings.stopTitle") }),
      reminding
        ? [h("p", { text: t("settings.stopText") }), stopButton]
        : h("p", { text: t("settings.offText") })));
}

async function save(main, body, button, status, successText, form = null) {
  button.disabled = true;
  try {
    const me = await clientApi("PATCH", "/v1/client/me", { body });
    render(main, me, notice("success", h("p", { text: successText })));
    focusElement(main.querySelector("[role=status] .notice"));
  } catch (error) {
    button.disabled = false;
    if (error instanceof ApiError && error.status === 409) {
      const me = await clientApi("GET", "/v1/client/me");
      render(main, me, notice("warning", h("p", { text: t("settings.conflict") })));
      return;
    }
    // Each refused field's sentence goes next to it; only what no field can take goes up top.
    const problems = error instanceof ApiError ? error.errors : [];
    const unplaced = problems.length && form ? showFieldErrors(form, problems) : problems.map((item) => item.message);
    if (!problems.length || unplaced.length) {
      clear(status, notice("error", h("p", { text: unplaced.length ? unplaced.join(" ") : describeError(error) })));
      focusElement(status.firstElementChild);
    }
  }
}

/** The page's language (and the client's reminders'): saved on the profile, then the page follows. */
function languageForm(main, me) {
  const current = me.language || "en";
  const select = h("select", { id: "language", class: "control control-short", "aria-describedby": "language-help language-error" },
    Object.entries(LANGUAGE_NAMES).map(([code, name]) => h("option", { value: code, lang: code, selected: code === current }, name)));
  const button = h("button", { type: "submit", class: "button button-secondary", text: t("settings.languageSave") });
  const status = h("div", { role: "status", "aria-live": "polite" });
  const form = h("form", { class: "card language-form", novalidate: true },
    h("div", { class: "field", dataset: { path: "language" } },
      h("label", { class: "field-label", id: "language-label", for: "language", text: LANGUAGE_LABEL }),
      h("p", { class: "field-help", id: "language-help", text: t("settings.languageHelp") }),
      h("p", { class: "field-error", id: "language-error", hidden: true }),
      select),
    h("div", { class: "actions" }, button),
    status);
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    clearFieldErrors(form);
    clear(status);
    button.disabled = true;
    try {
      const saved = await clientApi("PATCH", "/v1/client/me", { body: { language: select.value, version: me.version } });
      useLanguage(saved.language || select.value);
      render(main, saved, notice("success", h("p", { text: t("settings.languageSaved") })));
      focusElement(main.querySelector("[role=status] .notice"));
    } catch (error) {
      button.disabled = false;
      if (error instanceof ApiError && error.status === 409) {
        render(main, await clientApi("GET", "/v1/client/me"), notice("warning", h("p", { text: t("settings.conflict") })));
        return;
      }
      const problems = error instanceof ApiError ? error.errors : [];
      const unplaced = problems.length ? showFieldErrors(form, problems) : [];
      if (!problems.length || unplaced.length) {
        clear(status, notice("error", h("p", { text: unplaced.length ? unplaced.join(" ") : describeError(error) })));
      }
    }
  });
  return form;
}

/**
 * "Reminders on this device": web push for this browser, on or off. What it shows is read
 * from the browser and the API each time (subscribed here, known to the API, and web push one
 * of the client's channels), never assumed from the last click.
 */
function thisDevice(main, me, message = null) {
  const status = h("div", { role: "status", "aria-live": "polite" }, message);
  const body = h("div", {}, h("p", { class: "loading", text: t("settings.checking") }));
  const section = h("section", { class: "card", id: "this-device", "aria-labelledby": "device-title" },
    h("h2", { id: "device-title", text: t("settings.device") }), body, status);
  deviceState(me).then((state) => showDevice(main, state, body),
    (error) => clear(body, h("p", { text: describeError(error) })));
  return section;
}

function showDevice(main, state, body) {
  if (!state.supported || state.shared) {
    clear(body, h("p", { text: say(state.shared ? "shared" : "unsupported") }));
    return;
  }
  const toggle = h("input", { type: "checkbox", id: "device-reminders", role: "switch", checked: state.on,
    disabled: state.permission === "denied" && !state.on, "aria-describedby": "device-help" });
  const help = state.on ? t("settings.deviceOn")
    : state.permission === "denied" ? say("denied")
      : t("settings.deviceOff");
  const others = state.others === 1 ? t("settings.othersOne")
    : state.others > 1 ? t("settings.othersMany", { count: state.others }) : null;
  clear(body,
    h("div", { class: "choice" }, toggle, h("label", { for: "device-reminders", text: t("settings.showHere") })),
    h("p", { class: "field-help", id: "device-help", text: help }),
    others ? h("p", { class: "muted", text: others }) : null);
  toggle.addEventListener("change", async () => {
    toggle.disabled = true;
    let sentence;
    let kind = "info";
    try {
      if (toggle.checked) {
        const result = await turnOnHere();
        sentence = say(result);
        if (result === "on") kind = "success";
      } else {
        await turnOffHere();
        sentence = say("off");
        kind = "success";
      }
    } catch (error) {
      sentence = describeError(error);
    }
    // Everything on the page follows: the channels above change with this switch.
    render(main, await clientApi("GET", "/v1/client/me"), null, notice(kind, h("p", { text: sentence })));
    focusElement(main.querySelector("#this-device .notice"));
  });
}

/** When this device is in another zone than the reminders use, offer it in one tap. */
function deviceZoneButton(zone, saved) {
  const device = browserTimeZone();
  if (!device || device === saved) return null;
  const button = h("button", { type: "button", class: "link-button tz-device", text: t("settings.deviceZone", { zone: device.replaceAll("_", " ") }) });
  button.addEventListener("click", () => {
    zone.value = device;
    button.hidden = true;
    zone.input.focus();
  });
  return button;
}

function isTimeZone(name) {
  try {
    new Intl.DateTimeFormat(undefined, { timeZone: name }).format(0);
    return true;
  } catch {
    return false;
  }
}
