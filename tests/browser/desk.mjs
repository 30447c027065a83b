// The handout desk as a clinician uses it, in headless Chromium: find the handout by
// code, choose the brief, type the patient's name, see it in the preview, download the
// PDF and the same PDF filed for the chart (FHIR); the same with the keyboard alone; and
// axe-core finds no WCAG 2.1 AA violation.
// Usage: node desk.mjs BASE_URL OUT_DIR  (prints "N passed, M failed")
import { chromium } from "playwright-core";
import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";

const [base, out, translations] = process.argv.slice(2);
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

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run"],
});
const context = await browser.newContext({ acceptDownloads: true, viewport: { width: 1400, height: 1000 } });
// Every wait is for an event (an element appearing), never a fixed sleep; the ceiling is
// generous because the tests share two cores with the server and other test binaries.
const CEILING = 60_000;
context.setDefaultTimeout(CEILING);

// Waits for what the clinician should come to see; a check that fails, with the reason,
// when it does not appear within the ceiling.
async function sees(name, locator) {
  try {
    await locator.waitFor({ timeout: CEILING });
    check(name, true);
  } catch (e) {
    check(name, false, String(e).split("\n")[0]);
  }
}
const page = await context.newPage();
const errors = [];
page.on("console", (m) => { if (m.type() === "error") errors.push(m.text()); });
page.on("pageerror", (e) => errors.push(String(e)));

// With the mouse.
await page.goto(base);
await page.getByLabel("Name or ICD-10-CM code").fill("M48.061");
await page.getByRole("status").filter({ hasText: "found" }).waitFor();
const results = page.getByRole("list", { name: "Handouts found" }).getByRole("button");
// The English handout and every translation of it carry its codes.
check("a code finds every language's handout", (await results.count()) === Number(translations), `${await results.count()} of ${translations}`);
await results.filter({ hasText: "Narrowed Nerve Openings" }).first().click();
await page.getByRole("button", { name: "Brief" }).click();
// The brief names a one-page target: the count says it fits, and at what size.
await sees("the preview shows the brief on one page", page.locator("#page-count", { hasText: /^1 page, fits 1 page \(body text 1[12](\.\d+)? pt\)$/ }));
await page.getByLabel("Patient's name").fill("Jane Doe");
await sees("the preview shows the patient's name", page.locator("#pages svg text", { hasText: "Jane Doe" }).first());
const count = await page.locator("#page-count").textContent();
const [download] = await Promise.all([
  page.waitForEvent("download"),
  page.getByRole("button", { name: "Download PDF" }).click(),
]);
const name = download.suggestedFilename();
check("the download is named without patient data", name === "l3-l4-foraminal-narrowing-brief.pdf", name);
const file = `${out}/download.pdf`;
await download.saveAs(file);
check("the download is a PDF", readFileSync(file).subarray(0, 5).toString() === "%PDF-");
const info = execFileSync("pdfinfo", [file], { encoding: "utf8" });
const pages = Number(/^Pages:\s+(\d+)/m.exec(info)[1]);
check("the preview counts the PDF's pages", count.startsWith(`${pages} page${pages === 1 ? "" : "s"}, fits 1 page`), `${count} / ${pages}`);
const text = execFileSync("pdftotext", [file, "-"], { encoding: "utf8" });
check("the PDF holds the patient's name", text.includes("Jane Doe"));
// The same PDF for the chart, in a FHIR DocumentReference filed for the patient typed.
await page.getByLabel("FHIR patient reference").fill("Patient/p-1");
const [filed] = await Promise.all([
  page.waitForEvent("download"),
  page.getByRole("button", { name: "Download for the chart (FHIR)" }).click(),
]);
const filedName = filed.suggestedFilename();
check("the chart's download is named without patient data", filedName === "l3-l4-foraminal-narrowing-brief.fhir.json", filedName);
await filed.saveAs(`${out}/download.fhir.json`);
const reference = JSON.parse(readFileSync(`${out}/download.fhir.json`, "utf8"));
check("it is a DocumentReference for the patient typed", reference.resourceType === "DocumentReference" && reference.subject?.reference === "Patient/p-1", JSON.stringify(reference.subject));
const held = Buffer.from(reference.content?.[0]?.attachment?.data || "", "base64");
check("it holds the PDF just downloaded, byte for byte", held.equals(readFileSync(file)), `${held.length} bytes`);
// The list holds every translation: each script's title in a face the desk serves
// (fetched only because such a title is shown), not in empty boxes.
const faces = await page.evaluate(async () => {
  await document.fonts.ready;
  return [...document.fonts].filter((f) => f.status === "loaded").map((f) => f.family.replaceAll('"', ""));
});
check("the Hindi titles are drawn with the served Devanagari face", faces.some((f) => f.startsWith("NotoSansDevanagari")), faces.join(", "));
check("the Arabic and Farsi titles are drawn with the served Arabic face", faces.some((f) => f.startsWith("NotoNaskhArabic")), faces.join(", "));
check("each title says its language", await page.locator("#results span[lang='hi']").count() === 1);
await page.screenshot({ path: `${out}/desk.png`, fullPage: true });

// The web page, with the patient's details, in a tab of its own; the details travel in
// the request's body, not its address.
const [web] = await Promise.all([
  context.waitForEvent("page"),
  page.getByRole("button", { name: "Open as web page" }).click(),
]);
await web.locator("h1").waitFor();
check("the web page opens with the patient's name", (await web.locator("main").textContent()).includes("Jane Doe"));
check("the web page's address carries no patient data", !web.url().includes("Jane"), web.url());
check("the web page has the handout's title", (await web.locator("h1").textContent()).includes("Narrowed Nerve Openings"));
await web.screenshot({ path: `${out}/web-page.png`, fullPage: true });
await web.close();

// axe-core: WCAG 2.1 A and AA.
// Evaluated by the browser's debugger, which the page's Content-Security-Policy (no
// inline scripts) does not apply to.
await page.evaluate(axeSource);
const axe = await page.evaluate(async () =>
  // eslint-disable-next-line no-undef
  (await axe.run(document, { runOnly: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] })).violations
    .map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`));
check("axe-core finds no WCAG 2.1 AA violation", axe.length === 0, axe.join("; "));

// With the keyboard alone: from the top of a fresh page.
const keys = await context.newPage();
await keys.goto(base);
await keys.keyboard.press("Tab"); // skip link
await keys.keyboard.press("Tab"); // search box
await keys.keyboard.type("narrowing");
await keys.getByRole("status").filter({ hasText: "found" }).waitFor();
let focused = "";
for (let i = 0; i < 6 && !focused.includes("Narrowed"); i++) {
  await keys.keyboard.press("Tab");
  focused = await keys.evaluate(() => document.activeElement.textContent || "");
}
check("Tab reaches a handout", focused.includes("Narrowed"), focused);
await keys.keyboard.press("Enter");
await keys.locator("#options").waitFor({ state: "visible" });
for (let i = 0; i < 4; i++) {
  await keys.keyboard.press("Tab");
  if ((await keys.evaluate(() => document.activeElement.textContent)) === "Brief") break;
}
await keys.keyboard.press("Space");
const pressed = await keys.getByRole("button", { name: "Brief" }).getAttribute("aria-pressed");
check("Space chooses the brief", pressed === "true", pressed);
await keys.getByLabel("Patient's name").focus();
await keys.keyboard.type("Kim Lee");
await sees("typed with the keyboard, the name is in the preview", keys.locator("#pages svg text", { hasText: "Kim Lee" }).first());

check("no errors in the browser console", errors.length === 0, errors.join("; "));
writeFileSync(`${out}/axe.json`, JSON.stringify(axe, null, 1));
await browser.close();
console.log(`browser: ${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
