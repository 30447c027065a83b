// The handout desk: find a handout, choose its sections and options, see the pages the
// PDF will have, print. Everything goes to this server only; nothing is stored.

const $ = (id) => document.getElementById(id);
let handouts = [];
let chosen = null;
let preset = "full";
let previewTimer = 0;
let previewRun = 0;

async function getJson(url) {
  const response = await fetch(url, { headers: { Accept: "application/json" } });
  if (!response.ok) throw new Error(await problemText(response));
  return response.json();
}

async function problemText(response) {
  try {
    const problem = await response.json();
    const choices = problem.choices ? `\nValid choices: ${problem.choices.join(", ")}` : "";
    return `${problem.detail || problem.title}${choices}`;
  } catch {
    return `${response.status} ${response.statusText}`;
  }
}

function looksLikeCode(text) {
  return /^[A-Za-z][0-9][0-9A-Za-z]?(\.[0-9A-Za-z]{0,4})?$/.test(text.trim());
}

async function search() {
  const query = $("query").value.trim();
  const language = $("language").value;
  let found = handouts;
  if (query && looksLikeCode(query)) {
    const params = new URLSearchParams({ code: query });
    found = await getJson(`/api/v1/handouts?${params}`);
  } else if (query) {
    const words = query.toLowerCase().split(/\s+/);
    found = handouts.filter((h) => words.every((w) => h.title.toLowerCase().includes(w) || h.id.includes(w)));
  }
  if (language) found = found.filter((h) => h.language.split("-")[0] === language);
  const list = $("results");
  list.replaceChildren();
  for (const h of found) {
    const item = document.createElement("li");
    const button = document.createElement("button");
    button.type = "button";
    button.dataset.id = h.id;
    // In its own language, for a screen reader's voice and the font's regional forms.
    const title = document.createElement("span");
    title.lang = h.language;
    title.textContent = h.title;
    button.append(title);
    const details = document.createElement("small");
    details.textContent = `${h.language} · ${h.codes.join(", ") || "no codes"}`;
    // A clinic overlay says what it extends, and when that changed since its review.
    if (h.overlay) details.textContent += ` · clinic version of ${h.overlay.base}`;
    button.append(details);
    if (h.overlay && h.overlay.warning) {
      const moved = document.createElement("small");
      moved.className = "warning";
      moved.textContent = "Needs review: its base was updated after the clinic last reviewed it.";
      button.append(moved);
    }
    if (chosen && chosen.id === h.id && chosen.language === h.language) {
      button.setAttribute("aria-current", "true");
    }
    button.addEventListener("click", () => choose(h));
    item.append(button);
    list.append(item);
  }
  $("result-count").textContent = `${found.length} handout${found.length === 1 ? "" : "s"} found`;
}

function choose(handout) {
  chosen = handout;
  preset = "full";
  $("options").hidden = false;
  $("chosen-title").textContent = handout.title;
  $("chosen-title").lang = handout.language;
  for (const b of $("results").querySelectorAll("button")) {
    b.toggleAttribute("aria-current", b.dataset.id === handout.id);
    if (b.dataset.id === handout.id) b.setAttribute("aria-current", "true");
  }
  const presets = $("presets");
  presets.replaceChildren();
  for (const name of handout.presets) {
    const button = document.createElement("button");
    button.type = "button";
    button.textContent = name[0].toUpperCase() + name.slice(1);
    button.setAttribute("aria-pressed", String(name === preset));
    button.dataset.preset = name;
    button.addEventListener("click", () => pickPreset(name));
    presets.append(button);
  }
  const sections = $("sections");
  sections.replaceChildren();
  for (const s of handout.sections) {
    const row = document.createElement("div");
    row.className = "check";
    const box = document.createElement("input");
    box.type = "checkbox";
    box.id = `section-${s.id}`;
    box.value = s.id;
    box.checked = true;
    box.addEventListener("change", () => { preset = null; markPresets(); schedulePreview(); });
    const label = document.createElement("label");
    label.htmlFor = box.id;
    label.textContent = s.title;
    row.append(box, label);
    sections.append(row);
  }
  $("options").focus();
  schedulePreview();
}

function markPresets() {
  for (const b of $("presets").querySelectorAll("button")) {
    b.setAttribute("aria-pressed", String(b.dataset.preset === preset));
  }
}

async function pickPreset(name) {
  preset = name;
  markPresets();
  // The preset's sections, ticked, so the checkboxes show what will print.
  const wanted = name === "full" ? null : (chosen.preset_sections || {})[name];
  for (const box of $("sections").querySelectorAll("input")) {
    box.checked = wanted ? wanted.includes(box.value) : name === "full";
  }
  schedulePreview();
}

function options() {
  // A translation may share its source's id: the language tells them apart.
  const body = { handout: chosen.id, language: chosen.language };
  if (preset) {
    body.preset = preset;
  } else {
    body.sections = [...$("sections").querySelectorAll("input:checked")].map((b) => b.value);
  }
  for (const key of ["profile", "paper", "patient", "date", "clinician", "follow_up"]) {
    const value = $(key).value.trim();
    if (value) body[key] = value;
  }
  const fitPages = $("fit_pages").value;
  if (fitPages) body.pages = Number(fitPages);
  body.notes = $("notes").value.split("\n").map((n) => n.trim()).filter(Boolean);
  body.large_print = $("large_print").checked;
  body.notes_area = $("notes_area").checked;
  return body;
}

function post(url, body) {
  return fetch(url, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(body),
  });
}

function showProblem(text) {
  const box = $("problem");
  box.textContent = text || "";
  box.hidden = !text;
}

function schedulePreview() {
  clearTimeout(previewTimer);
  previewTimer = setTimeout(preview, 60);
}

async function preview() {
  if (!chosen) return;
  const run = ++previewRun;
  const response = await post("/api/v1/preview", options());
  if (run !== previewRun) return;
  if (!response.ok) {
    showProblem(await problemText(response));
    return;
  }
  const result = await response.json();
  // With --watch, an edit that does not check: its mistakes, while the last good
  // version is shown.
  showProblem(result.mistakes && result.mistakes.length
    ? `The edited files have mistakes; showing the last good version.\n${result.mistakes.join("\n")}`
    : "");
  const pages = $("pages");
  // The server escapes every text it puts into the SVG.
  pages.innerHTML = result.svg.join("");
  $("page-count").textContent = pageCount(result);
}

// "1 page, fitted to 1 at 11.5 pt": the count, and how it met a page target.
function pageCount(result) {
  const plural = (n) => `${n} page${n === 1 ? "" : "s"}`;
  const fit = result.fit || {};
  let text = plural(result.pages);
  if (fit.target) {
    text += fit.pages <= fit.target
      ? `, fits ${plural(fit.target)} (body text ${fit.body_pt} pt)`
      : `: does not fit ${plural(fit.target)} even with body text at ${fit.body_pt} pt; leave out a section`;
  }
  // A translated section whose English changed since: said beside the count, as
  // `handout build` warns.
  for (const stale of result.stale || []) text += `. ${stale}`;
  return text;
}

// A file the server builds from the options: its bytes, and the name it gives them
// (never the patient's).
async function fetchFile(url, body, fallbackName) {
  const response = await post(url, body);
  if (!response.ok) {
    showProblem(await problemText(response));
    return null;
  }
  showProblem("");
  const name = /filename="([^"]+)"/.exec(response.headers.get("Content-Disposition") || "");
  return { blob: await response.blob(), name: name ? name[1] : fallbackName };
}

function pdf() {
  return fetchFile("/api/v1/pdf", options(), "handout.pdf");
}

async function print() {
  const file = await pdf();
  if (!file) return;
  const url = URL.createObjectURL(file.blob);
  window.open(url, "_blank", "noopener");
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

function save(file) {
  const url = URL.createObjectURL(file.blob);
  const link = document.createElement("a");
  link.href = url;
  link.download = file.name;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

async function download() {
  const file = await pdf();
  if (file) save(file);
}

// The same PDF in a FHIR DocumentReference, for an EHR that files documents by upload.
// The reference goes only here: the preview and the PDF refuse a field they do not take.
async function downloadForChart() {
  const body = options();
  const subject = $("subject").value.trim();
  if (subject) body.subject = subject;
  const file = await fetchFile("/api/v1/document-reference", body, "handout.fhir.json");
  if (file) save(file);
}

// The web page opens from a form rather than from a script's fetch: the answer is then a
// page of its own, under its own security policy (a page a script opened would be under
// the desk's, which refuses the page's inline stylesheet). The patient's details travel
// in the body, never in the address.
function openWebPage() {
  if (!chosen) return;
  const form = document.createElement("form");
  form.method = "post";
  form.action = "/api/v1/html";
  form.target = "_blank";
  form.rel = "noopener";
  form.hidden = true;
  const field = document.createElement("input");
  field.type = "hidden";
  field.name = "request";
  field.value = JSON.stringify(options());
  form.append(field);
  document.body.append(form);
  form.submit();
  form.remove();
}

async function start() {
  try {
    handouts = await getJson("/api/v1/handouts");
    const profiles = await getJson("/api/v1/profiles");
    for (const p of profiles) {
      const option = document.createElement("option");
      option.value = p.id;
      option.textContent = p.clinic ? `${p.clinic} (${p.id})` : p.id;
      $("profile").append(option);
    }
    const languages = [...new Set(handouts.map((h) => h.language.split("-")[0]))].sort();
    const names = new Intl.DisplayNames(["en"], { type: "language" });
    for (const l of languages) {
      const option = document.createElement("option");
      option.value = l;
      option.textContent = names.of(l) || l;
      $("language").append(option);
    }
  } catch (error) {
    showProblem(String(error.message || error));
  }
  $("search").addEventListener("submit", (e) => { e.preventDefault(); search(); });
  $("query").addEventListener("input", search);
  $("language").addEventListener("change", search);
  $("build").addEventListener("input", schedulePreview);
  $("build").addEventListener("change", schedulePreview);
  $("print").addEventListener("click", print);
  $("download").addEventListener("click", download);
  $("chart").addEventListener("click", downloadForChart);
  $("web").addEventListener("click", openWebPage);
  // A link names the handout and, since a translation may share its source's id, the
  // language (`?handout=ID&language=es`): the version in that language, else the first.
  const asked = new URLSearchParams(location.search);
  const chosenId = asked.get("handout");
  const chosenLanguage = (asked.get("language") || "").toLowerCase();
  await search();
  const withId = handouts.filter((h) => h.id === chosenId);
  const wanted = withId.find((h) => h.language.toLowerCase() === chosenLanguage)
    || withId.find((h) => h.language.toLowerCase().split("-")[0] === chosenLanguage.split("-")[0])
    || withId[0];
  if (wanted) choose(wanted);
}

start();
