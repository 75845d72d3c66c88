// The desk's small amount of script: live preview, the Also Read picker,
// the interface-language switch and a confirmation before a kill. Every
// page works without it; it only saves clicks.
"use strict";

document.addEventListener("DOMContentLoaded", () => {
  // Interface language: submit on change.
  for (const sel of document.querySelectorAll("select[data-autosubmit]")) {
    sel.addEventListener("change", () => sel.form.submit());
  }

  // Kill needs a second thought.
  for (const f of document.querySelectorAll("form[data-confirm]")) {
    f.addEventListener("submit", (e) => {
      if (!window.confirm(f.dataset.confirm)) e.preventDefault();
    });
  }

  const form = document.getElementById("q_story_form");
  if (!form) return;
  const pane = document.getElementById("q_preview");
  const body = document.getElementById("q_body");

  // Live preview: the server renders the unsaved body with the public
  // page's own code, a moment after typing stops.
  let timer = 0, seq = 0;
  const refresh = async () => {
    const mine = ++seq;
    const data = new FormData(form);
    try {
      const res = await fetch(form.dataset.preview, { method: "POST", body: new URLSearchParams(data), credentials: "same-origin" });
      if (!res.ok || mine !== seq) return;
      pane.innerHTML = await res.text(); // sanitised by the server's renderer
    } catch (_) { /* offline: the last preview stays */ }
  };
  form.addEventListener("input", (e) => {
    if (e.target.closest(".also-picker")) return;
    clearTimeout(timer);
    timer = setTimeout(refresh, 400);
  });

  // Also Read picker: search published headlines, insert a token at the cursor.
  const picker = form.querySelector(".also-picker");
  const q = picker && picker.querySelector("input[type=search]");
  const list = picker && picker.querySelector(".also-results");
  let stimer = 0, pseq = 0;
  const show = (items, caption) => {
    list.replaceChildren(...items.map((it) => {
      const li = document.createElement("li");
      const span = document.createElement("span");
      span.textContent = it.headline;
      span.lang = it.lang;
      span.dir = it.dir;
      const btn = document.createElement("button");
      btn.type = "button";
      btn.textContent = q.dataset.insertLabel;
      btn.addEventListener("click", () => {
        const at = body.selectionStart ?? body.value.length;
        const token = "\n\n" + it.token + "\n\n";
        body.value = body.value.slice(0, at) + token + body.value.slice(at);
        body.focus();
        refresh();
      });
      li.append(btn, span);
      return li;
    }));
    if (caption && items.length) {
      const cap = document.createElement("li");
      cap.className = "also-caption";
      cap.textContent = caption;
      list.prepend(cap);
    }
  };
  // Related stories: before the editor types (or after the search is
  // cleared), the picker offers the story's related list, the same one
  // readers see beside it (data-related, a saved story only).
  const suggest = async () => {
    const mine = ++pseq;
    if (!picker.dataset.related) { list.replaceChildren(); return; }
    try {
      const res = await fetch(picker.dataset.related, { credentials: "same-origin" });
      if (!res.ok || mine !== pseq) return;
      const items = await res.json();
      if (mine === pseq) show(items, picker.dataset.relatedLabel);
    } catch (_) { /* offline: no suggestions */ }
  };
  if (q) {
    q.addEventListener("input", () => {
      clearTimeout(stimer);
      stimer = setTimeout(async () => {
        if (q.value.trim() === "") return suggest();
        const mine = ++pseq;
        const lang = form.querySelector("[name=lang]").value;
        const res = await fetch(picker.dataset.search + "?" + new URLSearchParams({ q: q.value, lang }), { credentials: "same-origin" });
        if (!res.ok || mine !== pseq) return;
        const items = await res.json();
        if (mine === pseq) show(items);
      }, 250);
    });
    suggest();
  }
});

// The translation workspace: a memory match or a machine suggestion fills
// its segment with one click; the translator edits from there.
document.addEventListener("DOMContentLoaded", () => {
  const ws = document.querySelector("form.workspace");
  if (!ws) return;
  ws.addEventListener("click", async (e) => {
    const use = e.target.closest("button.use-match");
    if (use) {
      const box = document.getElementById(use.dataset.target);
      box.value = use.dataset.text;
      box.focus();
      return;
    }
    const mt = e.target.closest("button.mt");
    if (mt && ws.dataset.mt) {
      const box = document.getElementById(mt.dataset.target);
      mt.disabled = true;
      try {
        const res = await fetch(ws.dataset.mt + "?" + new URLSearchParams({ index: mt.dataset.index }), { method: "POST", credentials: "same-origin" });
        if (res.ok && box.value.trim() === "") box.value = await res.text();
      } finally {
        mt.disabled = false;
      }
    }
  });
});
