// Review table: the bulk status list offers only the moves that every ticked application allows.
// The server already offers only moves legal for some row on the page, and refuses illegal ones row by row.
function narrowBulkMoves() {
  const select = document.getElementById("bulk-status");
  if (!select) return;
  const ticked = Array.from(document.querySelectorAll('input[form="bulk-form"][name="applications"]:checked'));
  let allowed = null;
  for (const box of ticked) {
    const moves = new Set((box.dataset.moves || "").split(" ").filter(Boolean));
    allowed = allowed === null ? moves : new Set([...allowed].filter((move) => moves.has(move)));
  }
  for (const option of select.options) {
    option.disabled = allowed !== null && !allowed.has(option.value);
  }
  if (select.selectedOptions.length && select.selectedOptions[0].disabled) {
    const first = Array.from(select.options).find((option) => !option.disabled);
    if (first) select.value = first.value;
  }
  const none = allowed !== null && allowed.size === 0;
  document.getElementById("bulk-submit").disabled = none;
  document.getElementById("bulk-none").hidden = !none;
}

document.addEventListener("change", (event) => {
  if (event.target instanceof HTMLInputElement && event.target.getAttribute("form") === "bulk-form") {
    narrowBulkMoves();
  }
});
document.addEventListener("htmx:afterSwap", narrowBulkMoves);
document.addEventListener("DOMContentLoaded", narrowBulkMoves);
