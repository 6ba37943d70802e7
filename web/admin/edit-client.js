// Changing a client's details: name, email, phone, time zone, language and reminder preferences (and, for
// owners and admins, their clinician). Only what changed is sent, with the version read.

import { h, clear, announce } from "../shared/dom.js";
import { timeZonePicker } from "../shared/tz-picker.js";
import { adminApi } from "./auth.js";
import { field, fieldGroup, fieldErrors, showProblems, setFlash, phoneNumber } from "./forms.js";

// The languages a client's page, homework and reminders can be in (the API's `language`).
const LANGUAGES = [["en", "English"], ["es", "Spanish (Español)"]];
export const LANGUAGE_HELP = "Their page, reminders and translated questionnaires (e.g. PHQ-9, GAD-7) use it; the rest stays in English.";

export function languageSelect(id, value) {
  return h("select", { id, class: "control control-short" },
    LANGUAGES.map(([code, label]) => h("option", { value: code, text: label, selected: code === (value || "en") })));
}

const CHANNEL_NAMES = { email: "Email", sms: "Text message", push: "App notification" };

export async function showEditClient(main, clientId, who) {
  clear(main, h("h1", { text: "Edit client details" }), h("p", { class: "loading", text: "Loading" }));
  const manager = ["owner", "admin"].includes(who?.role);
  const [client, clinicians] = await Promise.all([
    adminApi("GET", `/v1/clients/${encodeURIComponent(clientId)}`),
    manager ? adminApi("GET", "/v1/clinicians?limit=100").catch(() => null) : null,
  ]);
  const clientHref = `#/clients/${encodeURIComponent(client.client_id)}`;
  const status = h("div", { class: "form-status" });

  const name = h("input", { type: "text", id: "edit-client-name", class: "control", maxlength: 100, autocomplete: "off", value: client.display_name });
  const email = h("input", { type: "email", id: "edit-client-email", class: "control", autocomplete: "off", value: client.email || "" });
  const phone = h("input", { type: "tel", id: "edit-client-phone", class: "control", autocomplete: "off", value: client.phone || "" });
  const zone = timeZonePicker({ id: "edit-client-timezone", value: client.timezone, describedBy: "edit-client-timezone-help" });
  const time = h("input", { type: "time", id: "edit-client-reminder-time", class: "control control-short", value: client.reminder_time });
  const language = languageSelect("edit-client-language", client.language);
  const byEmail = h("input", { type: "checkbox", id: "edit-client-by-email", checked: client.reminder_channels.includes("email") });
  const bySms = h("input", { type: "checkbox", id: "edit-client-by-sms", checked: client.reminder_channels.includes("sms") });
  const otherChannels = client.reminder_channels.filter((channel) => !["email", "sms"].includes(channel));
  const quietOn = h("input", { type: "checkbox", id: "edit-client-quiet", checked: Boolean(client.quiet_hours) });
  const quietStart = h("input", { type: "time", id: "edit-client-quiet-start", class: "control control-short", value: client.quiet_hours?.start || "22:00" });
  const quietEnd = h("input", { type: "time", id: "edit-client-quiet-end", class: "control control-short", value: client.quiet_hours?.end || "07:30" });
  const quietTimes = h("div", { class: "form-row" },
    field("quiet_hours.start", "Quiet from", quietStart), field("quiet_hours.end", "Quiet until", quietEnd));
  const syncQuiet = () => { quietTimes.hidden = !quietOn.checked; };
  quietOn.addEventListener("change", syncQuiet);
  syncQuiet();

  let clinicianSelect = null;
  if (clinicians?.items?.length) {
    clinicianSelect = h("select", { id: "edit-client-clinician", class: "control" },
      clinicians.items.filter((clinician) => clinician.status === "active" || clinician.clinician_id === client.clinician_id)
        .map((clinician) => h("option", { value: clinician.clinician_id, text: clinician.display_name, selected: clinician.clinician_id === client.clinician_id })));
  }

  const button = h("button", { type: "submit", class: "button", text: "Save details" });
  const form = h("form", { class: "card", novalidate: true, "aria-labelledby": "edit-client-title" },
    h("h2", { id: "edit-client-title", class: "visually-hidden", text: "Details" }),
    status,
    h("div", { class: "form-row" },
      field("display_name", "Name the client goes by", name, { help: "Shown to the client. A first name is enough." }),
      h("div", { class: "field", dataset: { field: "timezone", label: "Client's time zone" } },
        h("label", { class: "field-label", for: zone.input.id, text: "Client's time zone" }),
        h("p", { class: "field-help", id: "edit-client-timezone-help", text: "Reminders and due times follow it. Type a city to search." }),
        h("p", { class: "field-error", id: "edit-client-timezone-error", hidden: true }),
        zone.element)),
    h("div", { class: "form-row" },
      field("email", "Email", email, { optional: true, help: "Leave empty to remove it." }),
      field("phone", "Mobile number", phone, { optional: true, help: "With country code, e.g. +44 7911 123456." })),
    field("language", "Client's language", language, { help: LANGUAGE_HELP }),
    h("h3", { text: "Reminders" }),
    h("div", { class: "form-row" },
      field("reminder_time", "Usual reminder time", time),
      fieldGroup("reminder_channels", "Remind by", [
        h("div", { class: "choices" },
          h("div", { class: "choice" }, byEmail, h("label", { for: byEmail.id, text: "Email" })),
          h("div", { class: "choice" }, bySms, h("label", { for: bySms.id, text: "Text message" }))),
        otherChannels.length ? h("p", { class: "field-help", text: `Also: ${otherChannels.map((c) => CHANNEL_NAMES[c] || c).join(", ")} (the client's own choice, kept).` }) : null,
      ], { id: "edit-client-channels" })),
    fieldGroup("quiet_hours", "Quiet hours", [
      h("div", { class: "choice" }, quietOn, h("label", { for: quietOn.id, text: "No reminders during these hours" })),
      quietTimes], { id: "edit-client-quiet-group", help: "In the client's time zone; may run past midnight." }),
    clinicianSelect ? field("clinician_id", "Clinician", clinicianSelect, { help: "Owners and admins can pass a client to a colleague." }) : null,
    h("div", { class: "actions" }, button, h("a", { href: clientHref, text: "Cancel" })));

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const problems = [];
    const mobile = phoneNumber(phone.value);
    if (mobile.problem) problems.push({ field: "phone", message: mobile.problem });
    if (!name.value.trim()) problems.push({ field: "display_name", message: "Enter the name the client goes by." });
    if (byEmail.checked && !email.value.trim()) problems.push({ field: "reminder_channels", message: "Add an email address, or untick email." });
    if (bySms.checked && !phone.value.trim()) problems.push({ field: "reminder_channels", message: "Add a mobile number, or untick text message." });
    if (quietOn.checked && quietStart.value && quietStart.value === quietEnd.value) {
      problems.push({ field: "quiet_hours.end", message: "Quiet hours need to end at a different time from when they start." });
    }
    if (problems.length) {
      showProblems(form, status, problems);
      return;
    }
    const channels = [byEmail.checked ? "email" : null, bySms.checked ? "sms" : null, ...otherChannels].filter(Boolean);
    const wanted = {
      display_name: name.value.trim(),
      email: email.value.trim() || null,
      phone: mobile.value,
      timezone: zone.value,
      language: language.value,
      reminder_time: time.value || client.reminder_time,
      reminder_channels: channels,
      quiet_hours: quietOn.checked ? { start: quietStart.value, end: quietEnd.value } : null,
    };
    if (clinicianSelect) wanted.clinician_id = clinicianSelect.value;
    const before = { ...client, language: client.language || "en", quiet_hours: client.quiet_hours ? { start: client.quiet_hours.start, end: client.quiet_hours.end } : null };
    const body = {};
    for (const [key, value] of Object.entries(wanted)) {
      const old = before[key] ?? null;
      const same = key === "reminder_channels" ? [...old].sort().join() === [...value].sort().join() : JSON.stringify(old) === JSON.stringify(value);
      if (!same) body[key] = value;
    }
    if (!Object.keys(body).length) {
      setFlash("info", "Nothing was changed.");
      window.location.hash = clientHref;
      return;
    }
    body.version = client.version;
    button.disabled = true;
    try {
      const saved = await adminApi("PATCH", `/v1/clients/${encodeURIComponent(client.client_id)}`, { body });
      setFlash("success", `${saved.display_name}'s details are saved.`);
      announce("Details saved.");
      window.location.hash = clientHref;
    } catch (error) {
      button.disabled = false;
      fieldErrors(form, status, error, { aliases: { quiet_hours: "quiet_hours.end" } });
    }
  });

  clear(main,
    h("p", {}, h("a", { href: clientHref, text: `← ${client.display_name}` })),
    h("h1", { text: `Edit details: ${client.display_name}` }),
    form);
}
