// Copy the GOV.UK Frontend images that the compiled CSS needs into
// static/dist/images/, leaving out everything crown/crest/GOV.UK-branded
// (the tracker is not a GOV.UK service), then check that every image the
// compiled CSS refers to under /static/dist/ exists.
//
// Run after build:css. Node built-ins only.

import { copyFile, mkdir, readdir, readFile, stat } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";

const staticDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const projectDir = path.resolve(staticDir, "..");
const sourceDir = path.join(projectDir, "node_modules/govuk-frontend/dist/govuk/assets/images");
const distDir = path.join(staticDir, "dist");
const imagesDir = path.join(distDir, "images");
const cssFile = path.join(distDir, "main.css");
const urlPrefix = "/static/dist/";

// Crown, crest, GOV.UK app icons, opengraph image and favicons
const isBranded = (name) =>
  /^govuk-/.test(name) || /^favicon\./.test(name) || /crest|crown/i.test(name);

async function exists(file) {
  try {
    return (await stat(file)).isFile();
  } catch {
    return false;
  }
}

await mkdir(imagesDir, { recursive: true });

const copied = [];
for (const name of (await readdir(sourceDir)).sort()) {
  if (isBranded(name)) continue;
  await copyFile(path.join(sourceDir, name), path.join(imagesDir, name));
  copied.push(name);
}
console.log(`copy-assets: copied ${copied.length} image(s) to static/dist/images/` +
  (copied.length ? `: ${copied.join(", ")}` : " (every GOV.UK image is branded)"));

// Every url(...) in the CSS that points at our dist folder must exist.
const css = await readFile(cssFile, "utf8");
const urls = [...css.matchAll(/url\(\s*(["']?)(.*?)\1\s*\)/g)].map((m) => m[2]);
const local = [...new Set(urls.filter((u) => u.startsWith(urlPrefix)))];
const other = [...new Set(urls.filter((u) => !u.startsWith(urlPrefix) && !u.startsWith("data:")))];

const missing = [];
for (const url of local) {
  const file = path.join(distDir, url.slice(urlPrefix.length).split(/[?#]/)[0]);
  if (!(await exists(file))) missing.push(url);
}

if (other.length) {
  console.error(`copy-assets: main.css refers to URLs outside ${urlPrefix}: ${other.join(", ")}`);
}
if (missing.length) {
  console.error(`copy-assets: main.css refers to missing files: ${missing.join(", ")}`);
}
if (other.length || missing.length) process.exit(1);

console.log(`copy-assets: main.css refers to ${local.length} file(s) under ${urlPrefix}; all present`);
