// Reminder settings: when, how, quiet hours, time zone, and stopping reminders altogether.

import { h, clear, notice, focusElement, browserTimeZone } from "../shared/dom.js";
import { timeZonePicker } from "../shared/tz-picker.js";
import { ApiError, describeError } from "../shared/api.js";
import { clientApi, showFieldErrors, clearFieldErrors } from "./session.js";
import { CHANNEL as WEB_PUSH, SAY, deviceState, turnOnHere, turnOffHere } from "./push.js";

const CHANNELS = [
  { value: "email", label: "Email", available: (me) => me.has_email, missing: "Your clinician does not have an email address for you." },
  { value: "sms", label: "Text message", available: (me) => me.has_phone, missing: "Your clinician does not have a mobile number for you." },
];

export async function showSettings(main) {
  clear(main, h("h1", { text: "Reminders" }), h("p", { class: "loading", text: "Loading" }));
  const me = await clientApi("GET", "/v1/client/me");
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
    h("div", { class: "field", dataset: { path: "quiet_hours.start" } }, h("label", { class: "field-label", for: "quiet-start", text: "From" }),
      h("p", { class: "field-error", hidden: true }), quietStart),
    h("div", { class: "field", dataset: { path: "quiet_hours.end" } }, h("label", { class: "field-label", for: "quiet-end", text: "Until" }),
      h("p", { class: "field-error", hidden: true }), quietEnd));
  quietOn.addEventListener("change", () => { quietTimes.hidden = !quietOn.checked; });
  // Searchable: type a city; it starts from the zone the client's reminders use now.
  const zone = timeZonePicker({ id: "timezone", value: me.timezone, describedBy: "timezone-help timezone-error" });
  const saveButton = h("button", { type: "submit", class: "button", text: "Save reminder settings" });

  const form = h("form", { class: "card", novalidate: true, "aria-labelledby": "settings-title" },
    h("h2", { id: "settings-title", text: "When and how we remind you" }),
    h("div", { class: "field", dataset: { path: "reminder_time" } }, h("label", { class: "field-label", for: "reminder-time", text: "Usual reminder time" }),
      h("p", { class: "field-help", id: "reminder-time-help", text: "Your clinician may set a different time for some homework." }),
      h("p", { class: "field-error", hidden: true }), time),
    h("fieldset", { class: "field", dataset: { path: "reminder_channels" } }, h("legend", { class: "field-label", text: "Remind me by" }),
      h("p", { class: "field-error", hidden: true }),
      h("div", { class: "choices" }, channelInputs.map(({ channel, input }) => h("div", { class: "choice" }, input,
        h("label", { for: input.id }, channel.label,
          channel.available(me) ? null : h("span", { class: "muted", id: `channel-${channel.value}-note`, text: ` (${channel.missing})` })))))),
    h("fieldset", { class: "field", dataset: { path: "quiet_hours" } }, h("legend", { class: "field-label", text: "Quiet hours" }),
      h("p", { class: "field-error", hidden: true }),
      h("div", { class: "choice" }, quietOn, h("label", { for: "quiet-on", text: "Don't send reminders during quiet hours" })),
      quietTimes),
    h("div", { class: "field", dataset: { path: "timezone" } }, h("label", { class: "field-label", for: "timezone", text: "Your time zone" }),
      h("p", { class: "field-help", id: "timezone-help", text: "Type the nearest city, such as London or Auckland." }),
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
        ? "We don't know that time zone. Type the nearest city and pick it from the list."
        : "Choose your time zone: type the nearest city." }]);
      return;
    }
    if (!body.reminder_time) {
      showFieldErrors(form, [{ field: "reminder_time", message: "Choose a reminder time." }]);
      return;
    }
    // The API refuses this too (422); saying it here spares a round trip and names the field.
    if (body.quiet_hours && body.quiet_hours.start === body.quiet_hours.end) {
      showFieldErrors(form, [{ field: "quiet_hours.end", message: "Quiet hours need to end at a different time than they start." }]);
      return;
    }
    await save(main, body, saveButton, status, "Saved. We will remind you as you asked.", form);
  });

  const stopButton = h("button", { type: "button", class: "button button-danger", text: "Stop all reminders" });
  stopButton.addEventListener("click", () => save(main, { reminder_channels: [], version: me.version }, stopButton, status,
    "Reminders are off. Your homework is still here whenever you want it, and you can turn reminders back on at any time."));
  const reminding = me.reminder_channels.length > 0;

  clear(main,
    h("h1", { text: "Reminders" }),
    status,
    form,
    thisDevice(main, me, deviceMessage),
    h("section", { class: "card", "aria-labelledby": "stop-title" },
      h("h2", { id: "stop-title", text: "Stop reminders" }),
      reminding
        ? [h("p", { text: "If reminders aren't helping right now, you can switch them all off. Your clinician will see that you chose this." }), stopButton]
        : h("p", { text: "Reminders are off. Tick how you would like to be reminded above to turn them back on." })));
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
      render(main, me, notice("warning", h("p", { text: "Your settings were changed somewhere else. Here they are now; please check and save again." })));
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

/**
 * "Reminders on this device": web push for this browser, on or off. What it shows is read
 * from the browser and the API each time (subscribed here, known to the API, and web push one
 * of the client's channels), never assumed from the last click.
 */
function thisDevice(main, me, message = null) {
  const status = h("div", { role: "status", "aria-live": "polite" }, message);
  const body = h("div", {}, h("p", { class: "loading", text: "Checking this device" }));
  const section = h("section", { class: "card", id: "this-device", "aria-labelledby": "device-title" },
    h("h2", { id: "device-title", text: "Reminders on this device" }), body, status);
  deviceState(me).then((state) => showDevice(main, state, body),
    (error) => clear(body, h("p", { text: describeError(error) })));
  return section;
}

function showDevice(main, state, body) {
  if (!state.supported || state.shared) {
    clear(body, h("p", { text: state.shared ? SAY.shared : SAY.unsupported }));
    return;
  }
  const toggle = h("input", { type: "checkbox", id: "device-reminders", role: "switch", checked: state.on,
    disabled: state.permission === "denied" && !state.on, "aria-describedby": "device-help" });
  const help = state.on ? "On: this browser shows a notification when homework is due."
    : state.permission === "denied" ? SAY.denied
      : "Off: this browser doesn't show reminders.";
  const others = state.others === 1 ? "Reminders also go to 1 other browser of yours."
    : state.others > 1 ? `Reminders also go to ${state.others} other browsers of yours.` : null;
  clear(body,
    h("div", { class: "choice" }, toggle, h("label", { for: "device-reminders", text: "Show reminders on this device" })),
    h("p", { class: "field-help", id: "device-help", text: help }),
    others ? h("p", { class: "muted", text: others }) : null);
  toggle.addEventListener("change", async () => {
    toggle.disabled = true;
    let sentence;
    let kind = "info";
    try {
      if (toggle.checked) {
        const result = await turnOnHere();
        sentence = SAY[result];
        if (result === "on") kind = "success";
      } else {
        await turnOffHere();
        sentence = SAY.off;
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
  const button = h("button", { type: "button", class: "link-button tz-device", text: `Use this device's time zone (${device.replaceAll("_", " ")})` });
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
