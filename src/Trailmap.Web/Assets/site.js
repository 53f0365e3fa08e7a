// Small progressive enhancements; every page works without this file.
"use strict";
document.addEventListener("DOMContentLoaded", () => {
  // Buttons that ask before doing something that cannot be undone.
  for (const form of document.querySelectorAll("form[data-confirm]")) {
    form.addEventListener("submit", (e) => {
      if (!window.confirm(form.dataset.confirm)) e.preventDefault();
    });
  }

  // The map is the page: a framed map (same origin) grows to its full height, so the page scrolls once instead of
  // a second scrollbar inside a fixed-height frame. Without this script the frame keeps its CSS height.
  for (const frame of document.querySelectorAll("iframe.map-frame")) {
    const fit = () => {
      const doc = frame.contentDocument;
      if (!doc || !doc.documentElement) return;
      // The frame's own border is not part of the document's height.
      frame.style.height = doc.documentElement.scrollHeight + (frame.offsetHeight - frame.clientHeight) + "px";
    };
    frame.addEventListener("load", () => {
      fit();
      if (frame.contentDocument && window.ResizeObserver) new ResizeObserver(fit).observe(frame.contentDocument.documentElement);
    });
    fit();
  }
});
