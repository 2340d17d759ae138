// invoicepipe: keyboard, zoom and field/box highlighting. Plain JS, no build step.
// Everything works without it (forms post normally); this only makes it faster to use.
(function () {
  "use strict";
  const $ = (sel, root) => (root || document).querySelector(sel);
  const $$ = (sel, root) => Array.from((root || document).querySelectorAll(sel));

  function isTyping(event) {
    const t = event.target;
    return t && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName));
  }
  function follow(selector) {
    const link = $(selector);
    if (link) { window.location.href = link.href; }
  }
  function focusInput(selector) {
    const input = $(selector);
    if (input) { input.focus(); input.select(); }
  }

  // -- help overlay --------------------------------------------------------------------
  const help = $("#help");
  function toggleHelp(show) { if (help) { help.hidden = show === undefined ? !help.hidden : !show; } }
  $$("[data-help]").forEach((b) => b.addEventListener("click", () => toggleHelp()));

  // -- confidence meters (widths set here: the CSP allows no inline styles) ---------------
  $$(".meter .bar").forEach((bar) => { bar.style.width = Math.round(parseFloat(bar.dataset.value || "0") * 100) + "%"; });

  // -- queue: j/k selection, Enter opens, rows are links -----------------------------------
  const rows = $$("#queue tbody tr");
  let selected = -1;
  function select(i) {
    if (!rows.length) { return; }
    selected = Math.max(0, Math.min(rows.length - 1, i));
    rows.forEach((r, n) => r.classList.toggle("selected", n === selected));
    rows[selected].scrollIntoView({ block: "nearest" });
  }
  rows.forEach((row) => row.addEventListener("click", (e) => {
    // links and the bulk-selection boxes do their own thing; anywhere else opens the document
    if (e.target.tagName !== "A" && e.target.tagName !== "INPUT" && e.target.tagName !== "LABEL") { window.location.href = row.dataset.href; }
  }));

  // -- document: fields <-> boxes ------------------------------------------------------------
  const fieldInputs = $$("#correct-form input[data-field]");
  function highlight(name, scroll) {
    $$("svg.boxes rect").forEach((r) => r.classList.toggle("active", r.dataset.field === name));
    const rect = $('.pages svg.boxes rect[data-field="' + name + '"]');
    if (rect && scroll) { rect.scrollIntoView({ block: "center", inline: "center", behavior: "smooth" }); }
  }
  fieldInputs.forEach((input) => {
    input.addEventListener("focus", () => highlight(input.dataset.field, true));
    input.addEventListener("input", () => {
      input.classList.toggle("changed", input.value !== input.defaultValue);
      const dirty = fieldInputs.some((i) => i.value !== i.defaultValue);
      const note = $("#dirty-note");
      if (note) { note.hidden = !dirty; }
    });
  });
  $$(".pages svg.boxes rect").forEach((rect) => rect.addEventListener("click", () => {
    const input = $('#correct-form input[data-field="' + rect.dataset.field + '"]');
    if (input) { input.focus(); }
  }));
  function dirtyFields() { return fieldInputs.filter((i) => i.value !== i.defaultValue); }

  // Approving ignores unsaved corrections; say so once instead of losing them silently.
  const approveForm = $("#approve-form");
  let approveWarned = false;
  if (approveForm) {
    approveForm.addEventListener("submit", (e) => {
      if (dirtyFields().length && !approveWarned) {
        e.preventDefault();
        approveWarned = true;
        const note = $("#dirty-note");
        if (note) { note.hidden = false; note.textContent = "unsaved changes: press s to save and check again, or approve again to discard them"; }
      }
    });
  }

  let uncertainIndex = -1;
  function nextUncertain() {
    const list = fieldInputs.filter((i) => i.hasAttribute("data-uncertain"));
    const pool = list.length ? list : fieldInputs;
    if (!pool.length) { return; }
    uncertainIndex = (uncertainIndex + 1) % pool.length;
    pool[uncertainIndex].focus();
    pool[uncertainIndex].select();
  }

  // -- zoom ------------------------------------------------------------------------------
  const pages = $("#pages");
  let zoom = 1;
  function setZoom(z) {
    if (!pages) { return; }
    zoom = Math.max(0.5, Math.min(4, z));
    $$("figure.page:not(.thumb)", pages).forEach((f) => { f.style.width = Math.round(zoom * 100) + "%"; });
    const label = $("#zoom-level");
    if (label) { label.textContent = Math.round(zoom * 100) + "%"; }
    if (zoom > 1.5) {  // sharper rendering once the page is enlarged
      $$("figure.page:not(.thumb) img", pages).forEach((img) => { img.src = img.src.replace("scale=2", "scale=3"); });
    }
  }
  $$("[data-zoom]").forEach((b) => b.addEventListener("click", () => {
    const step = parseInt(b.dataset.zoom, 10);
    setZoom(step === 0 ? 1 : zoom * (step > 0 ? 1.25 : 0.8));
  }));

  function submit(selector) {
    const form = $(selector);
    if (!form) { return; }
    // a shortcut must not do what the disabled button refuses; its reason is already on the page
    const button = form.querySelector("button[type=submit]");
    if (button && button.disabled) { return; }
    form.requestSubmit();
  }

  // -- keys ----------------------------------------------------------------------------------
  document.addEventListener("keydown", (e) => {
    if (e.key === "Escape") { toggleHelp(false); if (document.activeElement) { document.activeElement.blur(); } return; }
    if (isTyping(e)) {
      if (e.key === "Enter" && (e.ctrlKey || e.metaKey) && e.target.form) { e.preventDefault(); e.target.form.requestSubmit(); }
      return;
    }
    if (e.ctrlKey || e.metaKey || e.altKey) { return; }
    const onQueue = rows.length > 0;
    const actions = {
      "?": () => toggleHelp(),
      "/": () => focusInput("#filter-vendor"),
      "q": () => { if (!onQueue) { follow("#back-to-queue"); } },
      "j": () => (onQueue ? select(selected + 1) : follow("#next-doc")),
      "k": () => (onQueue ? select(selected - 1) : follow("#prev-doc")),
      "Enter": () => { if (onQueue && selected >= 0) { window.location.href = rows[selected].dataset.href; } },
      "u": nextUncertain,
      "s": () => submit("#correct-form"),
      "a": () => submit("#approve-form"),
      "r": () => focusInput("#reject-reason"),
      "d": () => focusInput("#duplicate-of"),
      "h": () => focusInput("#hold-note"),
      "x": () => { if (onQueue && selected >= 0) { const box = rows[selected].querySelector("input[name=doc]"); if (box) { box.checked = !box.checked; } } },
      "+": () => setZoom(zoom * 1.25),
      "=": () => setZoom(zoom * 1.25),
      "-": () => setZoom(zoom * 0.8),
      "0": () => setZoom(1),
    };
    const action = actions[e.key];
    if (action) { e.preventDefault(); action(); }
  });
})();

// -- line items: split a line into two rows (the copy has no quantity or amount yet) -----------
(function () {
  const form = document.getElementById("lines-form");
  if (!form) { return; }
  let next = form.querySelectorAll("tbody tr").length + 10;
  form.addEventListener("click", (e) => {
    const button = e.target.closest("[data-split]");
    if (!button) { return; }
    const row = button.closest("tr");
    const copy = row.cloneNode(true);
    const n = next++;
    copy.removeAttribute("data-line");
    copy.querySelectorAll("input").forEach((input) => {
      if (input.name.endsWith("_index")) { input.remove(); return; }
      input.name = input.name.replace(/^line_\d+_/, `line_${n}_`);
      if (input.name.endsWith("_quantity") || input.name.endsWith("_amount")) { input.value = ""; }
      if (input.type === "checkbox") { input.checked = false; }
      input.removeAttribute("data-field");
    });
    row.after(copy);
    const qty = copy.querySelector("input[name$=_quantity]");
    if (qty) { qty.focus(); }
  });
})();
