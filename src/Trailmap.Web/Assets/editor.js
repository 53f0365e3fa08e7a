// The journey editor's enhancements: line numbers that follow the text, jump to a problem's line:column, and a
// live preview (the text is posted a moment after typing stops). The editor works without this file: Check and
// Save post the form and the page comes back with the problems and the preview.
"use strict";
document.addEventListener("DOMContentLoaded", () => {
  const text = document.getElementById("yaml");
  if (!text) return;
  const form = text.closest("form");
  const gutter = document.querySelector(".editor-gutter");
  const list = document.getElementById("diagnostics");
  const head = document.getElementById("diagnostics-head");
  const frame = document.getElementById("preview");
  const status = document.getElementById("preview-status");

  function renumber() {
    if (!gutter) return;
    const lines = text.value.split("\n").length;
    if (Number(gutter.dataset.lines) !== lines) {
      gutter.textContent = Array.from({ length: lines }, (_, i) => i + 1).join("\n");
      gutter.dataset.lines = String(lines);
    }
    gutter.scrollTop = text.scrollTop;
  }

  function jump(line, column) {
    const lines = text.value.split("\n");
    let offset = 0;
    for (let i = 0; i < Math.min(line - 1, lines.length); i++) offset += lines[i].length + 1;
    offset += Math.max(0, Math.min(column - 1, (lines[line - 1] || "").length));
    text.focus();
    text.setSelectionRange(offset, offset);
    const lineHeight = parseFloat(getComputedStyle(text).lineHeight) || 18;
    text.scrollTop = Math.max(0, (line - 4) * lineHeight);
    renumber();
  }

  document.addEventListener("click", (e) => {
    const link = e.target.closest && e.target.closest("a[data-line]");
    if (!link) return;
    e.preventDefault();
    jump(Number(link.dataset.line), Number(link.dataset.column));
  });

  // Built with textContent only: messages quote the user's text.
  function item(d) {
    const li = document.createElement("li");
    li.className = "diag " + d.severity;
    const a = document.createElement("a");
    a.href = "#yaml";
    a.dataset.line = d.line;
    a.dataset.column = d.column;
    a.textContent = d.line + ":" + d.column;
    const code = document.createElement("code");
    code.textContent = d.code;
    const sev = document.createElement("span");
    sev.className = "sev";
    sev.textContent = d.severity;
    const msg = document.createElement("span");
    msg.className = "msg";
    msg.textContent = d.message;
    li.append(a, " ", code, " ", sev, " ", msg);
    return li;
  }

  function showProblems(diagnostics) {
    if (list) list.replaceChildren(...diagnostics.map(item));
    if (head) {
      const errors = diagnostics.filter((d) => d.severity === "error").length;
      const warnings = diagnostics.length - errors;
      head.textContent = errors + warnings === 0 ? "No problems"
        : `${errors} ${errors === 1 ? "error" : "errors"}, ${warnings} ${warnings === 1 ? "warning" : "warnings"}`;
    }
  }

  const url = form && form.dataset.preview;
  const token = form && form.querySelector("input[name='__RequestVerificationToken']");
  let timer = 0;
  let asked = 0;
  async function preview() {
    const mine = ++asked;
    try {
      const response = await fetch(url, {
        method: "POST",
        headers: { "RequestVerificationToken": token ? token.value : "" },
        body: new URLSearchParams({ yaml: text.value }),
        credentials: "same-origin",
      });
      if (!response.ok) throw new Error("HTTP " + response.status);
      const result = await response.json();
      if (mine !== asked) return; // a newer request is on its way
      showProblems(result.diagnostics);
      if (result.html !== null) {
        frame.srcdoc = result.html;
        status.textContent = "The map as this text draws it, without measured data.";
      } else {
        status.textContent = "The text has errors; the preview shows the last text without errors.";
      }
    } catch (err) {
      if (mine === asked) status.textContent = "The preview could not be updated (" + err.message + "); Check still works.";
    }
  }

  text.addEventListener("input", () => {
    renumber();
    if (!url || text.readOnly) return;
    clearTimeout(timer);
    timer = setTimeout(preview, 600);
  });
  text.addEventListener("scroll", renumber);
  renumber();
});
