// Builds static/govuk/ from the govuk-frontend npm package: our Sass entry point compiled with
// the partnership's fonts and colours, GOV.UK Frontend's script, and its images (not its fonts:
// the Transport typeface is for GOV.UK services only).
import { cpSync, mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import * as sass from "sass";

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, "..");
const govuk = join(root, "node_modules", "govuk-frontend", "dist", "govuk");
const out = join(here, "govuk");

mkdirSync(out, { recursive: true });
const css = sass.compile(join(here, "src", "engage.scss"), {
  loadPaths: [join(root, "node_modules")],
  style: "compressed",
  quietDeps: true,
  silenceDeprecations: ["import"],
});
writeFileSync(join(out, "engage.min.css"), css.css);
cpSync(join(govuk, "govuk-frontend.min.js"), join(out, "govuk-frontend.min.js"));
cpSync(join(govuk, "assets", "images"), join(out, "assets", "images"), { recursive: true });
cpSync(join(govuk, "assets", "manifest.json"), join(out, "assets", "manifest.json"));
console.log("built static/govuk");
