// Innovation Accelerator proposal tracker: initialise the GOV.UK Frontend
// components on the page. Bundled by esbuild to static/dist/main.js.
import { initAll } from "govuk-frontend";
import "./word-count.mjs";
import "./reorder.mjs";

initAll();
