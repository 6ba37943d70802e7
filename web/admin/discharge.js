// The end of treatment on the clinician's page: discharging a client (confirmed in the page, with
// a final export offered first), re-opening a discharged client before their record's retention
// period ends, and the practice's retention setting (the owner's, on the Clinicians page).

import { h, clear, focusElement, formatDate, notice, announce } from "../shared/dom.js";
import { describeError } from "../shared/api.js";
import { adminApi } from "./auth.js";
import { field, fieldErrors, showProblems, clearProblems, setFlash } from "./forms.js";

const clientUrl = (clientId, action) => `/v1/clients/${encodeURIComponent(clientId)}/${action}`;

function dateOf(iso) {
  return iso ? formatDate(iso.slice(0, 10)) : "—";
}

/** Who discharged the client, in words: "you", a colleague's name (owners and admins can look it up), or "a colleague". */
async function dischargedByName(client, who) {
  if (client.discharged_by === who.clinician_id) return "you";
  if (["owner", "admin"].includes(who.role)) {
    try {
      const list = await adminApi("GET", "/v1/clinicians?limit=100");
      const found = list.items.find((clinician) => clinician.clinician_id === client.discharged_by);
      if (found) return found.display_name;
    } catch { /* the name is a courtesy: fall back to the plain words */ }
  }
  return "a colleague";
}

/**
 * The card beside the client's details: for an active client, "Discharge" (which opens an in-page
 * confirmation offering a final export); for a discharged one, when and by whom, when the record
 * will be erased, and "Re-open". `exportControls(prefix)` builds the page's export buttons; `reload`
 * shows the page again (with the flash this sets).
 */
export async function dischargeCard(client, who, exportControls, reload) {
  const section = h("section", { class: "card discharge-card", "aria-labelledby": "discharge-title" });
  const status = h("div", { role: "status", "aria-live": "polite" });
  if (client.status === "discharged") {
    const by = await dischargedByName(client, who);
    const reopen = h("button", { type: "button", class: "button", text: "Re-open" });
    reopen.addEventListener("click", async () => {
      reopen.disabled = true;
      try {
        await adminApi("POST", clientUrl(client.client_id, "reopen"), { body: {} });
        setFlash("success", `${client.display_name} is back on your caseload. No homework restarts by itself, and their old link stays revoked: assign homework and send a new link when you are ready.`);
        await reload();
      } catch (error) {
        reopen.disabled = false;
        clear(status, notice("error", h("p", { text: describeError(error) })));
        focusElement(status.firstElementChild);
      }
    });
    return clear(section,
      h("h2", { id: "discharge-title", text: "Discharged" }),
      status,
      h("p", { text: `Discharged on ${dateOf(client.discharged_at)} by ${by}.` }),
      client.discharge_note ? h("p", {}, h("strong", { text: "Note: " }), client.discharge_note) : null,
      h("p", { text: `The record stays readable and can be exported until ${dateOf(client.erase_after)}, when your practice's retention period ends and it is erased. Re-open the client before then to keep working with them.` }),
      h("div", { class: "actions" }, reopen));
  }
  const open = h("button", { type: "button", class: "button button-secondary", text: "Discharge", "aria-expanded": "false",
    "aria-controls": "discharge-confirm" });
  const panel = h("div", { id: "discharge-confirm", class: "discharge-confirm", hidden: true });
  const opener = h("div", { class: "actions" }, open);
  const close = () => {
    clear(panel);
    panel.hidden = true;
    opener.hidden = false;
    open.setAttribute("aria-expanded", "false");
    focusElement(open);
  };
  open.addEventListener("click", () => {
    // Built when opened, so until then the page's own export controls are the only ones on it.
    clear(panel, confirmation(client, exportControls, reload, close));
    panel.hidden = false;
    opener.hidden = true; // the confirmation takes its place
    open.setAttribute("aria-expanded", "true");
    focusElement(panel.querySelector("h3"));
  });
  return clear(section,
    h("h2", { id: "discharge-title", text: "End of treatment" }),
    h("p", { class: "muted", text: "Discharge the client when treatment ends. You can re-open them later." }),
    opener,
    panel);
}

/** The in-page confirmation: what discharging does, a final export, a note, and the two choices. */
function confirmation(client, exportControls, reload, close) {
  const status = h("div", { role: "status", "aria-live": "polite" });
  const note = h("textarea", { id: "discharge-note", class: "control", rows: 3, maxlength: 2000 });
  const confirm = h("button", { type: "submit", class: "button button-danger", text: `Yes, discharge ${client.display_name}` });
  const cancel = h("button", { type: "button", class: "button button-quiet", text: "Not now" });
  const form = h("form", { novalidate: true, "aria-labelledby": "discharge-confirm-title" },
    h("h3", { id: "discharge-confirm-title", text: `Discharge ${client.display_name}?` }),
    h("ul", {},
      h("li", { text: "Their homework ends and no more reminders are sent." }),
      h("li", { text: "Their link stops working, on every device they used it on." }),
      h("li", { text: "You keep their record: you can still read and export it, and re-open them later." }),
      h("li", { text: "When your practice's retention period has passed, the record is erased." })),
    h("h4", { text: "Keep a final export first (optional)" }),
    exportControls("final-export"),
    field("note", "Note for the record", note, { optional: true, help: "Why treatment ended, for colleagues. The client does not see it." }),
    status,
    h("div", { class: "actions" }, confirm, cancel));
  cancel.addEventListener("click", close);
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    confirm.disabled = true;
    try {
      await adminApi("POST", clientUrl(client.client_id, "discharge"), { body: { note: note.value.trim() || null } });
      setFlash("success", `${client.display_name} is discharged. You will find them under “Discharged” on the caseload.`);
      announce(`${client.display_name} discharged.`);
      await reload();
    } catch (error) {
      confirm.disabled = false;
      fieldErrors(form, status, error);
    }
  });
  return form;
}

// -- the caseload's two lists ------------------------------------------------------------------

/** "Active" and "Discharged" as tabs of the caseload ("#/clients?status=discharged"). */
export function caseloadTabs(discharged) {
  return h("nav", { class: "alert-tabs", "aria-label": "Which clients" },
    h("a", { href: "#/clients", "aria-current": discharged ? null : "page", text: "Active" }),
    h("a", { href: "#/clients?status=discharged", "aria-current": discharged ? "page" : null, text: "Discharged" }));
}

/** The discharged clients as a table: when each was discharged and when the record will be erased. */
export function dischargedTable(clients) {
  if (!clients.length) return notice("info", h("p", { text: "No discharged clients." }));
  return h("div", { class: "table-scroll", tabindex: "0", role: "region", "aria-labelledby": "discharged-caption" },
    h("table", {},
      h("caption", { id: "discharged-caption", text: `${clients.length} discharged ${clients.length === 1 ? "client" : "clients"}` }),
      h("thead", {}, h("tr", {}, ["Client", "Discharged on", "Record erased on"].map((label) => h("th", { scope: "col", text: label })))),
      h("tbody", {}, clients.map((client) => h("tr", {},
        h("th", { scope: "row" }, h("a", { href: `#/clients/${encodeURIComponent(client.client_id)}`, text: client.display_name })),
        h("td", { text: dateOf(client.discharged_at) }),
        h("td", { text: dateOf(client.erase_after) }))))));
}

// -- the practice's retention period (Clinicians page) ----------------------------------------

const SHORT_YEARS = 7;

/** How long discharged clients' records are kept: the owner sets it; admins see it. */
export async function retentionSettings(who) {
  const section = h("section", { class: "card", "aria-labelledby": "retention-title" });
  let practice;
  try {
    practice = await adminApi("GET", "/v1/practice");
  } catch (error) {
    return clear(section, h("h2", { id: "retention-title", text: "Keeping records" }), notice("error", h("p", { text: describeError(error) })));
  }
  const intro = h("p", { text: "After a client is discharged, their record is kept for this many years and then erased. "
    + "Only an audit trail that names no one remains. Choose the period from the law or professional guidance you work under." });
  if (who.role !== "owner") {
    return clear(section, h("h2", { id: "retention-title", text: "Keeping records" }), intro,
      h("p", { text: `Records are kept for ${practice.retention_years} years after discharge${practice.retention_basis ? ` (${practice.retention_basis})` : ""}. Only the practice's owner can change this.` }));
  }
  const status = h("div", { class: "form-status" });
  const years = h("input", { type: "number", id: "retention-years", class: "control control-short", min: 1, max: 100, step: 1,
    inputmode: "numeric", value: practice.retention_years });
  const basis = h("input", { type: "text", id: "retention-basis", class: "control", maxlength: 500, autocomplete: "off",
    value: practice.retention_basis || "" });
  const confirmShort = h("input", { type: "checkbox", id: "retention-confirm-short" });
  const confirmBox = h("div", { class: "choice", hidden: true }, confirmShort,
    h("label", { for: confirmShort.id, text: `Yes, keep records for less than ${SHORT_YEARS} years: the law or guidance I named allows it.` }));
  const showConfirm = () => { confirmBox.hidden = !(Number(years.value) < SHORT_YEARS); };
  years.addEventListener("input", showConfirm);
  showConfirm();
  const button = h("button", { type: "submit", class: "button", text: "Save retention" });
  const form = h("form", { novalidate: true, "aria-labelledby": "retention-title" },
    h("h2", { id: "retention-title", text: "Keeping records" }),
    intro,
    status,
    field("retention_years", "Years to keep a discharged client's record", years, {
      help: `From 1 to 100. Usually ${SHORT_YEARS}; less than ${SHORT_YEARS} must be confirmed.`, extra: confirmBox }),
    field("retention_basis", "The law or guidance you follow", basis, { optional: true,
      help: "For example the records guidance of your professional body or country." }),
    h("div", { class: "actions" }, button));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const value = Number(years.value);
    if (!years.value.trim() || !Number.isInteger(value) || value < 1 || value > 100) {
      showProblems(form, status, [{ field: "retention_years", message: "Choose a whole number of years from 1 to 100." }]);
      return;
    }
    if (value < SHORT_YEARS && !confirmShort.checked) {
      showProblems(form, status, [{ field: "retention_years", message: `Tick the box to confirm a period under ${SHORT_YEARS} years.` }]);
      return;
    }
    const body = { retention_years: value };
    if (basis.value.trim()) body.retention_basis = basis.value.trim();
    if (value < SHORT_YEARS) body.confirm_short_retention = true;
    button.disabled = true;
    try {
      const saved = await adminApi("PATCH", "/v1/practice", { body });
      clearProblems(form, status);
      clear(status, notice("success", h("p", { text: `Saved. Discharged clients' records are kept for ${saved.retention_years} years, then erased.` })));
      focusElement(status.firstElementChild);
    } catch (error) {
      fieldErrors(form, status, error);
    } finally {
      button.disabled = false;
    }
  });
  return clear(section, form);
}
