// The draft page: redraws the steps once a second from the draft's JSON status, and reloads the page when the
// draft ends so the server renders the result. Without this file the page's reload link does it.
"use strict";
document.addEventListener("DOMContentLoaded", () => {
  const box = document.querySelector("[data-status-url]");
  if (!box) return;
  const url = box.dataset.statusUrl;
  const number = new Intl.NumberFormat("en-US");
  const poll = async () => {
    try {
      const response = await fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" });
      if (!response.ok) return;
      const s = await response.json();
      box.querySelector('[data-field="state"]').textContent = s.state;
      const list = box.querySelector('[data-field="steps"]');
      list.replaceChildren(...s.steps.map((step) => {
        const li = document.createElement("li");
        li.className = step.done ? "done" : "running";
        li.textContent = `Step ${step.number} of ${step.of}, ${step.name}: ${number.format(step.characters)} characters, ${step.elapsedSeconds.toFixed(1)} s${step.done ? "" : " …"}`;
        return li;
      }));
      if (s.done) {
        window.location.reload();
        return;
      }
    } catch {
      // A dropped request is retried on the next tick.
    }
    window.setTimeout(poll, 1000);
  };
  window.setTimeout(poll, 1000);
});
