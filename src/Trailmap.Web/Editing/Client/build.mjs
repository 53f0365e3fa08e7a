// Bundles the editor and CodeMirror into one script the server embeds and serves as /assets/editor.bundle.js.
// Run by the BundleEditor target of Trailmap.Web.csproj (after npm ci); by hand: npm ci && node build.mjs.
import { build } from "esbuild";
import { fileURLToPath } from "node:url";

const here = (p) => fileURLToPath(new URL(p, import.meta.url));

await build({
  entryPoints: [here("./editor.js")],
  outfile: here("../../Assets/editor.bundle.js"),
  bundle: true,
  minify: true,
  format: "iife",
  target: ["es2020"],
  legalComments: "none",
  banner: {
    js: "/* Trailmap's journey editor with CodeMirror 6 (MIT licence, (c) Marijn Haverbeke and others). Generated from src/Trailmap.Web/Editing/Client by esbuild: edit the sources there, not this file. */",
  },
  logLevel: "warning",
});
