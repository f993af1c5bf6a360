// The asset-impact playground: paste a text, see the views, the cited sentences and every rule's why;
// edit a rule file, save, and see the change. Plain DOM, no build step, nothing fetched from elsewhere.
'use strict';

const $ = (id) => document.getElementById(id);
const el = (tag, cls, text) => {
  const node = document.createElement(tag);
  if (cls) node.className = cls;
  if (text !== undefined && text !== null) node.textContent = String(text);
  return node;
};
const ARROW = { bullish: '▲ bullish', bearish: '▼ bearish', neutral: '◆ neutral' };

async function api(path, options) {
  const response = await fetch(path, options);
  let body = null;
  try { body = await response.json(); } catch (e) { body = { error: response.statusText }; }
  if (!response.ok) throw new Error((body && body.error) || response.statusText);
  return body;
}

function setStatus(rules) {
  const reload = rules.reload && !rules.reload.ok ? ' · last reload refused' : '';
  $('status').textContent = `rule set ${rules.ruleset} · ${rules.rules.length} rules · ${rules.assets.length} assets${reload}`;
}

// -- the text and its result ------------------------------------------------------------------

let pending = null;
async function run() {
  const text = $('text').value;
  if (!text.trim()) { render(null, text); return; }
  const mine = pending = Symbol('run');
  try {
    const trace = await api('/v1/explain', {
      method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ text }),
    });
    if (mine === pending) render(trace, text);
  } catch (err) {
    if (mine === pending) { render(null, text); $('views').replaceChildren(el('p', 'undecided', err.message)); }
  }
}

function render(trace, text) {
  const views = $('views'); const tbody = $('evidence').tBodies[0]; const rules = $('rules');
  const aside = $('not-counted').tBodies[0];
  views.replaceChildren(); tbody.replaceChildren(); aside.replaceChildren(); rules.replaceChildren();
  $('set-aside').hidden = true;
  if (!trace) { $('cited').replaceChildren(document.createTextNode(text)); return; }
  const report = trace.report;
  if (!report.signals.length && !(report.undecided || []).length) views.append(el('p', 'undecided', 'no view on any asset'));
  for (const s of report.signals) {
    const card = el('div', 'view ' + s.direction);
    card.dataset.asset = s.asset; card.dataset.direction = s.direction;
    card.append(el('div', 'asset', s.asset), el('div', 'dir', ARROW[s.direction] || s.direction),
      el('div', 'score', (s.score >= 0 ? '+' : '') + s.score.toFixed(2)));
    views.append(card);
  }
  for (const u of report.undecided || []) {
    const card = el('div', 'view undecided'); card.dataset.asset = u.asset; card.dataset.direction = 'none';
    card.append(el('div', 'asset', u.asset), el('div', 'dir', 'no call'), el('div', 'score', u.reason || ''));
    views.append(card);
  }
  // why a vote was not counted, from the weighing
  const why = new Map();
  for (const w of trace.weighing || []) for (const v of w.votes) why.set(`${w.asset}|${v.rule}|${v.sentence_start}`, v.why_not_counted);
  const rows = [];
  for (const s of [...report.signals, ...(report.undecided || [])]) for (const e of s.evidence || []) rows.push({ asset: s.asset, ev: e });
  rows.sort((a, b) => (b.ev.counted === false ? 0 : 1) - (a.ev.counted === false ? 0 : 1) || a.ev.start - b.ev.start);
  for (const { asset, ev } of rows) {
    const counted = ev.counted !== false;
    const tr = el('tr', counted ? 'counted' : 'not-counted');
    const state = counted ? el('span', 'counted', 'counted')
      : el('span', 'not-counted', 'not counted: ' + (why.get(`${asset}|${ev.rule}|${ev.start}`) || 'set aside'));
    const cell = el('td'); cell.append(state);
    const sentence = el('td', 'sentence', ev.sentence); sentence.title = ev.explanation;
    sentence.addEventListener('click', () => flash(ev.start));
    tr.append(el('td', '', asset), el('td', 'rule', ev.rule), el('td', ev.direction, ARROW[ev.direction] || ev.direction), cell, sentence);
    (counted ? tbody : aside).append(tr);
  }
  const setAside = aside.rows.length;
  $('set-aside').hidden = !setAside;
  $('set-aside').querySelector('summary').textContent = `${setAside} more not counted (show why)`;
  renderCited(text, rows.map((r) => r.ev));
  const listed = [...(trace.rules || [])].sort((a, b) => (b.fired ? 1 : 0) - (a.fired ? 1 : 0));
  for (const r of listed) {
    const li = el('li'); li.append(el('span', r.fired ? 'fired' : 'not-fired', r.fired ? '✓ fired ' : '✗ '), el('span', 'id', r.rule));
    if (r.why) li.append(el('span', 'why', r.why));
    rules.append(li);
  }
  if (!listed.length) rules.append(el('li', 'why', 'no rule has a term in this text'));
}

// Offsets are code points into the text, as the engine counts them: index an array of code points.
function renderCited(text, evidence) {
  const chars = Array.from(text);
  const spans = new Map();
  for (const ev of evidence) {
    const key = `${ev.start}:${ev.end}`;
    const span = spans.get(key) || { start: ev.start, end: ev.end, counted: false, triggers: [], rules: [] };
    span.counted = span.counted || ev.counted !== false;
    if (ev.trigger) span.triggers.push(ev.trigger);
    span.rules.push(`${ev.rule} → ${ev.direction}`);
    spans.set(key, span);
  }
  const ordered = [...spans.values()].sort((a, b) => a.start - b.start);
  const out = $('cited'); out.replaceChildren();
  let at = 0;
  for (const s of ordered) {
    if (s.start < at) continue; // overlapping citations: the first one is shown
    out.append(document.createTextNode(chars.slice(at, s.start).join('')));
    const mark = el('mark', s.counted ? 'counted' : 'not-counted');
    mark.id = `cite-${s.start}`; mark.title = s.rules.join('\n'); mark.dataset.start = s.start;
    const triggers = s.triggers.filter((t) => t.start >= s.start && t.end <= s.end).sort((a, b) => a.start - b.start);
    let inner = s.start;
    for (const t of triggers) {
      if (t.start < inner) continue;
      mark.append(document.createTextNode(chars.slice(inner, t.start).join('')), el('b', 'trigger', chars.slice(t.start, t.end).join('')));
      inner = t.end;
    }
    mark.append(document.createTextNode(chars.slice(inner, s.end).join('')));
    out.append(mark);
    at = s.end;
  }
  out.append(document.createTextNode(chars.slice(at).join('')));
}

function flash(start) {
  const mark = document.getElementById(`cite-${start}`);
  if (!mark) return;
  mark.scrollIntoView({ block: 'center' });
  mark.classList.add('flash'); setTimeout(() => mark.classList.remove('flash'), 1200);
}

// -- the rule editor --------------------------------------------------------------------------

async function openFile(name) {
  if (!name) return;
  const file = await api('/v1/files/' + name.split('/').map(encodeURIComponent).join('/'));
  $('editor').value = file.content;
  $('problems').replaceChildren();
  $('save-status').textContent = ''; $('save-status').className = '';
}

async function save() {
  const name = $('files').value;
  const status = $('save-status');
  try {
    const result = await api('/v1/files/' + name.split('/').map(encodeURIComponent).join('/'), {
      method: 'PUT', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ content: $('editor').value }),
    });
    status.textContent = result.reload.ok ? (result.reload.changed ? `saved · rules reloaded: ${result.reload.ruleset}` : 'saved · rules unchanged')
      : 'saved · not reloaded: the previous rules stay in use';
    status.className = result.reload.ok ? 'ok' : 'bad';
    showProblems(result.problems, name);
    setStatus(await api('/v1/rules'));
    await run();
  } catch (err) { status.textContent = err.message; status.className = 'bad'; }
}

function showProblems(problems, name) {
  const list = $('problems'); list.replaceChildren();
  const mine = problems.filter((p) => p.path === name);
  const others = problems.length - mine.length;
  for (const p of mine) {
    const li = el('li', p.severity, `${p.line}:${p.col}: ${p.code} ${p.message}`);
    li.addEventListener('click', () => goToLine(p.line, p.col));
    list.append(li);
  }
  if (others) list.append(el('li', 'warning', `${others} more in other files`));
}

function goToLine(line, col) {
  const editor = $('editor'); const lines = editor.value.split('\n');
  let offset = 0; for (let i = 0; i < line - 1 && i < lines.length; i++) offset += lines[i].length + 1;
  offset += Math.max(0, (col || 1) - 1);
  editor.focus(); editor.setSelectionRange(offset, offset);
  editor.scrollTop = Math.max(0, (line - 5) * parseFloat(getComputedStyle(editor).lineHeight || '18'));
}

// -- start ------------------------------------------------------------------------------------

async function start() {
  try {
    const [rules, samples, files] = await Promise.all([api('/v1/rules'), api('/v1/samples'), api('/v1/files')]);
    setStatus(rules);
    for (const name of samples.samples) $('samples').append(new Option(name, name));
    for (const name of files.files) $('files').append(new Option(name, name));
    if (files.files.length) await openFile(files.files[0]);
    $('save').disabled = !files.editable;
    if (!files.editable) $('save-status').textContent = 'read-only: start impact serve --rules DIR to edit';
  } catch (err) { $('status').textContent = err.message; }
}

let typing = null;
$('text').addEventListener('input', () => { clearTimeout(typing); typing = setTimeout(run, 400); });
$('run').addEventListener('click', run);
$('samples').addEventListener('change', async (event) => {
  if (!event.target.value) return;
  const sample = await api('/v1/samples/' + encodeURIComponent(event.target.value));
  $('text').value = sample.text; await run();
});
$('files').addEventListener('change', (event) => openFile(event.target.value));
$('save').addEventListener('click', save);
$('editor').addEventListener('keydown', (event) => {
  if ((event.ctrlKey || event.metaKey) && event.key === 's') { event.preventDefault(); save(); }
});
start();
