// The map is the page: zoom and fit-to-width controls above the map, and stage headers that stay in view while the
// map scrolls past, in the workspace, on a share page and in an embed on another site. The map document reads fully
// without this script (the CLI's HTML files never load it); map.css holds the styles it relies on.
"use strict";
(() => {
  const scrollers = [...document.querySelectorAll(".map-scroll")];
  const maps = scrollers.map((s) => s.querySelector(".map")).filter((m) => m);
  if (maps.length === 0) return;

  // Zoom steps for the - and + buttons; fit-to-width may land between them.
  const steps = [0.25, 0.33, 0.5, 0.67, 0.75, 0.8, 0.9, 1, 1.1, 1.25, 1.5, 1.75, 2];
  let zoom = 1;

  const tools = document.createElement("div");
  tools.className = "map-tools";
  tools.setAttribute("role", "toolbar");
  tools.setAttribute("aria-label", "Map size");
  const button = (text, label, act) => {
    const b = document.createElement("button");
    b.type = "button";
    b.textContent = text;
    if (label) b.setAttribute("aria-label", label);
    b.addEventListener("click", act);
    tools.append(b);
    return b;
  };
  const readout = document.createElement("output");
  readout.className = "map-zoom";
  readout.setAttribute("aria-live", "polite");
  readout.setAttribute("aria-label", "Map zoom");

  const setZoom = (z) => {
    zoom = Math.min(steps[steps.length - 1], Math.max(0.1, z));
    for (const map of maps) map.style.zoom = String(zoom);
    readout.textContent = Math.round(zoom * 100) + "%";
    document.documentElement.dataset.mapZoom = String(zoom);
    stick();
  };

  // The largest zoom at which every stage fits the width of its box, never above 100%.
  const fitWidth = () => {
    let ratio = 1;
    for (const map of maps) {
      map.style.zoom = "1";
      // At 100% the grid is as wide as its columns' minimum or its box, whichever is wider.
      ratio = Math.min(ratio, map.parentElement.clientWidth / map.scrollWidth);
    }
    // Down to the whole percent, so the map fits despite rounding and the readout shows the zoom exactly.
    setZoom(Math.floor(ratio * 100) / 100);
  };

  button("\u2212", "Zoom out", () => setZoom([...steps].reverse().find((s) => s < zoom - 0.001) ?? steps[0]));
  tools.append(readout);
  button("+", "Zoom in", () => setZoom(steps.find((s) => s > zoom + 0.001) ?? steps[steps.length - 1]));
  button("100%", null, () => setZoom(1));
  button("Fit width", null, fitWidth);
  scrollers[0].before(tools);

  // Where the top of the visible window is, in this document's coordinates: its own scroll, plus how far a framing
  // page of the same site (the workspace and share pages grow the frame to the map's height) has scrolled past the
  // frame's top. A frame on another site hides its position (frameElement is null): there the frame scrolls itself.
  const windowTop = () => {
    let top = window.scrollY;
    const frame = window.frameElement;
    if (frame) top += Math.max(0, -(frame.getBoundingClientRect().top + frame.clientTop));
    return top;
  };

  function stick() {
    const top = windowTop();
    for (const map of maps) {
      const heads = [...map.querySelectorAll(":scope > .lane-stage > .stage-head")];
      if (heads.length === 0) continue;
      const box = map.getBoundingClientRect();
      // What stays in view: each stage's number, name and reached/converted figures.
      let keep = 0;
      for (const head of heads) {
        const last = head.querySelector(".funnel") ?? head.querySelector(".stage-name") ?? head;
        keep = Math.max(keep, last.getBoundingClientRect().bottom - head.getBoundingClientRect().top);
      }
      keep += 10 * zoom;
      const shift = Math.max(0, Math.min(top - (box.top + window.scrollY), box.height - keep));
      map.classList.toggle("stuck", shift > 0);
      // Lengths inside the zoomed grid are scaled by the zoom, so they are set in its unzoomed pixels.
      map.style.setProperty("--stuck-y", shift / zoom + "px");
      map.style.setProperty("--stuck-keep", keep / zoom + "px");
    }
  }

  // Keyboard focus never hides under the stuck stage row (Shift+Tab scrolls what it focuses to the top of the
  // window, right where the row sits): the window, or the framing page, scrolls back by the overlap.
  const unhide = (target) => {
    const map = maps.find((m) => m.contains(target));
    if (!map || !map.classList.contains("stuck") || target.closest(".lane-stage")) return;
    const head = map.querySelector(":scope > .lane-stage > .stage-head");
    const covered = head.getBoundingClientRect().top + parseFloat(map.style.getPropertyValue("--stuck-keep")) * zoom;
    const overlap = covered + 8 - target.getBoundingClientRect().top;
    if (overlap <= 0) return;
    if (window.frameElement && window.scrollY === 0) window.parent.scrollBy(0, -overlap);
    else window.scrollBy(0, -overlap);
  };
  document.addEventListener("focusin", (e) => requestAnimationFrame(() => {
    stick();
    unhide(e.target);
  }));

  let queued = false;
  const schedule = () => {
    if (queued) return;
    queued = true;
    requestAnimationFrame(() => {
      queued = false;
      stick();
    });
  };
  window.addEventListener("scroll", schedule, { passive: true });
  window.addEventListener("resize", schedule);
  if (window.frameElement) {
    window.parent.addEventListener("scroll", schedule, { passive: true });
    window.parent.addEventListener("resize", schedule);
  }

  setZoom(1);
})();
