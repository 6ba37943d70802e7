// What the editor needs to know about a kind of question, asked of its renderer (the one
// registry of item types, web/shared/items/index.js) rather than decided here: its name,
// what a new one starts with, its settings, and whether and how its answers score. The
// editor itself only knows two settings by their shape: answers to choose from (`options`)
// and a scale's labelled ends (`anchors`).

const isNumber = (value) => typeof value === "number" && Number.isFinite(value);

/** `renderers`: ITEM_RENDERERS, handed in by the page. */
export function answerKit(renderers) {
  const rendererOf = (item) => (Object.hasOwn(renderers, item.type) ? renderers[item.type] : null);
  const scores = (item, value) => {
    const score = rendererOf(item)?.score?.(item, value);
    return isNumber(score) ? score : null;
  };
  // An item with options scores a list of them (any number chosen) when its renderer scores a list.
  const listValued = (item) => item.options.length > 0 && scores(item, [item.options[0].value]) !== null;

  const kit = {
    /** The kinds of question on offer (no repeating rows inside repeating rows). */
    types: (nested) => Object.values(renderers).filter((renderer) => !nested || !renderer.container),

    newItem(type = "text", label = "") {
      const blank = rendererOf({ type })?.blank?.({ blankItem: (childType) => kit.newItem(childType) }) ?? {};
      return { id: "", type, label, required: false, ...blank };
    },

    /** Change a question's type in place (scoring keeps pointing at it); answers to choose from stay. */
    changeType(item, type) {
      const fresh = kit.newItem(type);
      if (Array.isArray(item.options) && Array.isArray(fresh.options)) fresh.options = item.options;
      const kept = ["id", "label", "help", "required", "enable_when", "enable_behavior"]; // its own conditions stay
      for (const key of Object.keys(item)) if (!kept.includes(key)) delete item[key];
      Object.assign(item, fresh, { id: item.id, label: item.label, help: item.help, required: item.required });
    },

    /** What a condition (enable_when) on this question's answer may use: { operators, value }, or null. */
    conditionSpec: (item) => rendererOf(item)?.condition ?? null,

    /** The renderer's own settings controls, for what the editor does not know by shape. */
    settings: (item, settingsKit) => rendererOf(item)?.settings?.(item, settingsKit) ?? null,

    /** Whether scoring may use the answer as a number (its renderer scores it; every option has a score). */
    isScorable(item) {
      if (typeof rendererOf(item)?.score !== "function") return false;
      return !Array.isArray(item.options) || (item.options.length > 0 && item.options.every((option) => isNumber(option.score)));
    },

    /** The answers an alert can be set on, each with its score, or null when a number is asked for instead. */
    alertAnswers(item) {
      if (!kit.isScorable(item)) return null;
      if (Array.isArray(item.options)) {
        return listValued(item) ? null : item.options.map((option) => ({ label: option.label || "(an answer with no wording yet)", score: option.score }));
      }
      if (isNumber(item.min) && isNumber(item.max)) {
        const step = isNumber(item.step) && item.step > 0 ? item.step : 1;
        if (!Number.isInteger(item.min) || !Number.isInteger(step) || (item.max - item.min) / step > 10) return null;
        const points = [];
        for (let value = item.min; value <= item.max; value += step) {
          const anchor = (item.anchors || []).find((candidate) => candidate.value === value);
          points.push({ label: anchor ? `${value} (${anchor.label})` : String(value), score: value });
        }
        return points;
      }
      const yesNo = [false, true].map((value) => ({ value, score: scores(item, value) }));
      if (yesNo.every((answer) => answer.score !== null)) {
        const describe = rendererOf(item).describe;
        return yesNo.map(({ value, score }) => ({ label: describe ? describe(item, value) : String(value), score }));
      }
      return null;
    },

    /** Lowest and highest number the question can add to a total, or null when unbounded. */
    scoreRange(item) {
      if (!kit.isScorable(item)) return null;
      if (Array.isArray(item.options)) {
        const each = item.options.map((option) => option.score);
        return listValued(item)
          ? [each.reduce((sum, s) => sum + Math.min(s, 0), 0), each.reduce((sum, s) => sum + Math.max(s, 0), 0)]
          : [Math.min(...each), Math.max(...each)];
      }
      if (isNumber(item.min) && isNumber(item.max)) return [item.min, item.max];
      const answers = kit.alertAnswers(item);
      return answers ? [Math.min(...answers.map((a) => a.score)), Math.max(...answers.map((a) => a.score))] : null;
    },
  };
  return kit;
}
