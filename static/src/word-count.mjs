// A live word count for section text, as progressive enhancement: without JavaScript the
// page shows the count when it loads (after a save); with it, "You have N words of M"
// follows the typing. The visible message changes at once; a visually hidden copy that
// screen readers announce (aria-live polite) changes once typing pauses, as GOV.UK's
// character count does. Words are counted as tracker/sections/text.py counts them.
// Imported for its effect by main.js: it enhances every word count on the page.

const RUN = /(?:[\p{L}\p{N}_'’-]|(?<=\p{Nd})[.,](?=\p{Nd}))+/gu;
const LETTER_OR_DIGIT = /[\p{L}\p{N}]/u;
const ANNOUNCE_AFTER_MS = 1000;

export function countWords(text) {
  return (text.match(RUN) || []).filter((run) => LETTER_OR_DIGIT.test(run)).length;
}

export function wordCountMessage(words, limit) {
  const message = `You have ${words} ${words === 1 ? "word" : "words"} of ${limit}`;
  return words > limit ? `${message}: ${words - limit} over the limit` : message;
}

function enhance(container) {
  const textarea = container.querySelector("textarea");
  const visible = container.querySelector(".tracker-word-count__message");
  const limit = Number.parseInt(container.dataset.wordLimit, 10);
  if (!textarea || !visible || Number.isNaN(limit)) {
    return;
  }
  const announced = document.createElement("div");
  announced.className = "govuk-visually-hidden";
  announced.setAttribute("aria-live", "polite");
  visible.after(announced);
  visible.removeAttribute("aria-live");
  visible.setAttribute("aria-hidden", "true");
  const describedBy = textarea.getAttribute("aria-describedby");
  textarea.setAttribute("aria-describedby", describedBy ? `${describedBy} ${visible.id}` : visible.id);

  let timer;
  textarea.addEventListener("input", () => {
    const words = countWords(textarea.value);
    visible.textContent = wordCountMessage(words, limit);
    visible.classList.toggle("tracker-word-count__message--over", words > limit);
    window.clearTimeout(timer);
    timer = window.setTimeout(() => {
      announced.textContent = visible.textContent;
    }, ANNOUNCE_AFTER_MS);
  });
}

export function initWordCounts(root = document) {
  root.querySelectorAll('[data-module="tracker-word-count"]').forEach(enhance);
}

if (typeof document !== "undefined") {
  initWordCounts();
}
