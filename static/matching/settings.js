// Matching settings: show each weight slider's value next to it while it moves.
document.addEventListener("input", (event) => {
  const input = event.target;
  if (!(input instanceof HTMLInputElement) || input.type !== "range") return;
  const output = document.getElementById(`${input.id}_value`);
  if (output) output.value = input.value;
});
