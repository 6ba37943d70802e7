// `group`: repeatable rows (e.g. one thought-record entry per situation), each answered with
// the group's own items. Its answer is a list of rows keyed by the group's item ids. The
// form hands it `context.buildItem` (and the views their own recursion), so this module
// needs no import of the registry.

import { h, clear, focusElement, announce } from "../dom.js";
import { fieldShell, isEmpty } from "./fields.js";
import { tr } from "../i18n.js";

function atLeast(count) {
  return count === 1 ? tr("form.groupAtLeastOne") : tr("form.groupAtLeastMany", { count });
}

export default {
  type: "group",
  label: "Repeating rows",
  container: true, // holds other items, so it cannot sit inside another group

  build(item, path, value, context) {
    const { wrapper } = fieldShell(item, path, context, { grouped: true });
    wrapper.classList.add("group");
    const rowsList = h("ol", { class: "group-rows" });
    const maxRows = item.max_rows ?? 20;
    const minRows = item.min_rows ?? 0;
    const addButton = h("button", { type: "button", class: "button button-secondary" },
      tr("form.groupAdd"), h("span", { class: "visually-hidden", text: tr("form.groupAddTo", { label: item.label }) }));
    let rows = [];

    const initial = Array.isArray(value) ? value : [];
    const startRows = initial.length ? initial : Array.from({ length: Math.max(minRows, 1) }, () => ({}));

    function renderRows(rowValues) {
      clear(rowsList);
      rows = rowValues.map((rowValue, index) => {
        const rowPath = `${path}[${index}]`;
        const legend = h("legend", { class: "group-row-title", text: tr("form.groupEntry", { number: index + 1 }) });
        const children = item.items.map((child) => ({
          child, widget: context.buildItem(child, `${rowPath}.${child.id}`, rowValue?.[child.id], context),
        }));
        const remove = h("button", {
          type: "button", class: "button button-quiet", text: tr("form.groupRemove"),
          "aria-label": tr("form.groupRemoveLabel", { number: index + 1, label: item.label }),
          disabled: rowValues.length <= minRows,
          on: { click: () => removeRow(index) },
        });
        rowsList.append(h("li", {}, h("fieldset", { class: "group-row", dataset: { path: rowPath } },
          legend, children.map(({ widget }) => widget.element), h("div", { class: "group-row-actions" }, remove))));
        return { legend, children };
      });
      addButton.disabled = rows.length >= maxRows;
    }

    function collect() {
      return rows.map(({ children }) => {
        const row = {};
        for (const { child, widget } of children) {
          const childValue = widget.get();
          if (!isEmpty(childValue)) row[child.id] = childValue;
        }
        return row;
      });
    }

    function removeRow(index) {
      const values = collect();
      values.splice(index, 1);
      renderRows(values);
      context.changed();
      announce(tr("form.groupRemoved", { number: index + 1 }));
      focusElement(rows[Math.min(index, rows.length - 1)]?.legend || addButton);
    }

    addButton.addEventListener("click", () => {
      const values = collect();
      values.push({});
      renderRows(values);
      context.changed();
      announce(tr("form.groupAdded", { number: rows.length }));
      const first = rowsList.lastElementChild?.querySelector("input, textarea, select");
      if (first) first.focus();
    });

    renderRows(startRows);
    wrapper.append(rowsList, h("div", { class: "group-actions" }, addButton,
      h("span", { class: "muted", text: tr("form.groupUpTo", { max: maxRows }) })));
    return { element: wrapper, get: () => collect() };
  },

  /** Rows left blank are not sent. */
  beforeSubmit: (item, value) => (Array.isArray(value) ? value.filter((row) => Object.keys(row).length > 0) : value),

  checkMissing(item, path, errors) {
    if ((item.min_rows || 0) > 0 && !item.required) errors.push({ path, message: atLeast(item.min_rows) });
  },

  check(item, value, path, errors, checkItems) {
    if (value.length < (item.min_rows || 0)) errors.push({ path, message: atLeast(item.min_rows) });
    value.forEach((row, index) => checkItems(item.items, row, `${path}[${index}].`));
  },

  /** The clinician's view: one numbered entry per row, each its own list of answers. */
  view(item, value, renderAnswers) {
    const rows = Array.isArray(value) ? value : [];
    return rows.length
      ? h("ol", { class: "answer-rows" }, rows.map((row) => h("li", {}, renderAnswers({ items: item.items }, row))))
      : h("span", { class: "muted", text: tr("form.notAnswered") });
  },

  blank: ({ blankItem }) => ({ min_rows: 1, max_rows: 10, items: [blankItem("text", 1)] }),

  settings(item, { base, path, numberInput, itemEditor, renderItems, blankItem }) {
    const children = h("div", { class: "item-children" });
    item.items.forEach((_, childIndex) => children.append(itemEditor(item.items, childIndex, `${path}-${childIndex}`, false)));
    const addChild = h("button", { type: "button", class: "button button-secondary", text: "Add a column to each row" });
    addChild.addEventListener("click", () => { item.items.push(blankItem("text", item.items.length + 1)); renderItems(); });
    return [h("div", { class: "form-row" },
      numberInput(`${base}-minrows`, "Fewest rows", item.min_rows, (value) => { item.min_rows = value ?? 0; }),
      numberInput(`${base}-maxrows`, "Most rows", item.max_rows, (value) => { item.max_rows = value ?? 20; })),
    children, addChild];
  },
};
