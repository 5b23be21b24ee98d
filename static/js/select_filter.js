// A search box that narrows a long <select> (e.g. "Refer a student" with hundreds of names) as one types.
// The box is hidden in the HTML and shown here, so that without JavaScript the plain list still works.
function normalise(text) {
  return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
}

for (const box of document.querySelectorAll("input[data-filter-select]")) {
  const select = document.getElementById(box.dataset.filterSelect);
  if (!select) continue;
  box.closest("[hidden]")?.removeAttribute("hidden");
  box.addEventListener("input", () => {
    const words = normalise(box.value).split(/\s+/).filter(Boolean);
    const matches = [];
    for (const option of select.options) {
      if (!option.value) continue; // the "Choose a student" line stays
      const text = normalise(option.textContent);
      option.hidden = !words.every((word) => text.includes(word));
      if (!option.hidden) matches.push(option);
    }
    if (matches.length === 1) select.value = matches[0].value;
    const status = document.getElementById(`${box.id}-status`);
    if (status) {
      const template = matches.length === 1 ? status.dataset.one : status.dataset.many;
      status.textContent = template.replace("%s", matches.length);
    }
  });
}
