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
