// Scoring chosen from a form: add up the answers (which questions count, which are scored
// in reverse), bands of the total, reliable change, which direction is better, and alerts
// on chosen answers with the message the client sees. Held by reference to the questions
// (model.js turns that into ids).

import { h, clear, announce } from "../../shared/dom.js";
import { totalRange } from "./model.js";
import { keyOf, labelled, textInput, numberInput, checkbox, button, rerender, shortText } from "./fields.js";

const fmt = (value) => (Number.isInteger(value) ? String(value) : String(Number(value.toFixed(2))));

export function scoringSection(state, { register, changed }) {
  const element = h("div", { class: "te-scoring" });
  let form = state.scoring;
  const answers = state.answers;
  const items = () => state.content.items;
  const scorable = () => items().filter(answers.isScorable);
  const questionName = (item) => `Question ${items().indexOf(item) + 1}: ${shortText(item.label, 60) || "(no wording yet)"}`;

  function render() {
    form = state.scoring; // a new one when the Advanced JSON was used
    rerender(element, () => clear(element,
      h("div", { class: "field" }, checkbox("te-total", form.total, "Add up the answers to a total", (on) => { form.total = on; render(); changed(); })),
      form.total ? totalSettings() : null,
      alerts(),
      extrasNote()));
  }

  function totalSettings() {
    const candidates = scorable();
    const range = totalRange(form, items(), answers);
    const rows = candidates.map((item) => {
      const k = keyOf(item);
      const index = items().indexOf(item);
      const counted = !form.excluded.has(item);
      const reversible = answers.scoreRange(item) !== null;
      const name = questionName(item);
      return h("li", { class: "te-count-row" },
        h("p", { class: "te-count-name", id: `te-count-${k}-name`, text: name }),
        h("div", { class: "choices-row" },
          register.add(`scoring.count.${index}`, checkbox(`te-count-${k}`, counted, "Counts toward the total", (on) => {
            if (on) form.excluded.delete(item); else form.excluded.add(item);
            render(); changed();
          }, { description: `: ${name}` }), `${name}, counts toward the total`),
          register.add(`scoring.reverse.${index}`, checkbox(`te-reverse-${k}`, form.reverse.has(item), "Scored in reverse", (on) => {
            if (on) form.reverse.add(item); else form.reverse.delete(item);
            changed();
          }, { description: `: ${name}`, disabled: !counted || !reversible }), `${name}, scored in reverse`)));
    });
    return h("div", { class: "te-total" },
      register.add("scoring.total_items", h("fieldset", { class: "field", "aria-describedby": "te-count-help" },
        h("legend", { class: "field-label", text: "Which answers count" }),
        h("p", { class: "field-help", id: "te-count-help", text: candidates.length
          ? "Every question with scores counts unless you untick it. “Scored in reverse” turns the scale round (on 0–3, an answer of 0 scores 3)."
          : "No question has scores yet: give the answers of a choice question a score each, or ask for a point on a scale or a number." }),
        candidates.length ? h("ul", { class: "te-count-list" }, rows) : null,
        range ? h("p", { class: "te-range", id: "te-range", text: `Totals can range from ${fmt(range[0])} to ${fmt(range[1])}.` }) : null),
      "Which answers count"),
      bands(range),
      register.add("scoring.reliable_change", labelled(
        numberInput("te-reliable-change", form.reliableChange, (value) => { form.reliableChange = value; changed(); }, { min: 0, className: "control control-short" }),
        "Smallest change in the total that counts as real change", { optional: true, help: "For example 6 for the PHQ-9. A change this size or larger is marked as reliable on the client's chart." }),
      "Reliable change"),
      register.add("scoring.higher_is_better", h("div", { class: "field" },
        checkbox("te-higher-better", form.higherIsBetter, "A higher total means things are going better", (on) => { form.higherIsBetter = on; changed(); })),
      "Higher is better"));
  }

  function bands(range) {
    const rows = form.bands.map((band, k) => {
      const b = `te-band${keyOf(band)}`;
      const place = `Band ${k + 1}`;
      const set = (key) => (value) => { band[key] = value; changed(); };
      return h("li", { class: "te-band" },
        register.add(`scoring.bands.${k}.min`, labelled(numberInput(`${b}-min`, band.min, set("min")), `From`), `${place}, from`),
        register.add(`scoring.bands.${k}.max`, labelled(numberInput(`${b}-max`, band.max, set("max")), `To`), `${place}, to`),
        register.add(`scoring.bands.${k}.label`, labelled(textInput(`${b}-label`, band.label, (value) => { band.label = value; changed(); }, { maxlength: 100 }), "Name"), `${place}, name`),
        h("div", { class: "te-row-actions" }, button("Remove", () => {
          form.bands.splice(k, 1);
          render(); changed();
          announce(`Band ${k + 1} removed.`);
          document.getElementById("te-add-band")?.focus();
        }, { kind: "button-quiet", label: `Remove band ${k + 1}` })));
    });
    for (const [k, row] of rows.entries()) row.prepend(h("p", { class: "te-band-title", text: `Band ${k + 1}` }));
    const add = button("Add a band", () => {
      const previous = form.bands.at(-1);
      const start = previous && Number.isFinite(previous.max) ? previous.max + 1 : range ? range[0] : 0;
      const band = { min: start, max: range && start <= range[1] ? range[1] : start, label: "" };
      form.bands.push(band);
      render(); changed();
      document.getElementById(`te-band${keyOf(band)}-label`)?.focus();
    }, { id: "te-add-band", disabled: form.bands.length >= 20 });
    return register.add("scoring.bands", h("fieldset", { class: "field", "aria-describedby": "te-bands-help" },
      h("legend", { class: "field-label", text: "Bands" }),
      h("p", { class: "field-help", id: "te-bands-help", text: range
        ? `Optional names for ranges of the total, e.g. 0 to 4 “Minimal”. From ${fmt(range[0])} to ${fmt(range[1])}, in order, without gaps.`
        : "Optional names for ranges of the total, e.g. 0 to 4 “Minimal”, in order, without gaps." }),
      form.bands.length ? h("ol", { class: "te-band-list" }, rows) : null,
      add), "Bands");
  }

  function alerts() {
    const rows = form.risk.map((rule, k) => alertRow(rule, k));
    const add = button("Add an alert", () => {
      const rule = { item: null, threshold: null, label: "", message: "" };
      form.risk.push(rule);
      render(); changed();
      document.getElementById(`te-risk${keyOf(rule)}-item`)?.focus();
    }, { id: "te-add-alert", disabled: form.risk.length >= 50 });
    return h("section", { class: "te-alerts", "aria-labelledby": "te-alerts-title" },
      h("h3", { id: "te-alerts-title", text: "Alerts" }),
      h("p", { class: "field-help", text: "An alert tells you when an answer needs your attention (for example thoughts of self-harm) and shows the client a message straight away. Only questions whose answers have scores can raise one." }),
      rows, add);
  }

  function alertRow(rule, k) {
    const r = `te-risk${keyOf(rule)}`;
    const place = `Alert ${k + 1}`;
    const question = h("select", { id: `${r}-item`, class: "control" },
      h("option", { value: "", text: "Choose a question", selected: !rule.item }),
      scorable().map((item) => h("option", { value: String(keyOf(item)), text: questionName(item), selected: item === rule.item })));
    question.addEventListener("change", () => {
      rule.item = scorable().find((item) => String(keyOf(item)) === question.value) || null;
      rule.threshold = null;
      render(); changed();
    });
    const message = textInput(`${r}-message`, rule.message, (value) => { rule.message = value; changed(); }, { multiline: true, maxlength: 2000, rows: 4 });
    const title = textInput(`${r}-label`, rule.label, (value) => { rule.label = value; changed(); }, { maxlength: 200 });
    return h("fieldset", { class: "item-editor te-alert", id: r },
      h("legend", { text: place }),
      register.add(`scoring.risk.${k}.item`, labelled(question, "Question to watch"), `${place}, question`),
      rule.item ? register.add(`scoring.risk.${k}.threshold`, alertAnswersField(rule, r), `${place}, answers that alert`) : null,
      register.add(`scoring.risk.${k}.message`, labelled(message, "Message the client sees at once", {
        help: "What to do now, with crisis lines for where they live. The client sees it as soon as they answer." }), `${place}, message`),
      register.add(`scoring.risk.${k}.label`, labelled(title, "Alert title for you", {
        optional: true, help: "Shown in your alerts. Left empty, the question's wording is used." }), `${place}, title`),
      h("div", { class: "actions" }, button("Remove alert", () => {
        form.risk.splice(k, 1);
        render(); changed();
        announce(`${place} removed.`);
        document.getElementById("te-add-alert")?.focus();
      }, { kind: "button-danger", label: `Remove alert ${k + 1}` })));
  }

  function alertAnswersField(rule, r) {
    const choices = answers.alertAnswers(rule.item);
    if (!choices) {
      return labelled(numberInput(`${r}-threshold`, rule.threshold, (value) => { rule.threshold = value; changed(); }, { className: "control control-short" }),
        "Alert when the answer scores at least");
    }
    const helpId = `${r}-answers-help`;
    return h("fieldset", { class: "field", "aria-describedby": helpId },
      h("legend", { class: "field-label", text: "Answers that raise the alert" }),
      h("p", { class: "field-help", id: helpId, text: "Ticking an answer also ticks every answer that scores higher. Leave the lowest one unticked." }),
      h("div", { class: "choices" }, choices.map((answer, index) => checkbox(`${r}-a${index}`, rule.threshold !== null && answer.score >= rule.threshold,
        answer.label, (on) => {
          if (on) rule.threshold = rule.threshold === null ? answer.score : Math.min(rule.threshold, answer.score);
          else rule.threshold = choices.map((a) => a.score).filter((score) => score > answer.score).sort((a, b) => a - b)[0] ?? null;
          render(); changed();
        }))));
  }

  function extrasNote() {
    const subscales = form.extra.subscales?.length || 0;
    const derived = form.extra.derived?.length || 0;
    if (!subscales && !derived && !("missing" in form.extra)) return null;
    const parts = [subscales ? `${subscales} ${subscales === 1 ? "subscale" : "subscales"}` : null,
      derived ? `${derived} calculated ${derived === 1 ? "value" : "values"} (such as time asleep or an average)` : null,
      "missing" in form.extra ? "a rule for missing answers" : null].filter(Boolean);
    return h("p", { class: "field-help te-extras", text:
      `This template also has ${parts.join(" and ")}. They are kept as they are; change them under “Advanced”.` });
  }

  return { element, render };
}
