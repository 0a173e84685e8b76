// The browser says why it will not send a form (an empty required field) in the language of the PC's
// Windows, often English on an office machine: vanthu says it in Vietnamese, beside the field, as the
// browser shows it. The only script of the service; the pages work without it.
"use strict";

const MISSING = { file: "Hãy chọn một tệp.", "select-one": "Hãy chọn một mục trong danh sách." };

document.addEventListener("invalid", (event) => {
  const field = event.target;
  if (field.validity.valueMissing) {
    field.setCustomValidity(MISSING[field.type] || "Hãy điền mục này.");
  } else if (field.validity.tooShort) {
    field.setCustomValidity(`Cần ít nhất ${field.minLength} ký tự (đang có ${field.value.length}).`);
  } else if (field.validity.typeMismatch || field.validity.patternMismatch) {
    field.setCustomValidity("Giá trị chưa đúng dạng; xem hướng dẫn bên cạnh ô này.");
  }
}, true);

for (const name of ["input", "change"]) {  // what the person types again is checked afresh
  document.addEventListener(name, (event) => {
    if (event.target.setCustomValidity) event.target.setCustomValidity("");
  }, true);
}

// A file field reads «Choose File / No file chosen» in the browser's language: vanthu draws its own
// «Chọn tệp…» with the chosen files' names (or «Chưa chọn tệp») over the browser's field, which stays
// where it is, invisible but real: a click or a drop on it, Tab then Space or Enter, a screen reader
// (its label, and the names as its description) all reach the browser's own control. Without the
// script the browser's field shows as it is, and the form is sent the same.
const NONE_CHOSEN = "Chưa chọn tệp";

function chosenFiles(input) {
  const names = Array.from(input.files || [], (file) => file.name);
  if (names.length === 0) return NONE_CHOSEN;
  return names.length === 1 ? names[0] : `${names.length} tệp: ${names.join(", ")}`;
}

function pickFiles(input, index) {
  const pick = document.createElement("span");
  pick.className = "file-pick";
  const button = document.createElement("span");
  button.className = "file-button";
  button.setAttribute("aria-hidden", "true");  // the field itself is the button a reader hears
  button.textContent = input.multiple ? "Chọn tệp… (một hoặc nhiều tệp)" : "Chọn tệp…";
  const chosen = document.createElement("span");
  chosen.className = "file-chosen";
  chosen.id = `${input.id || `file-${index}`}-chosen`;
  chosen.textContent = chosenFiles(input);
  input.before(pick);
  pick.append(input, button, chosen);
  input.setAttribute("aria-describedby", [input.getAttribute("aria-describedby"), chosen.id].filter(Boolean).join(" "));
  input.addEventListener("change", () => { chosen.textContent = chosenFiles(input); });
  input.form?.addEventListener("reset", () => setTimeout(() => { chosen.textContent = chosenFiles(input); }));
}

document.querySelectorAll('input[type="file"]').forEach(pickFiles);
