// The journey editor: CodeMirror 6 over the page's plain textarea, with YAML highlighting, completion from the
// journey JSON Schema, the server's diagnostics as markers at their line and column, and a live preview of the map.
// The page works without this script: the textarea posts the form, and Check and Save answer with the problems and
// the preview. This script replaces the textarea on screen and copies its text back into it before the form posts.
import { autocompletion, closeBrackets, closeBracketsKeymap, completionKeymap } from "@codemirror/autocomplete";
import { defaultKeymap, history, historyKeymap, indentWithTab } from "@codemirror/commands";
import { yaml } from "@codemirror/lang-yaml";
import { bracketMatching, HighlightStyle, indentOnInput, indentUnit, syntaxHighlighting } from "@codemirror/language";
import { lintGutter, linter, lintKeymap } from "@codemirror/lint";
import { highlightSelectionMatches, searchKeymap } from "@codemirror/search";
import { EditorState } from "@codemirror/state";
import {
  drawSelection, EditorView, highlightActiveLine, highlightActiveLineGutter, keymap, lineNumbers,
} from "@codemirror/view";
import { tags } from "@lezer/highlight";
import { schemaCompletion } from "./schema-completion.js";

// Colours with at least 4.5:1 contrast on white, so the page passes the accessibility check (WCAG AA).
const highlight = HighlightStyle.define([
  { tag: [tags.propertyName, tags.definition(tags.propertyName)], color: "#1d4e89" },
  { tag: [tags.string, tags.special(tags.string), tags.content], color: "#24292f" },
  { tag: [tags.number, tags.bool, tags.null, tags.atom], color: "#8a3c00" },
  { tag: [tags.keyword, tags.typeName, tags.labelName], color: "#6f2da8" },
  { tag: [tags.comment, tags.lineComment, tags.blockComment], color: "#4d6b3a", fontStyle: "italic" },
  { tag: [tags.meta, tags.punctuation, tags.separator, tags.squareBracket, tags.brace], color: "#4a5361" },
  { tag: tags.invalid, color: "#b00020" },
]);

const theme = EditorView.theme({
  "&": { height: "70vh", border: "1px solid #d6dbe3", borderRadius: "8px", backgroundColor: "#fff", fontSize: "12.5px" },
  "&.cm-focused": { outline: "2px solid #2457c5", outlineOffset: "-1px" },
  ".cm-scroller": { fontFamily: 'ui-monospace, SFMono-Regular, Menlo, Consolas, "Liberation Mono", monospace', lineHeight: "1.45" },
  ".cm-gutters": { backgroundColor: "#fafbfd", color: "#5b6472", borderRight: "1px solid #d6dbe3", borderRadius: "8px 0 0 8px" },
  ".cm-activeLine": { backgroundColor: "#f3f6fb" },
  ".cm-activeLineGutter": { backgroundColor: "#e9eef7", color: "#24292f" },
  ".cm-tooltip": { fontSize: "12.5px" },
  ".cm-tooltip.cm-tooltip-autocomplete > ul > li": { color: "#24292f" },
  ".cm-tooltip.cm-tooltip-autocomplete > ul > li[aria-selected]": { backgroundColor: "#1d4e89", color: "#fff" },
  ".cm-completionInfo": { maxWidth: "360px", whiteSpace: "normal" },
  ".cm-completionDetail": { color: "#5b6472" },
});

function problemHeading(diagnostics) {
  const errors = diagnostics.filter((d) => d.severity === "error").length;
  const warnings = diagnostics.length - errors;
  return errors + warnings === 0 ? "No problems"
    : `${errors} ${errors === 1 ? "error" : "errors"}, ${warnings} ${warnings === 1 ? "warning" : "warnings"}`;
}

// One entry of the problem list, built with textContent only: messages quote the user's text.
function problemItem(d) {
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

// The document position of a 1-based line and column, clamped to the text.
function position(doc, line, column) {
  const l = doc.line(Math.min(Math.max(1, line), doc.lines));
  return l.from + Math.min(Math.max(0, column - 1), l.length);
}

// The span a marker underlines: from the column to the end of the word or value there, at least one character.
function span(doc, from) {
  const line = doc.lineAt(from);
  const rest = line.text.slice(from - line.from);
  const token = /^[^\s:,{}[\]#]+/.exec(rest);
  const length = token ? token[0].length : Math.min(1, rest.length);
  return { from, to: from + length };
}

function start() {
  const text = document.getElementById("yaml");
  if (!text || !window.fetch) return;
  const form = text.closest("form");
  const area = text.closest(".code-area");
  const label = document.querySelector("label[for='yaml']");
  const list = document.getElementById("diagnostics");
  const head = document.getElementById("diagnostics-head");
  const frame = document.getElementById("preview");
  const status = document.getElementById("preview-status");
  const url = form && form.dataset.preview;
  const token = form && form.querySelector("input[name='__RequestVerificationToken']");
  const readOnly = text.readOnly || !url;

  let schema = null;
  let ids = {};
  let drawn = false;
  if (form && form.dataset.schema) {
    fetch(form.dataset.schema, { credentials: "same-origin" })
      .then((r) => (r.ok ? r.json() : null))
      .then((s) => { schema = s; })
      .catch(() => { /* completion stays off; everything else works */ });
  }

  // Asks the server to validate and render the text: its diagnostics become markers and the problem list, and the
  // map it draws replaces the preview. Text with errors draws none, so the preview keeps the last good map.
  async function check(view) {
    const sent = view.state.doc.toString();
    const body = new URLSearchParams({ yaml: sent });
    let result;
    try {
      const response = await fetch(url, {
        method: "POST",
        headers: { "RequestVerificationToken": token ? token.value : "" },
        body,
        credentials: "same-origin",
      });
      if (!response.ok) throw new Error("HTTP " + response.status);
      result = await response.json();
    } catch (err) {
      if (status) status.textContent = "The preview could not be updated (" + err.message + "); Check still works.";
      return [];
    }
    if (list) list.replaceChildren(...result.diagnostics.map(problemItem));
    if (head) head.textContent = problemHeading(result.diagnostics);
    if (result.ids) ids = result.ids;
    // Until this script has drawn a map, the page's own words stand: which saved version the preview shows, if any.
    if (result.html !== null) {
      // The page came with the map of this very text: drawing it again would only reload the frame.
      const same = !drawn && sent === text.value && frame && frame.dataset.shows === "text";
      if (frame && !same) frame.srcdoc = result.html;
      if (status) status.textContent = "The map as this text draws it, without measured data.";
      drawn = true;
    } else if (status && drawn) {
      status.textContent = "The text has errors, so the preview still shows the last map without errors.";
    }
    const doc = view.state.doc;
    return result.diagnostics.map((d) => ({
      ...span(doc, position(doc, d.line, d.column)),
      severity: d.severity === "error" ? "error" : "warning",
      source: d.code,
      message: d.message,
    }));
  }

  const extensions = [
    lineNumbers(),
    highlightActiveLineGutter(),
    history(),
    drawSelection(),
    indentOnInput(),
    bracketMatching(),
    closeBrackets(),
    highlightActiveLine(),
    highlightSelectionMatches(),
    indentUnit.of("  "),
    EditorState.tabSize.of(2),
    yaml(),
    syntaxHighlighting(highlight),
    theme,
    // tabindex: the text is focusable anyway (contenteditable), but accessibility checkers only count the scrolling
    // region as reachable by keyboard when something in it says so.
    EditorView.contentAttributes.of({
      tabindex: "0",
      ...(label && label.id ? { "aria-labelledby": label.id } : { "aria-label": "Journey YAML" }),
      ...(head ? { "aria-describedby": head.id } : {}),
    }),
    keymap.of([...closeBracketsKeymap, ...defaultKeymap, ...searchKeymap, ...historyKeymap, ...completionKeymap, ...lintKeymap, indentWithTab]),
  ];
  if (readOnly) {
    extensions.push(EditorState.readOnly.of(true));
  } else {
    extensions.push(
      autocompletion({ override: [schemaCompletion(() => schema, () => ids)] }),
      linter(check, { delay: 600 }),
      lintGutter(),
    );
  }

  const view = new EditorView({ doc: text.value, extensions });
  (area || text).after(view.dom);
  // Hidden by style, not the hidden attribute: the stylesheet gives .code-area a display of its own.
  (area || text).style.display = "none";
  if (label) label.addEventListener("click", () => view.focus());
  if (form) form.addEventListener("submit", () => { text.value = view.state.doc.toString(); });

  // A problem's line:column puts the cursor there.
  document.addEventListener("click", (e) => {
    const link = e.target.closest && e.target.closest("a[data-line]");
    if (!link) return;
    e.preventDefault();
    const at = position(view.state.doc, Number(link.dataset.line), Number(link.dataset.column));
    view.dispatch({ selection: { anchor: at }, scrollIntoView: true });
    view.focus();
  });
}

if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
else start();
