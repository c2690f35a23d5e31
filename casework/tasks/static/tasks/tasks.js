// Show the meeting fields (start, place) only when "Meeting" is chosen; without JS all fields show.
document.addEventListener("DOMContentLoaded", () => {
  for (const form of document.querySelectorAll("form.task-form")) {
    const kind = form.querySelector("select[name=kind]");
    if (!kind) continue;
    const sync = () => { form.dataset.kind = kind.value; };
    kind.addEventListener("change", sync);
    sync();
  }
});

// The new calendar address: selected on focus, ready to copy.
document.addEventListener("DOMContentLoaded", () => {
  for (const input of document.querySelectorAll("input[data-select-on-focus]")) {
    input.addEventListener("focus", () => input.select());
  }
});
