// The handout's web page as a reader gets it, checked by independent tools: the W3C Nu
// Html Checker (vnu, one JVM for every file), and in headless Chromium at 320 and 1280
// CSS px axe-core (WCAG 2.1 A and AA), no sideways scrolling, WCAG 1.4.12's text
// spacing without loss, the direction of a right-to-left page, and print.
// Usage: node html.mjs OUT_DIR FILE.html...  (prints "N passed, M failed")
// A file whose name contains ".ar." or ".fa." must be right to left.
import { chromium } from "playwright-core";
import { execFileSync, spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { basename } from "node:path";
import { pathToFileURL } from "node:url";
import { createRequire } from "node:module";

const [out, ...files] = process.argv.slice(2);
const require = createRequire(import.meta.url);
const axeSource = readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");
let passed = 0;
let failed = 0;

function check(name, ok, detail = "") {
  if (ok) {
    passed++;
    console.log(`ok: ${name}`);
  } else {
    failed++;
    console.log(`FAILED: ${name} ${detail}`);
  }
}

// vnu writes its JSON report to standard error, and exits non-zero on an error.
const jar = require.resolve("vnu-jar/build/dist/vnu.jar");
const vnu = spawnSync("java", ["-jar", jar, "--format", "json", "--errors-only", ...files], { encoding: "utf8" });
const report = vnu.stderr || vnu.stdout || String(vnu.error);
let messages = [];
try {
  messages = JSON.parse(report).messages;
} catch (e) {
  messages = [{ message: `vnu gave no JSON: ${report.slice(0, 500)}` }];
}
check(`the Nu Html Checker finds no error in ${files.length} pages`, messages.length === 0,
  messages.slice(0, 10).map((m) => `${m.url ? basename(m.url) : ""}:${m.lastLine}: ${m.message}`).join("; "));

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run"],
});
// WCAG 1.4.12: line height 1.5, paragraph spacing 2, letter spacing 0.12 and word
// spacing 0.16 times the font size.
const SPACING = `* { line-height: 1.5 !important; letter-spacing: 0.12em !important;
  word-spacing: 0.16em !important; } p { margin-bottom: 2em !important; }`;

for (const file of files) {
  const name = basename(file);
  const rtl = /\.(ar|fa)\./.test(name);
  for (const width of [320, 1280]) {
    const context = await browser.newContext({ viewport: { width, height: 800 } });
    const page = await context.newPage();
    const requests = [];
    page.on("request", (r) => { if (!r.url().startsWith("file:") && !r.url().startsWith("data:")) requests.push(r.url()); });
    await page.goto(pathToFileURL(file).href);
    const sideways = () => page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    check(`${name} at ${width} px: no sideways scrolling`, (await sideways()) <= 0, `${await sideways()} px too wide`);
    await page.evaluate(axeSource);
    const axe = await page.evaluate(async () =>
      (await axe.run(document, { runOnly: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] })).violations
        .map((v) => `${v.id}: ${v.nodes.length} (${v.nodes[0].target})`));
    check(`${name} at ${width} px: axe-core finds no WCAG 2.1 A/AA violation`, axe.length === 0, axe.join("; "));
    check(`${name} at ${width} px: nothing fetched`, requests.length === 0, requests.join(" "));
    if (width === 320) {
      const dir = await page.evaluate(() => [document.dir, getComputedStyle(document.querySelector("main li, main p")).direction]);
      check(`${name}: ${rtl ? "right to left" : "left to right"}`, dir[0] === (rtl ? "rtl" : "ltr") && dir[1] === dir[0], dir.join(" "));
      const text = await page.evaluate(() => document.body.innerText.length);
      await page.addStyleTag({ content: SPACING });
      check(`${name} at 320 px with WCAG text spacing: no sideways scrolling`, (await sideways()) <= 0, `${await sideways()} px too wide`);
      // Nothing cut off: no element hides what overflows it.
      const clipped = await page.evaluate(() => [...document.querySelectorAll("body *")]
        .filter((e) => { const s = getComputedStyle(e); return (s.overflow === "hidden" || s.overflowY === "hidden") && e.scrollHeight > e.clientHeight + 1; })
        .map((e) => e.tagName).slice(0, 5));
      check(`${name} at 320 px with text spacing: no text clipped`, clipped.length === 0, clipped.join(" "));
      check(`${name}: text spacing keeps every word`, (await page.evaluate(() => document.body.innerText.length)) >= text);
      await page.screenshot({ path: `${out}/${name}-320.png`, fullPage: true });
    } else {
      // 200 % zoom at 1280 px is 640 CSS px wide: the same page, larger.
      await page.setViewportSize({ width: 640, height: 800 });
      check(`${name} at 200 % zoom: no sideways scrolling`, (await sideways()) <= 0, `${await sideways()} px too wide`);
      await page.setViewportSize({ width, height: 800 });
      await page.screenshot({ path: `${out}/${name}-${width}.png`, fullPage: true });
      // On paper: A4, the print stylesheet, the text all there.
      await page.emulateMedia({ media: "print" });
      const printed = await page.pdf({ format: "A4", printBackground: true });
      writeFileSync(`${out}/${name}.pdf`, printed);
      const words = execFileSync("pdftotext", ["-enc", "UTF-8", `${out}/${name}.pdf`, "-"], { encoding: "utf8" });
      // Counted rather than compared: a PDF's text of joined Arabic letters comes back
      // in other code points.
      const letters = (s) => s.replace(/\s+/g, "").length;
      const shown = letters(await page.evaluate(() => document.body.innerText));
      check(`${name} prints, all its text on paper`, letters(words) >= shown * 0.95, `${letters(words)} of ${shown} characters`);
    }
    await context.close();
  }
}
await browser.close();
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
