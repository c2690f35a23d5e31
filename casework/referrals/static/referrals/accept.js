// The accept form asks either "which new case" or "which open case": show only the fields of the choice
// made. Without JavaScript every field shows and the server ignores the ones that do not apply.
document.addEventListener("DOMContentLoaded", () => {
  const form = document.querySelector("form[data-accept-form]");
  if (!form) return;
  const group = (name) => form.querySelector(`.fg[data-field="${name}"]`);
  const newCase = ["case_type", "owner"].map(group).filter(Boolean);
  const existing = [group("case")].filter(Boolean);
  const sync = () => {
    const choice = form.querySelector("input[name=into]:checked")?.value || "new";
    for (const el of newCase) el.hidden = choice !== "new";
    for (const el of existing) el.hidden = choice !== "existing";
  };
  form.addEventListener("change", sync);
  sync();
});
