// Reordering a proposal's sector priorities, as progressive enhancement of the "Change the
// order" form (templates/priorities/order.html). Without JavaScript each row's "New position"
// select is set by hand and the form is saved. With it, rows also move by drag and drop, by
// "Move up" / "Move down" buttons (keyboard and screen readers), or by choosing a position;
// every select follows its row, and each move is announced in the form's aria-live region.
// Saving still posts the same form: the server checks the positions are 1 to n, each once.
// Imported for its effect by main.js: it enhances every [data-module="tracker-reorder"].

export function move(items, from, to) {
  const moved = items.slice();
  if (from < 0 || from >= moved.length || to < 0 || to >= moved.length || from === to) {
    return moved;
  }
  const [item] = moved.splice(from, 1);
  moved.splice(to, 0, item);
  return moved;
}

export function movedMessage(name, position, total) {
  return `${name} moved to position ${position} of ${total}`;
}

export function edgeMessage(name, position) {
  return position === 1 ? `${name} is already at position 1` : `${name} is already last`;
}

function button(text, name) {
  const element = document.createElement("button");
  element.type = "button";
  element.className = "govuk-button govuk-button--secondary govuk-!-margin-bottom-0 govuk-!-margin-right-1";
  element.textContent = text;
  const hidden = document.createElement("span");
  hidden.className = "govuk-visually-hidden";
  hidden.textContent = ` ${name}`;
  element.append(hidden);
  return element;
}

function enhance(form) {
  const body = form.querySelector("tbody");
  const status = form.querySelector("[data-reorder-status]");
  const header = form.querySelector("thead tr");
  if (!body || !status || !header) {
    return;
  }
  const rows = () => Array.from(body.querySelectorAll("tr[data-priority-id]"));
  const announce = (message) => {
    status.textContent = message;
  };
  const renumber = () => {
    rows().forEach((row, index) => {
      const select = row.querySelector("select");
      if (select) {
        select.value = String(index + 1);
      }
    });
  };
  // Moves `row` to index `to`, keeps focus where it was, renumbers and announces.
  const place = (row, to) => {
    const all = rows();
    const from = all.indexOf(row);
    const name = row.dataset.name;
    if (to < 0 || to >= all.length) {
      announce(edgeMessage(name, from + 1));
      return;
    }
    const focused = document.activeElement;
    move(all, from, to).forEach((each) => body.append(each));
    renumber();
    if (focused instanceof HTMLElement && row.contains(focused)) {
      focused.focus();
    }
    announce(movedMessage(name, to + 1, all.length));
  };

  const heading = document.createElement("th");
  heading.scope = "col";
  heading.className = "govuk-table__header";
  heading.textContent = "Move";
  header.append(heading);

  let dragged = null;
  rows().forEach((row) => {
    const cell = document.createElement("td");
    cell.className = "govuk-table__cell";
    const up = button("Move up", row.dataset.name);
    const down = button("Move down", row.dataset.name);
    up.addEventListener("click", () => place(row, rows().indexOf(row) - 1));
    down.addEventListener("click", () => place(row, rows().indexOf(row) + 1));
    cell.append(up, down);
    row.append(cell);

    const select = row.querySelector("select");
    if (select) {
      select.addEventListener("change", () => place(row, Number.parseInt(select.value, 10) - 1));
    }

    row.draggable = true;
    row.style.cursor = "move";
    row.addEventListener("dragstart", (event) => {
      dragged = row;
      row.style.opacity = "0.5";
      event.dataTransfer.effectAllowed = "move";
      event.dataTransfer.setData("text/plain", row.dataset.priorityId);
    });
    row.addEventListener("dragend", () => {
      row.style.opacity = "";
      dragged = null;
    });
  });

  body.addEventListener("dragover", (event) => {
    if (!dragged) {
      return;
    }
    event.preventDefault();
    const target = event.target.closest("tr[data-priority-id]");
    if (!target || target === dragged) {
      return;
    }
    const box = target.getBoundingClientRect();
    const after = event.clientY > box.top + box.height / 2;
    target.parentNode.insertBefore(dragged, after ? target.nextSibling : target);
  });
  body.addEventListener("drop", (event) => {
    if (!dragged) {
      return;
    }
    event.preventDefault();
    renumber();
    const all = rows();
    announce(movedMessage(dragged.dataset.name, all.indexOf(dragged) + 1, all.length));
  });
}

export function initReorder(root = document) {
  root.querySelectorAll('[data-module="tracker-reorder"]').forEach(enhance);
}

if (typeof document !== "undefined") {
  initReorder();
}
