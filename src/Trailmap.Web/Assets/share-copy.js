// Copy buttons for the share link and embed code. The buttons are hidden in the HTML and shown only here, so a
// page without JavaScript shows no button that does nothing; the fields are read-only text to select and copy.
"use strict";
document.addEventListener("DOMContentLoaded", () => {
  for (const button of document.querySelectorAll("button[data-copy]")) {
    const field = document.getElementById(button.dataset.copy);
    if (!field || !navigator.clipboard) continue;
    button.hidden = false;
    const label = button.textContent;
    button.addEventListener("click", async () => {
      try {
        await navigator.clipboard.writeText(field.value);
        button.textContent = "Copied";
      } catch {
        field.select();
        button.textContent = "Press Ctrl+C to copy";
      }
      window.setTimeout(() => { button.textContent = label; }, 2000);
    });
  }
});
