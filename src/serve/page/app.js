// tarjama serve: the review page. Plain script, no libraries, no network but this server.
// Every text from the bitext goes into the page through textContent (never HTML strings), and
// runs of right-to-left text inside left-to-right text are isolated in <bdi>.
'use strict';
(() => {
  const csrf = document.querySelector('meta[name="csrf-token"]').content;
  const query = new URLSearchParams(location.search);
  const token = query.get('token');
  const state = {
    file: Number(query.get('file') || 0),
    offset: 0,
    limit: 50,
    total: 0,
    beads: [],
    current: 0,
    editing: null, // {id, kind: 'edit' | 'note'}
    undo: [], // bead ids decided in this tab, latest last
    summary: null,
  };
  const $ = (id) => document.getElementById(id);

  // --- DOM helpers -------------------------------------------------------------------------
  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === null || v === undefined || v === false) continue;
      if (k === 'class') node.className = v;
      else if (k === 'text') node.textContent = v;
      else if (k.startsWith('on')) node.addEventListener(k.slice(2), v);
      else node.setAttribute(k, v);
    }
    for (const child of children) {
      if (child === null || child === undefined) continue;
      node.append(typeof child === 'string' ? document.createTextNode(child) : child);
    }
    return node;
  }

  // Strong right-to-left letters (Hebrew, Arabic, Syriac, Thaana, NKo, presentation forms).
  const RTL = '\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufefc';
  const RTL_RUN = new RegExp(`[${RTL}](?:[\\s\\d.,:;'"!?()\\-\u060c\u061b\u061f\u0660-\u0669]*[${RTL}])*`, 'g');

  // A left-to-right text (English message, evidence, translation) with each right-to-left run
  // in its own <bdi>, so that «حزنت» inside a sentence does not reorder the words around it.
  function isolated(text) {
    const fragment = document.createDocumentFragment();
    let last = 0;
    for (const match of text.matchAll(RTL_RUN)) {
      if (match.index > last) fragment.append(document.createTextNode(text.slice(last, match.index)));
      fragment.append(el('bdi', { text: match[0] }));
      last = match.index + match[0].length;
    }
    if (last < text.length) fragment.append(document.createTextNode(text.slice(last)));
    return fragment;
  }

  // --- API ---------------------------------------------------------------------------------
  function withParams(path, extra) {
    const p = new URLSearchParams(extra || {});
    p.set('file', String(state.file));
    if (token) p.set('token', token);
    return `${path}?${p}`;
  }

  async function api(path, params, body) {
    const headers = { Accept: 'application/json' };
    if (token) headers['X-Tarjama-Token'] = token;
    const init = { headers, credentials: 'same-origin' };
    if (body !== undefined) {
      init.method = 'POST';
      headers['Content-Type'] = 'application/json';
      headers['X-CSRF-Token'] = csrf;
      init.body = JSON.stringify(body);
    }
    const response = await fetch(withParams(path, params), init);
    const data = await response.json().catch(() => ({ error: `HTTP ${response.status}` }));
    if (!response.ok) throw new Error(data.error || `HTTP ${response.status}`);
    return data;
  }

  function status(text, isError) {
    const node = $('status');
    node.textContent = text;
    node.className = isError ? 'status error' : 'status';
  }

  // --- summary -----------------------------------------------------------------------------
  function counts(map) {
    const entries = Object.entries(map || {});
    return entries.length ? entries.map(([k, n]) => `${n} ${k}`).join(', ') : 'none';
  }

  function renderSummary(s) {
    $('file').textContent = s.source_file || s.file;
    const dl = $('summary');
    const item = (k, v) => [el('dt', { text: k }), el('dd', {}, typeof v === 'string' ? isolated(v) : v)];
    dl.replaceChildren(
      ...item('Languages', `${s.source_lang} → ${s.target_lang}`),
      ...item('Text', `${s.paragraphs} paragraphs, ${s.sentences.source} source and ${s.sentences.target} target sentences, ${s.beads} beads`),
      ...item('Flags', counts(s.severities)),
      ...item('Checks', counts(s.checks)),
      ...item('Review', `${s.flagged} flagged beads, ${s.pending} still to review; decisions: ${counts(s.decisions)}`),
    );
    const check = $('check');
    const chosen = check.value;
    check.replaceChildren(el('option', { value: '', text: 'all' }),
      ...Object.keys(s.checks).map((c) => el('option', { value: c, text: c })));
    check.value = Object.prototype.hasOwnProperty.call(s.checks, chosen) ? chosen : '';
    const box = $('stale-box');
    box.hidden = s.stale.length === 0;
    $('stale-title').textContent = `${s.stale.length} stale decisions (their bead's text changed in a re-run; kept, applied to nothing)`;
    $('stale').replaceChildren(...s.stale.map((d) => el('li', { class: 'stale-item' },
      `bead ${d.bead} (then): ${d.action}`, d.text ? ' → ' : '', d.text ? isolated(d.text) : null,
      d.note ? ' — ' : '', d.note ? isolated(d.note) : null, d.time ? ` (${d.time})` : '')));
    for (const f of ['tmx', 'xliff', 'tsv', 'html']) $(`x-${f}`).href = withParams(`/export/${f}`);
  }

  // --- beads -------------------------------------------------------------------------------
  function severity(bead) {
    const order = ['info', 'warning', 'error'];
    return bead.flags.reduce((worst, f) => (order.indexOf(f.severity) > order.indexOf(worst) ? f.severity : worst), '');
  }

  function sourceNode(text, cls) {
    const s = state.summary;
    return el('div', { class: cls, dir: s.source_dir, lang: s.source_lang }, text || '(none)');
  }

  function targetNode(text, cls) {
    const s = state.summary;
    return el('div', { class: cls, dir: s.target_dir, lang: s.target_lang }, s.target_dir === 'ltr' ? isolated(text || '(none)') : (text || '(none)'));
  }

  function renderBead(bead, index) {
    const card = el('article', {
      id: `bead-${bead.id}`,
      class: `bead${severity(bead) ? ` sev-${severity(bead)}` : ''}${index === state.current ? ' current' : ''}`,
      'data-id': String(bead.id),
      tabindex: '-1',
      onclick: () => select(index, false),
    });
    card.append(el('div', { class: 'meta' },
      el('span', { text: `bead ${bead.id}` }), el('span', { text: bead.kind }),
      el('span', { text: `¶ ${bead.para + 1}` }), el('span', { text: `risk ${bead.risk.toFixed(2)}` }),
      el('span', { text: `alignment ${Number(bead.score).toFixed(2)}` })));
    if (bead.before) {
      card.append(el('div', { class: 'context', 'aria-label': 'before' },
        sourceNode(bead.before.source, 'ctx-source'), targetNode(bead.before.target, 'ctx-target')));
    }
    const target = targetNode(bead.target, 'side target');
    target.prepend(el('span', { class: 'label', text: `target (${state.summary.target_lang})` }));
    if (bead.decision && bead.decision.action === 'edit') {
      target.append(el('div', { class: 'original' }, isolated(bead.original_target || '')));
    }
    const source = sourceNode(bead.source, 'side source');
    source.prepend(el('span', { class: 'label', text: `source (${state.summary.source_lang})` }));
    card.append(el('div', { class: 'pair' }, source, target));
    if (bead.flags.length) {
      card.append(el('ul', { class: 'flags' }, ...bead.flags.map((f) => el('li', {},
        el('span', { class: `sev sev-${f.severity}`, text: f.severity }),
        el('span', { class: 'code', text: f.code }),
        el('span', { class: 'message' }, isolated(f.message)),
        f.evidence ? el('span', { class: 'evidence' }, 'evidence: ', el('bdi', {}, isolated(f.evidence))) : null))));
    }
    if (bead.notes.length) {
      card.append(el('div', { class: 'notes' }, ...bead.notes.map((n) => el('div', {},
        'note: ', isolated(n.note), n.reviewer ? ` — ${n.reviewer}` : ''))));
    }
    const d = bead.decision;
    card.append(el('div', { class: 'decision' }, d
      ? el('span', { class: 'saved' }, `✓ saved: ${d.action}`, d.note ? ' — ' : '', d.note ? isolated(d.note) : null,
        d.reviewer ? ` (${d.reviewer})` : '', d.time ? ` ${d.time}` : '')
      : el('span', { class: 'pending', text: 'not decided yet' })));
    if (state.editing && state.editing.id === bead.id) {
      const editing = state.editing;
      const area = el('textarea', {
        'aria-label': editing.kind === 'edit' ? 'new translation' : 'note',
        dir: editing.kind === 'edit' ? state.summary.target_dir : 'auto',
      });
      area.value = editing.kind === 'edit' ? bead.target : '';
      card.append(el('div', { class: 'editor' },
        el('label', { text: editing.kind === 'edit' ? 'New translation (Enter saves, Shift+Enter new line, Esc cancels):' : 'Note (Enter saves, Esc cancels):' }),
        area));
      setTimeout(() => area.focus(), 0);
    }
    const button = (label, action) => el('button', {
      type: 'button', 'data-action': action, text: label,
      onclick: (e) => { e.stopPropagation(); select(index, false); act(action); },
    });
    card.append(el('div', { class: 'actions' }, button('Accept (a)', 'accept'), button('Edit (e)', 'edit'),
      button('Garbled (g)', 'garbled'), button('Reject (r)', 'reject'), button('Note (n)', 'note'), button('Undo (u)', 'undo')));
    if (bead.after) {
      card.append(el('div', { class: 'context', 'aria-label': 'after' },
        sourceNode(bead.after.source, 'ctx-source'), targetNode(bead.after.target, 'ctx-target')));
    }
    return card;
  }

  function render() {
    const main = $('beads');
    const nodes = [];
    const doc = $('order').value === 'doc';
    let para = null;
    state.beads.forEach((bead, index) => {
      if (doc && bead.para !== para) {
        nodes.push(el('div', { class: 'para-break', text: `¶ paragraph ${bead.para + 1}` }));
        para = bead.para;
      }
      nodes.push(renderBead(bead, index));
    });
    if (!nodes.length) nodes.push(el('p', { text: 'Nothing here: no bead matches the filters.' }));
    main.replaceChildren(...nodes);
    const end = Math.min(state.offset + state.beads.length, state.total);
    $('range').textContent = state.total ? `${state.offset + 1}–${end} of ${state.total}` : '0 of 0';
    $('prev').disabled = state.offset === 0;
    $('next').disabled = end >= state.total;
  }

  function replaceBead(bead) {
    const index = state.beads.findIndex((b) => b.id === bead.id);
    if (index < 0) return;
    state.beads[index] = bead;
    const old = $(`bead-${bead.id}`);
    if (old) old.replaceWith(renderBead(bead, index));
  }

  function select(index, scroll) {
    if (!state.beads.length) return;
    const previous = state.beads[state.current];
    state.current = Math.max(0, Math.min(index, state.beads.length - 1));
    if (previous) { const node = $(`bead-${previous.id}`); if (node) node.classList.remove('current'); }
    const node = $(`bead-${state.beads[state.current].id}`);
    if (node) {
      node.classList.add('current');
      if (scroll) node.scrollIntoView({ block: 'nearest' });
    }
  }

  async function load(keepCurrent) {
    const params = { order: $('order').value, offset: String(state.offset), limit: String(state.limit) };
    for (const f of ['check', 'severity', 'decision']) if ($(f).value) params[f] = $(f).value;
    try {
      const [summary, page] = await Promise.all([api('/api/summary'), api('/api/beads', params)]);
      state.summary = summary;
      renderSummary(summary);
      state.beads = page.beads;
      state.total = page.total;
      if (!keepCurrent) state.current = 0;
      state.current = Math.min(state.current, Math.max(0, state.beads.length - 1));
      render();
      if (!document.body.dataset.ready) document.body.dataset.readyMs = String(Math.round(performance.now()));
      document.body.dataset.ready = 'true';
    } catch (err) {
      status(`Could not load: ${err.message}`, true);
    }
  }

  // --- decisions ---------------------------------------------------------------------------
  async function save(bead, body) {
    status(`Saving bead ${bead.id}…`);
    try {
      const answer = await api('/api/decisions', null, { bead: bead.id, basis: bead.basis, ...body });
      if (body.action !== 'undo' && body.action !== 'note') state.undo.push(bead.id);
      replaceBead(answer.bead);
      status(`Saved bead ${bead.id}: ${body.action}.`);
      refreshSummary();
      return true;
    } catch (err) {
      status(`Not saved (bead ${bead.id}): ${err.message}`, true);
      return false;
    }
  }

  async function refreshSummary() {
    try { state.summary = await api('/api/summary'); renderSummary(state.summary); } catch (err) { /* the next load shows it */ }
  }

  async function act(action) {
    const bead = state.beads[state.current];
    if (!bead) return;
    if (action === 'edit' || action === 'note') {
      state.editing = { id: bead.id, kind: action };
      replaceBead(bead);
      return;
    }
    if (action === 'undo') {
      const id = state.undo.pop();
      if (id === undefined) { status('Nothing to undo in this tab.'); return; }
      const target = state.beads.find((b) => b.id === id) || { id, basis: undefined };
      await save(target, { action: 'undo' });
      const index = state.beads.findIndex((b) => b.id === id);
      if (index >= 0) select(index, true);
      return;
    }
    if (await save(bead, { action })) select(state.current + 1, true);
  }

  async function commitEditor() {
    const editing = state.editing;
    const bead = state.beads.find((b) => b.id === editing.id);
    const area = document.querySelector(`#bead-${editing.id} textarea`);
    const text = area ? area.value : '';
    if (!text.trim()) { status(editing.kind === 'edit' ? 'An edit needs the new translation.' : 'The note is empty.', true); return; }
    const body = editing.kind === 'edit' ? { action: 'edit', text } : { action: 'note', note: text };
    state.editing = null;
    if (!(await save(bead, body))) { state.editing = editing; replaceBead(bead); }
  }

  function cancelEditor() {
    const editing = state.editing;
    state.editing = null;
    const bead = state.beads.find((b) => b.id === editing.id);
    if (bead) replaceBead(bead);
    status('Cancelled.');
  }

  document.addEventListener('keydown', (e) => {
    if (e.ctrlKey || e.metaKey || e.altKey) return;
    const tag = e.target.tagName;
    if (tag === 'TEXTAREA') {
      if (e.key === 'Enter' && !e.shiftKey) { e.preventDefault(); commitEditor(); }
      else if (e.key === 'Escape') { e.preventDefault(); cancelEditor(); }
      return;
    }
    if (tag === 'INPUT' || tag === 'SELECT') return;
    const keys = { a: 'accept', e: 'edit', g: 'garbled', r: 'reject', n: 'note', u: 'undo' };
    if (e.key === 'j') { e.preventDefault(); select(state.current + 1, true); }
    else if (e.key === 'k') { e.preventDefault(); select(state.current - 1, true); }
    else if (keys[e.key]) { e.preventDefault(); act(keys[e.key]); }
  });

  for (const id of ['order', 'check', 'severity', 'decision']) {
    $(id).addEventListener('change', () => { state.offset = 0; load(false); });
  }
  $('filters').addEventListener('submit', (e) => e.preventDefault());
  $('prev').addEventListener('click', () => { state.offset = Math.max(0, state.offset - state.limit); load(false); });
  $('next').addEventListener('click', () => { state.offset += state.limit; load(false); });
  $('file-select').addEventListener('change', (e) => {
    const p = new URLSearchParams(location.search);
    p.set('file', e.target.value);
    location.search = p.toString();
  });

  api('/api/session').then((session) => {
    if (session.files.length > 1) {
      $('file-label').hidden = false;
      $('file-select').replaceChildren(...session.files.map((f, i) => el('option', { value: String(i), text: f })));
      $('file-select').value = String(state.file);
    }
  }).catch(() => {});
  load(false);
})();
