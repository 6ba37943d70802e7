// The questions of a template, each edited in words: its wording, the kind of answer, its
// answers as rows (wording and score), a scale's ends. Ids are never asked for (model.js).
// Kinds of question come from the item renderers (answers.js); the settings this module
// draws itself are found by their shape (`options`, `anchors`), the rest are the renderer's.

import { h, clear, announce } from "../../shared/dom.js";
import { keyOf, labelled, textInput, numberInput, checkbox, button, rerender, shortText } from "./fields.js";

const MIN_OPTIONS = 2;
const OPERATOR_WORDS = {
  exists: "has any answer", "=": "is", "!=": "is not", ">": "is more than", "<": "is less than",
  ">=": "is at least", "<=": "is at most",
};

export function itemsSection(state, { register, changed }) {
  const element = h("div", { class: "te-questions" });
  const answers = state.answers;

  function render() {
    rerender(element, () => clear(element, state.content.items.map((_, index) => card(state.content.items, index, `items.${index}`, null))));
    changed();
  }

  function move(list, index, delta, noun) {
    [list[index], list[index + delta]] = [list[index + delta], list[index]];
    render();
    announce(`${noun} moved ${delta < 0 ? "up" : "down"}, now number ${index + delta + 1}.`);
  }

  function card(list, index, path, parent) {
    const item = list[index];
    const base = `te-q${keyOf(item)}`;
    const noun = parent ? "Column" : "Question";
    const place = parent ? `Question ${state.content.items.indexOf(parent) + 1}, column ${index + 1}` : `Question ${index + 1}`;
    const name = shortText(item.label, 50) || `${noun.toLowerCase()} ${index + 1}`;

    const type = h("select", { id: `${base}-type`, class: "control control-short" },
      answers.types(Boolean(parent)).map((renderer) => h("option", { value: renderer.type, text: renderer.label })));
    type.value = item.type;
    type.addEventListener("change", () => { answers.changeType(item, type.value); render(); announce(`${place} is now: ${type.selectedOptions[0].text}.`); });

    const wording = textInput(`${base}-label`, item.label, (value) => { item.label = value; changed(); }, { maxlength: 500 });
    wording.setAttribute("aria-required", "true");
    const help = textInput(`${base}-help`, item.help, (value) => { item.help = value.trim() ? value : null; changed(); }, { maxlength: 1000 });

    const actions = h("div", { class: "actions te-item-actions" },
      button("Move up", () => move(list, index, -1, noun), { kind: "button-quiet", id: `${base}-up`, label: `Move up: ${name}`, disabled: index === 0 }),
      button("Move down", () => move(list, index, 1, noun), { kind: "button-quiet", id: `${base}-down`, label: `Move down: ${name}`, disabled: index === list.length - 1 }),
      button(`Remove ${noun.toLowerCase()}`, () => {
        list.splice(index, 1);
        render();
        announce(`${place} removed.`);
        document.getElementById(`te-q${keyOf(list[Math.min(index, list.length - 1)])}-label`)?.focus();
      }, { kind: "button-danger", label: `Remove ${noun.toLowerCase()}: ${name}`, disabled: list.length <= 1 }));

    return register.add(path, h("fieldset", { class: parent ? "item-editor te-column" : "item-editor", id: base },
      h("legend", { text: parent ? `Column ${index + 1}` : `Question ${index + 1}` }),
      register.add(`${path}.label`, labelled(wording, parent ? "Question in each entry" : "Question"), place),
      register.add(`${path}.type`, labelled(type, "Kind of answer"), `${place}, kind of answer`),
      register.add(`${path}.help`, labelled(help, "Help text", { optional: true }), `${place}, help text`),
      register.add(`${path}.required`, h("div", { class: "field" },
        checkbox(`${base}-required`, item.required, "An answer is required", (on) => { item.required = on; changed(); })), `${place}, required`),
      settings(item, path, base, place),
      parent ? null : conditionField(item, index, path, base, place),
      actions), place);
  }

  // "Show this question only when …": one condition on an earlier question (FHIR enableWhen).
  // Several conditions (any or all of them) are kept as they are and edited under Advanced.
  function conditionField(item, index, path, base, place) {
    const conditions = Array.isArray(item.enable_when) ? item.enable_when : [];
    const title = h("legend", { class: "field-label" }, "Show this question only when …", h("span", { class: "required-tag", text: " (optional)" }));
    if (conditions.length > 1) {
      return register.add(`${path}.enable_when`, h("fieldset", { class: "field te-condition" }, title,
        h("p", { class: "field-help", text: `Shown when ${item.enable_behavior === "any" ? "any" : "all"} of its ${conditions.length} conditions hold. Change them under “Advanced”.` })), `${place}, when it is shown`);
    }
    const earlier = state.content.items.slice(0, index).filter((other) => answers.conditionSpec(other));
    const condition = conditions[0] || null;
    if (!earlier.length && !condition) return null; // nothing above it to depend on
    const question = condition && typeof condition.question === "object" ? condition.question : null;
    const spec = question ? answers.conditionSpec(question) : null;

    const which = h("select", { id: `${base}-when`, class: "control" },
      h("option", { value: "", text: "Always show this question" }),
      earlier.map((other) => h("option", { value: String(state.content.items.indexOf(other)), text: `${state.content.items.indexOf(other) + 1}. ${shortText(other.label, 60) || "(no wording yet)"}` })));
    which.value = question && earlier.includes(question) ? String(state.content.items.indexOf(question)) : "";
    which.addEventListener("change", () => {
      const chosen = which.value === "" ? null : state.content.items[Number(which.value)];
      item.enable_when = chosen ? [firstCondition(chosen)] : [];
      if (!chosen) delete item.enable_behavior;
      render();
      announce(chosen ? `${place} is shown only on a condition.` : `${place} is always shown.`);
    });
    const parts = [labelled(which, "Earlier question")];
    if (condition && !(question && earlier.includes(question))) {
      parts.push(h("p", { class: "field-help", text: "It depends on a question that is not above it any more: choose one above, or “Always show this question”." }));
    }
    if (question && spec) {
      const operator = h("select", { id: `${base}-when-op`, class: "control control-short" },
        spec.operators.map((op) => h("option", { value: op, text: OPERATOR_WORDS[op] })));
      operator.value = condition.operator;
      operator.addEventListener("change", () => {
        condition.operator = operator.value;
        if (operator.value === "exists") condition.answer = true;
        else if (typeof condition.answer === "boolean" && spec.value !== "boolean") condition.answer = firstCondition(question).answer;
        render();
      });
      parts.push(labelled(operator, "Its answer"));
      if (condition.operator !== "exists") parts.push(conditionValue(condition, question, spec, base));
    }
    return register.add(`${path}.enable_when`, h("fieldset", { class: "field te-condition" }, title, ...parts), `${place}, when it is shown`);
  }

  function firstCondition(question) {
    const spec = answers.conditionSpec(question);
    if (!spec || spec.value === null) return { question, operator: "exists", answer: true };
    const start = { option: () => question.options?.[0]?.value ?? "", number: () => question.min ?? 0, boolean: () => true };
    return { question, operator: "=", answer: (start[spec.value] ?? (() => ""))() };
  }

  function conditionValue(condition, question, spec, base) {
    const id = `${base}-when-value`;
    if (spec.value === "option") {
      const select = h("select", { id, class: "control" }, (question.options || []).map((option) => h("option", { value: option.value, text: option.label || "(an answer with no wording yet)" })));
      select.value = condition.answer;
      select.addEventListener("change", () => { condition.answer = select.value; changed(); });
      return labelled(select, "This answer");
    }
    if (spec.value === "boolean") {
      const select = h("select", { id, class: "control control-short" }, h("option", { value: "true", text: "Yes" }), h("option", { value: "false", text: "No" }));
      select.value = String(condition.answer === true);
      select.addEventListener("change", () => { condition.answer = select.value === "true"; changed(); });
      return labelled(select, "This answer");
    }
    if (spec.value === "number") {
      return labelled(numberInput(id, condition.answer, (value) => { condition.answer = value; changed(); }), "This number");
    }
    const hint = { date: "As YYYY-MM-DD.", time: "As HH:MM, 24-hour." }[spec.value] ?? null;
    return labelled(textInput(id, condition.answer, (value) => { condition.answer = value; changed(); }, { maxlength: 500 }), "This answer", { help: hint });
  }

  function settings(item, path, base, place) {
    if (Array.isArray(item.options)) return optionRows(item, path, base, place);
    if (Array.isArray(item.anchors)) return scaleSettings(item, path, base, place);
    return answers.settings(item, rendererKit(item, path, base));
  }

  /** What a renderer's `settings(item, kit)` builds with (web/shared/items/index.js). */
  function rendererKit(item, path, base) {
    return {
      base, path,
      text: (id, label, value, onInput, { multiline = false, help = null, maxlength = 200 } = {}) => labelled(
        textInput(id, value, (text) => { onInput(text); changed(); }, { multiline, maxlength }), label, { help }),
      numberInput: (id, label, value, onInput) => labelled(
        numberInput(id, value, (number) => { onInput(number); changed(); }, { className: "control control-short" }), label),
      // A group's columns: the path is worked out here, in the API's terms.
      itemEditor: (list, index) => card(list, index, `${path}.items.${index}`, item),
      renderItems: render,
      blankItem: (type) => answers.newItem(type),
    };
  }

  function optionRows(item, path, base, place) {
    const rows = item.options.map((option, k) => {
      const ob = `${base}-o${keyOf(option)}`;
      const label = textInput(`${ob}-label`, option.label, (value) => { option.label = value; changed(); }, { maxlength: 200 });
      label.setAttribute("aria-required", "true");
      const score = numberInput(`${ob}-score`, option.score, (value) => { option.score = value; changed(); });
      const moveOption = (delta) => {
        [item.options[k], item.options[k + delta]] = [item.options[k + delta], item.options[k]];
        render();
        announce(`Answer moved ${delta < 0 ? "up" : "down"}, now answer ${k + delta + 1}.`);
      };
      const answerPlace = `${place}, answer ${k + 1}`;
      return h("li", { class: "te-option" },
        register.add(`${path}.options.${k}.label`, labelled(label, `Answer ${k + 1}`), answerPlace),
        register.add(`${path}.options.${k}.score`, h("div", { class: "field te-score" },
          h("label", { class: "field-label", for: score.id }, "Score", h("span", { class: "visually-hidden", text: ` for answer ${k + 1}` })),
          score), `${answerPlace}, score`),
        h("div", { class: "te-row-actions" },
          button("↑", () => moveOption(-1), { kind: "button-quiet", id: `${ob}-up`, label: `Move answer ${k + 1} up`, disabled: k === 0 }),
          button("↓", () => moveOption(1), { kind: "button-quiet", id: `${ob}-down`, label: `Move answer ${k + 1} down`, disabled: k === item.options.length - 1 }),
          button("Remove", () => {
            item.options.splice(k, 1);
            render();
            announce(`Answer ${k + 1} removed.`);
            document.getElementById(`${base}-o${keyOf(item.options[Math.min(k, item.options.length - 1)])}-label`)?.focus();
          }, { kind: "button-quiet", label: `Remove answer ${k + 1}`, disabled: item.options.length <= MIN_OPTIONS })));
    });
    const add = button("Add an answer", () => {
      const option = { value: "", label: "" };
      item.options.push(option);
      render();
      document.getElementById(`${base}-o${keyOf(option)}-label`)?.focus();
    }, { id: `${base}-add-option`, disabled: item.options.length >= 50 });
    const helpId = `${base}-options-help`;
    return register.add(`${path}.options`, h("fieldset", { class: "field te-options", "aria-describedby": helpId },
      h("legend", { class: "field-label", text: "Answers to choose from" }),
      h("p", { class: "field-help", id: helpId, text: "Scores are optional: give every answer one if this question counts toward a total or can raise an alert, or leave them all empty." }),
      h("ol", { class: "te-option-list" }, rows),
      add), `${place}, answers`);
  }

  function scaleSettings(item, path, base, place) {
    item.anchors ??= [];
    const ends = {
      low: item.anchors.find((anchor) => anchor.value === item.min)?.label || "",
      high: item.anchors.find((anchor) => anchor.value === item.max)?.label || "",
    };
    const middle = item.anchors.filter((anchor) => anchor.value !== item.min && anchor.value !== item.max);
    const sync = () => {
      const step = item.step || 1;
      const inside = (value) => Number.isInteger(item.min) && Number.isInteger(item.max) && value > item.min && value < item.max && (value - item.min) % step === 0;
      item.anchors = [
        ...(ends.low.trim() && Number.isInteger(item.min) ? [{ value: item.min, label: ends.low.trim() }] : []),
        ...middle.filter((anchor) => inside(anchor.value)),
        ...(ends.high.trim() && Number.isInteger(item.max) && item.max !== item.min ? [{ value: item.max, label: ends.high.trim() }] : []),
      ];
      changed();
    };
    const whole = { step: 1, className: "control control-number" };
    return h("div", { class: "te-scale" },
      h("div", { class: "form-row" },
        register.add(`${path}.min`, labelled(numberInput(`${base}-min`, item.min, (value) => { item.min = value; sync(); }, whole), "Lowest number"), `${place}, lowest number`),
        register.add(`${path}.max`, labelled(numberInput(`${base}-max`, item.max, (value) => { item.max = value; sync(); }, whole), "Highest number"), `${place}, highest number`),
        register.add(`${path}.step`, labelled(numberInput(`${base}-step`, item.step ?? 1, (value) => { item.step = value ?? 1; sync(); }, { ...whole, min: 1 }), "In steps of"), `${place}, steps`)),
      register.add(`${path}.anchors`, h("div", { class: "form-row" },
        labelled(textInput(`${base}-low`, ends.low, (value) => { ends.low = value; sync(); }, { maxlength: 100 }), "Words at the lowest end", { optional: true }),
        labelled(textInput(`${base}-high`, ends.high, (value) => { ends.high = value; sync(); }, { maxlength: 100 }), "Words at the highest end", { optional: true })), `${place}, words at the ends`));
  }

  return {
    element,
    render,
    /** Add a question at the end and put the cursor in its wording. */
    add() {
      const item = answers.newItem("text");
      state.content.items.push(item);
      render();
      announce(`Question ${state.content.items.length} added.`);
      document.getElementById(`te-q${keyOf(item)}-label`)?.focus();
    },
  };
}
