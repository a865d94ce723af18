// app.js - the page of `insearch serve`: search, report, common weaknesses
// and provider views over the JSON API of doc/API.md.
//
// Every string that comes from a report reaches the DOM through
// textContent or createTextNode: the reports are untrusted text, and the
// server's CSP forbids inline script anyway. The whole state of the page is
// in its URL, so any view can be bookmarked, shared and reached with Back.
'use strict';

(() => {
  const SVGNS = 'http://www.w3.org/2000/svg';
  const PAGE_SIZE = 10;
  const MAX_PAGE = 1000; // the API caps offset + limit; keeps URLs sane
  const FILTERS = ['theme', 'polarity', 'grade', 'type', 'kind', 'from', 'to'];
  const PARAMS = ['view', 'q', ...FILTERS, 'by_report', 'sort', 'page', 'id', 'p', 'provider'];
  const VIEWS = ['search', 'weaknesses', 'strengths', 'report', 'provider', 'plan'];

  // Grades the query language knows; facets add any other the index holds.
  const GRADES = ['outstanding', 'good', 'satisfactory', 'requires-improvement', 'inadequate',
    'unsatisfactory', 'insufficient-progress', 'reasonable-progress', 'significant-progress',
    'exceptional', 'strong-standard', 'expected-standard', 'needs-attention', 'urgent-improvement'];
  const KINDS = ['full', 'short', 'monitoring', 'new-provider-monitoring', 'other'];
  // Position on a common scale for the grade chart: 1 is best. Report-card
  // and monitoring judgements are mapped to the nearest older grade.
  const GRADE_LEVEL = {
    outstanding: 1, exceptional: 1, 'significant-progress': 1.5, good: 2, 'strong-standard': 2,
    'expected-standard': 2.5, 'reasonable-progress': 2.5, satisfactory: 3, 'requires-improvement': 3,
    'needs-attention': 3, 'insufficient-progress': 3.5, inadequate: 4, unsatisfactory: 4,
    'urgent-improvement': 4,
  };

  const $ = (id) => document.getElementById(id);
  const ui = {
    form: $('search-form'), q: $('q'), list: $('suggestions'), filters: $('filters'),
    status: $('status'), error: $('error'), view: $('view'), main: $('main'),
    sel: {
      grade: $('f-grade'), type: $('f-type'), kind: $('f-kind'), theme: $('f-theme'),
      polarity: $('f-polarity'), sort: $('f-sort'),
    },
    from: $('f-from'), to: $('f-to'), byReport: $('f-by-report'),
  };

  const themeNames = new Map(); // theme id -> display name
  const seenTypes = new Set();
  let renderSeq = 0; // a newer render makes older answers stale
  let inflight = null;

  // ---- small DOM helpers --------------------------------------------------

  // el('p', {class: 'x'}, 'text', child): attributes are set one by one and
  // string children become text nodes, so data can never become markup.
  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    setAttrs(node, attrs);
    append(node, children);
    return node;
  }
  function svg(tag, attrs, ...children) {
    const node = document.createElementNS(SVGNS, tag);
    setAttrs(node, attrs);
    append(node, children);
    return node;
  }
  function setAttrs(node, attrs) {
    if (!attrs) return;
    for (const [k, v] of Object.entries(attrs)) {
      if (v === null || v === undefined || v === false) continue;
      if (k === 'onclick') node.addEventListener('click', v);
      else node.setAttribute(k, v === true ? '' : String(v));
    }
  }
  function append(node, children) {
    for (const c of children.flat()) {
      if (c === null || c === undefined || c === false) continue;
      node.appendChild(typeof c === 'string' || typeof c === 'number'
        ? document.createTextNode(String(c)) : c);
    }
  }
  function clear(node) { while (node.firstChild) node.removeChild(node.firstChild); }

  const pretty = (s) => (s ? String(s).replace(/-/g, ' ') : '');
  const capital = (s) => (s ? s.charAt(0).toUpperCase() + s.slice(1) : '');
  const themeName = (id) => themeNames.get(id) || capital(pretty(id));
  const num = (n) => Number(n).toLocaleString('en-GB');
  const plural = (n, one, many) => `${num(n)} ${n === 1 ? one : many}`;
  function formatDate(iso) {
    if (!iso) return '';
    const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso);
    if (!m) return iso;
    const d = new Date(Date.UTC(+m[1], +m[2] - 1, +m[3]));
    return d.toLocaleDateString('en-GB', { day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' });
  }

  // ---- state <-> URL ------------------------------------------------------

  function readState() {
    const sp = new URLSearchParams(location.search);
    const s = {};
    for (const k of PARAMS) {
      const v = sp.get(k);
      if (v !== null && v !== '') s[k] = v;
    }
    if (!VIEWS.includes(s.view)) s.view = s.id ? 'report' : s.provider ? 'provider' : 'search';
    const page = parseInt(s.page, 10);
    s.page = Number.isFinite(page) && page > 1 ? Math.min(page, MAX_PAGE) : 1;
    return s;
  }

  function stateUrl(s) {
    const sp = new URLSearchParams();
    for (const k of PARAMS) {
      let v = s[k];
      if (k === 'view' && v === 'search') continue;
      if (k === 'page' && v === 1) continue;
      if (v !== undefined && v !== null && v !== '') sp.set(k, String(v));
    }
    const qs = sp.toString();
    return qs ? `/?${qs}` : '/';
  }

  // Only what each view needs goes in its URL, so links stay short.
  function viewState(view, from, extra) {
    const s = { view };
    if (view === 'search' || view === 'weaknesses' || view === 'strengths') {
      for (const k of ['q', ...FILTERS]) if (from[k]) s[k] = from[k];
      if (view === 'search') {
        if (from.by_report) s.by_report = from.by_report;
        if (from.sort) s.sort = from.sort;
      }
    }
    return Object.assign(s, extra || {});
  }

  function go(s, replace) {
    const url = stateUrl(s);
    // The mark tells the report view that Back stays inside the page.
    if (replace) history.replaceState(history.state, '', url);
    else if (url !== location.pathname + location.search) history.pushState({ app: true }, '', url);
    render().then(() => { if (!replace && readState().view !== 'report') window.scrollTo(0, 0); });
  }

  // Links are real links (open in a new tab, copy, middle-click all work);
  // a plain click is handled here without reloading the page.
  function link(s, attrs, ...children) {
    const a = el('a', Object.assign({ href: stateUrl(s) }, attrs || {}), ...children);
    a.addEventListener('click', (e) => {
      if (e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
      e.preventDefault();
      go(s);
    });
    return a;
  }

  // ---- the API --------------------------------------------------------------

  class ApiError extends Error {
    constructor(message, kind, column, status) {
      super(message);
      this.kind = kind;
      this.column = column;
      this.status = status;
    }
  }

  function apiParams(s, extra) {
    const sp = new URLSearchParams();
    if (s.q) sp.set('q', s.q);
    for (const k of FILTERS) if (s[k]) sp.set(k, s[k]);
    for (const [k, v] of Object.entries(extra || {})) if (v !== undefined && v !== '') sp.set(k, String(v));
    return sp;
  }

  async function api(path, params, signal) {
    const url = params ? `${path}?${params}` : path;
    let res;
    try {
      res = await fetch(url, { signal, headers: { Accept: 'application/json' } });
    } catch (e) {
      if (e.name === 'AbortError') throw e;
      throw new ApiError('The server could not be reached. Is insearch serve still running?', 'network', null, 0);
    }
    let body = null;
    try { body = await res.json(); } catch (e) { body = null; }
    if (!res.ok || !body) {
      const msg = body && body.error ? body.error : `The server answered ${res.status} ${res.statusText}`;
      throw new ApiError(msg, body && body.kind, body ? body.column : null, res.status);
    }
    return body;
  }

  // ---- status and errors --------------------------------------------------------

  function setStatus(text) { ui.status.textContent = text || ''; }

  function showError(err, typed) {
    clear(ui.error);
    if (!err) { ui.error.hidden = true; return; }
    ui.error.hidden = false;
    const title = err.kind === 'query' ? 'The query could not be read' :
      err.kind === 'not_found' ? 'Not found' :
      err.kind === 'ambiguous' ? 'More than one provider has that name' : 'Something went wrong';
    ui.error.appendChild(el('p', { class: 'error-title' }, title));
    ui.error.appendChild(el('p', { class: 'error-message' }, err.message));
    // The column counts characters of the typed query (1-based).
    if (err.kind === 'query' && typed && Number.isInteger(err.column) && err.column >= 1) {
      const chars = Array.from(typed);
      const at = Math.min(err.column - 1, chars.length);
      const mark = chars[at] === undefined ? '\u00a0' : chars[at];
      ui.error.appendChild(el('p', { class: 'error-query', 'aria-label': `Column ${err.column} of the query` },
        el('code', null, chars.slice(0, at).join(''), el('mark', { class: 'error-at' }, mark),
          chars.slice(at + 1).join(''))));
      ui.error.appendChild(el('p', { class: 'error-column' }, `at column ${err.column}`));
      if (ui.q.value === typed) {
        const units = chars.slice(0, at).join('').length;
        ui.q.setAttribute('aria-invalid', 'true');
        try { ui.q.setSelectionRange(units, units + (chars[at] ? chars[at].length : 0)); } catch (e) { /* not focused */ }
      }
    }
  }

  // ---- highlighted snippets -------------------------------------------------------

  // `highlights` are UTF-8 byte offsets into the snippet; JS strings are
  // UTF-16, so the cut is made on the encoded bytes and decoded piecewise.
  // Ranges that overlap, run backwards or fall outside are skipped.
  const encoder = new TextEncoder();
  const decoder = new TextDecoder('utf-8');
  function highlighted(text, ranges) {
    const frag = document.createDocumentFragment();
    const bytes = encoder.encode(text || '');
    const spans = (Array.isArray(ranges) ? ranges : [])
      .filter((r) => Array.isArray(r) && Number.isInteger(r[0]) && Number.isInteger(r[1]))
      .sort((a, b) => a[0] - b[0]);
    let pos = 0;
    for (const [s, e] of spans) {
      if (s < pos || e <= s || e > bytes.length) continue;
      if (s > pos) frag.appendChild(document.createTextNode(decoder.decode(bytes.subarray(pos, s))));
      frag.appendChild(el('mark', null, decoder.decode(bytes.subarray(s, e))));
      pos = e;
    }
    if (pos < bytes.length) frag.appendChild(document.createTextNode(decoder.decode(bytes.subarray(pos))));
    return frag;
  }

  // ---- badges ------------------------------------------------------------------

  function gradeBadge(grade) {
    if (!grade) return el('span', { class: 'grade grade-none' }, 'No grade');
    const level = GRADE_LEVEL[grade] || 0;
    return el('span', { class: `grade grade-${Math.round(level) || 0}`, 'data-grade': grade }, capital(pretty(grade)));
  }
  function polarityBadge(p) {
    if (!p || p === 'neutral') return null;
    return el('span', { class: `pol pol-${p}` }, p === 'weakness' ? 'Weakness' : 'Strength');
  }
  function themeBadges(themes, s) {
    if (!themes || !themes.length) return null;
    return el('ul', { class: 'themes', 'aria-label': 'Themes' }, themes.map((t) =>
      el('li', null, link(viewState('search', s || {}, { theme: t.id, page: 1 }),
        { class: 'theme', title: `Passages about ${themeName(t.id)}` }, themeName(t.id)))));
  }
  function reportMeta(r) {
    return el('span', { class: 'meta' },
      formatDate(r.date_start), ' \u00b7 ', capital(pretty(r.kind)), r.type ? ` \u00b7 ${capital(pretty(r.type))}` : '');
  }

  // ---- filter controls -----------------------------------------------------------

  function fillSelect(select, values, current, label, counts) {
    const keep = select.options[0];
    clear(select);
    select.appendChild(keep);
    const all = [...values];
    if (current && !all.includes(current)) all.push(current);
    for (const v of all) {
      const n = counts && counts[v];
      select.appendChild(el('option', { value: v }, label(v) + (n ? ` (${num(n)})` : '')));
    }
    select.value = current || '';
  }

  function syncFilters(s, facets) {
    const f = facets || {};
    if (f.type) Object.keys(f.type).forEach((t) => seenTypes.add(t));
    const extraGrades = f.grade ? Object.keys(f.grade).filter((g) => !GRADES.includes(g)) : [];
    fillSelect(ui.sel.grade, [...GRADES, ...extraGrades], s.grade, (v) => capital(pretty(v)), f.grade);
    fillSelect(ui.sel.type, [...seenTypes].sort(), s.type, (v) => capital(pretty(v)), f.type);
    fillSelect(ui.sel.kind, KINDS, s.kind, (v) => capital(pretty(v)), f.kind);
    const themes = [...themeNames.keys()];
    fillSelect(ui.sel.theme, themes, s.theme, themeName, f.theme);
    ui.sel.polarity.value = s.polarity || '';
    ui.sel.sort.value = s.sort || '';
    ui.from.value = s.from || '';
    ui.to.value = s.to || '';
    ui.byReport.checked = !!s.by_report;
    const used = FILTERS.filter((k) => s[k]).length;
    $('filters-toggle').textContent = used ? `Filters (${used})` : 'Filters';
  }

  function filtersFromForm(s) {
    const n = Object.assign({}, s);
    for (const k of ['grade', 'type', 'kind', 'theme', 'polarity', 'sort']) n[k] = ui.sel[k].value || undefined;
    n.from = ui.from.value.trim() || undefined;
    n.to = ui.to.value.trim() || undefined;
    n.by_report = ui.byReport.checked ? '1' : undefined;
    return n;
  }

  // ---- the search view ----------------------------------------------------------

  async function renderSearch(s, seq, signal) {
    const hasQuery = s.q || FILTERS.some((k) => s[k]);
    document.title = s.q ? `${s.q} \u2013 insearch` : 'insearch';
    if (!hasQuery) {
      syncFilters(s, null);
      renderWelcome();
      return;
    }
    setStatus('Searching\u2026');
    const extra = { limit: PAGE_SIZE, offset: (s.page - 1) * PAGE_SIZE };
    if (s.by_report) extra.by_report = 1;
    if (s.sort) extra.sort = s.sort;
    // Results first, facets in a second request: counting facets reads
    // every match, which on a large index takes several times as long as
    // the ten results, so they fill in beside the results when ready.
    const facetsReq = api('/api/search', apiParams(s, { facets: 1, limit: 1 }), signal);
    facetsReq.catch(() => {}); /* a failure shows through the results */
    const data = await api('/api/search', apiParams(s, extra), signal);
    if (seq !== renderSeq) return;
    syncFilters(s, null);

    const total = data.total || 0;
    const unit = data.by_report ? ['report', 'reports'] : ['passage', 'passages'];
    const head = el('div', { class: 'results-head' },
      el('h1', { id: 'result-count', class: 'count', 'data-total': total },
        total === 0 ? `No ${unit[1]} match` : `${plural(total, unit[0], unit[1])} match`),
      data.total_lower !== data.total_upper && total > 0
        ? el('span', { class: 'estimate' }, `(estimated: between ${num(data.total_lower)} and ${num(data.total_upper)})`) : null,
      // The same search as a spreadsheet: up to 1,000 rows from this page
      // on, each with what a citation needs (provider, URN, dates, page).
      total > 0
        ? el('a', { class: 'csv', id: 'csv-link', download: 'insearch-results.csv',
          href: `/api/search.csv?${apiParams(s, { limit: 1000, offset: extra.offset, by_report: extra.by_report, sort: extra.sort })}` },
        'Download CSV') : null);
    const parts = [head];
    if (data.did_you_mean) {
      parts.push(el('p', { class: 'did-you-mean' }, 'Did you mean ',
        link(viewState('search', s, { q: data.did_you_mean, page: 1 }), null, data.did_you_mean), '?'));
    }
    const active = activeFilters(s);
    if (active) parts.push(active);

    const list = el('ol', { class: 'results', start: extra.offset + 1 });
    for (const r of data.results || []) list.appendChild(resultItem(r, s));
    const body = el('div', { class: 'results-layout' },
      el('section', { class: 'results-col', 'aria-labelledby': 'result-count' }, list, pager(s, total)),
      facetPanel(s, null));
    parts.push(body);
    clear(ui.view);
    append(ui.view, parts);
    setStatus(total ? `${plural(total, unit[0], unit[1])} found` : 'Nothing found');
    let facets = null;
    try { facets = (await facetsReq).facets; } catch (e) { if (e.name === 'AbortError') return; }
    if (seq !== renderSeq || !facets) return;
    syncFilters(s, facets);
    const aside = body.querySelector('aside.facets');
    if (aside) aside.replaceWith(facetPanel(s, facets));
  }

  function renderWelcome() {
    clear(ui.view);
    setStatus('');
    const examples = ['off-the-job training', '"the Prevent duty"', 'safeguarding grade:inadequate',
      'progress reviews NEAR/5 targets', 'subcontract* type:college'];
    append(ui.view, [el('section', { class: 'welcome' },
      el('h1', null, 'Search Ofsted further education inspection reports'),
      el('p', { class: 'lede' }, 'Find what inspectors said about colleges, apprenticeship and training providers, ' +
        'and adult learning, passage by passage. Filter by grade, type, date and theme, or look at the ' +
        'weaknesses that reports share.'),
      el('h2', null, 'Try'),
      el('ul', { class: 'examples' }, examples.map((q) => el('li', null,
        link({ view: 'search', q }, null, el('code', null, q))))),
      el('p', null, link({ view: 'weaknesses' }, { class: 'button' }, 'See the most common weaknesses')))]);
  }

  function resultItem(r, s) {
    const rep = r.report || {};
    const ctx = { view: 'report', id: rep.id, p: r.passage_index };
    if (s.q) ctx.q = s.q;
    return el('li', { class: 'result' },
      el('article', null,
        el('header', { class: 'result-head' },
          el('h2', { class: 'provider' }, link({ view: 'provider', provider: rep.urn || rep.provider },
            { class: 'provider-link', title: 'Inspection history of this provider' }, rep.provider || 'Unknown provider')),
          gradeBadge(rep.grade), reportMeta(rep)),
        r.section ? el('p', { class: 'section' }, r.section) : null,
        el('p', { class: 'snippet' }, highlighted(r.snippet || r.passage, r.snippet ? r.highlights : [])),
        el('footer', { class: 'result-foot' },
          polarityBadge(r.polarity), themeBadges(r.themes, s),
          link(ctx, { class: 'report-link' }, 'Read in the report',
            el('span', { class: 'visually-hidden' }, `: ${rep.provider || ''}, ${formatDate(rep.date_start)}`)),
          r.more_in_report ? el('span', { class: 'more' }, `+${plural(r.more_in_report, 'more passage', 'more passages')} in this report`) : null)));
  }

  function activeFilters(s) {
    const items = [];
    for (const k of FILTERS) {
      if (!s[k]) continue;
      const label = k === 'theme' ? themeName(s[k]) : k === 'from' ? `from ${s[k]}` : k === 'to' ? `to ${s[k]}` : capital(pretty(s[k]));
      const without = Object.assign({}, s, { [k]: undefined, page: 1 });
      items.push(el('li', null, link(without, { class: 'chip', title: `Remove this filter` },
        el('span', { class: 'chip-key' }, `${k}: `), label, el('span', { 'aria-hidden': 'true' }, ' \u00d7'),
        el('span', { class: 'visually-hidden' }, ' (remove)'))));
    }
    return items.length ? el('ul', { class: 'chips', 'aria-label': 'Active filters' }, items) : null;
  }

  function pager(s, total) {
    const pages = Math.min(Math.ceil(total / PAGE_SIZE), MAX_PAGE);
    if (pages <= 1) return null;
    const nav = el('nav', { class: 'pager', 'aria-label': 'Pages' });
    if (s.page > 1) nav.appendChild(link(Object.assign({}, s, { page: s.page - 1 }), { rel: 'prev' }, '\u2190 Previous'));
    nav.appendChild(el('span', { class: 'page-of' }, `Page ${num(s.page)} of ${num(pages)}`));
    if (s.page < pages) nav.appendChild(link(Object.assign({}, s, { page: s.page + 1 }), { rel: 'next' }, 'Next \u2192'));
    return nav;
  }

  const FACET_TITLES = { grade: 'Grade', polarity: 'Says', theme: 'Theme', type: 'Provider type', kind: 'Kind', year: 'Year' };
  function facetPanel(s, facets) {
    const aside = el('aside', { class: 'facets', 'aria-label': 'Refine' });
    if (!facets) return aside;
    for (const key of ['grade', 'polarity', 'theme', 'type', 'kind', 'year']) {
      const counts = facets[key];
      if (!counts || !Object.keys(counts).length) continue;
      let entries = Object.entries(counts);
      if (key === 'year') entries.sort((a, b) => b[0].localeCompare(a[0]));
      const ul = el('ul', null);
      for (const [value, n] of entries) {
        const next = Object.assign({}, s, { page: 1 });
        let on;
        if (key === 'year') {
          on = s.from === value && s.to === value;
          next.from = on ? undefined : value;
          next.to = on ? undefined : value;
        } else {
          on = s[key] === value;
          next[key] = on ? undefined : value;
        }
        const label = key === 'theme' ? themeName(value) : key === 'year' ? value : capital(pretty(value));
        ul.appendChild(el('li', null, link(next, {
          class: on ? 'facet on' : 'facet', 'aria-current': on ? 'true' : null, 'data-facet': key, 'data-value': value,
        }, el('span', { class: 'facet-label' }, label), el('span', { class: 'facet-count' }, num(n)),
        on ? el('span', { class: 'visually-hidden' }, ' (applied; remove)') : null)));
      }
      aside.appendChild(el('section', { class: 'facet-group' }, el('h2', null, FACET_TITLES[key]), ul));
    }
    return aside;
  }

  // ---- the report view ----------------------------------------------------------

  async function renderReport(s, seq, signal) {
    setStatus('Loading the report\u2026');
    const data = await api(`/api/report/${encodeURIComponent(s.id)}`, null, signal);
    if (seq !== renderSeq) return;
    const r = data.report || {};
    document.title = `${r.provider || 'Report'} (${formatDate(r.date_start)}) \u2013 insearch`;
    const target = s.p !== undefined ? parseInt(s.p, 10) : -1;

    const back = el('p', { class: 'back' });
    if (history.state && history.state.app) {
      const backBtn = el('button', { type: 'button', class: 'quiet back-button' }, '\u2190 Back');
      backBtn.addEventListener('click', () => history.back());
      back.appendChild(backBtn);
    } else if (s.q) {
      back.appendChild(link({ view: 'search', q: s.q }, null, '\u2190 Search for ', s.q));
    } else {
      back.appendChild(link({ view: 'search' }, null, '\u2190 New search'));
    }

    const dl = el('dl', { class: 'facts' });
    const fact = (k, v) => { if (v !== null && v !== undefined && v !== '') dl.append(el('dt', null, k), el('dd', null, v)); };
    fact('URN', r.urn);
    fact('Provider type', capital(pretty(r.type)));
    fact('Kind of report', capital(pretty(r.kind)));
    fact('Inspected', r.date_end && r.date_end !== r.date_start
      ? `${formatDate(r.date_start)} to ${formatDate(r.date_end)}` : formatDate(r.date_start));
    fact('Grade', gradeBadge(r.grade));
    if (r.previous_grade) fact('Previous grade', gradeBadge(r.previous_grade));
    if (Number.isFinite(r.learners)) fact('Learners', num(r.learners));
    fact('Passages', r.passages);

    const head = el('header', { class: 'report-head' },
      el('p', { class: 'kicker' }, r.title && r.title !== r.provider ? r.title : 'Inspection report'),
      el('h1', { id: 'report-provider' }, r.provider || 'Unknown provider'),
      dl,
      el('p', { class: 'report-links' },
        link({ view: 'provider', provider: r.urn || r.provider }, { class: 'button' }, 'Provider history and peers')));

    const parts = [back, head];
    if (Array.isArray(r.judgements) && r.judgements.length) {
      parts.push(el('section', { class: 'judgements' }, el('h2', null, 'Judgements'),
        el('table', null, el('tbody', null, r.judgements.map((j) =>
          el('tr', null, el('th', { scope: 'row' }, j.name), el('td', null, gradeBadge(j.grade))))))));
    }
    if (Array.isArray(data.other_reports) && data.other_reports.length) {
      parts.push(el('section', { class: 'others' }, el('h2', null, 'Other reports on this provider'),
        el('ul', null, data.other_reports.map((id) => el('li', null, link({ view: 'report', id }, null, `Report ${id}`))))));
    }

    const body = el('section', { class: 'report-body', 'aria-label': 'The report' });
    let section = null;
    let box = null;
    let linked = null;
    for (const p of data.passages || []) {
      if (p.section !== section || !box) {
        section = p.section;
        box = el('section', { class: 'report-section' }, section ? el('h2', null, section) : null);
        body.appendChild(box);
      }
      const isTarget = p.passage_index === target;
      const node = el('div', {
        class: isTarget ? 'passage linked' : 'passage', id: `passage-${p.passage_index}`,
        tabindex: isTarget ? '-1' : null, 'aria-current': isTarget ? 'true' : null,
      }, el('p', null, p.passage), el('div', { class: 'passage-tags' }, polarityBadge(p.polarity), themeBadges(p.themes)));
      if (isTarget) linked = node;
      box.appendChild(node);
    }
    parts.push(body);
    clear(ui.view);
    append(ui.view, parts);
    setStatus(`Report on ${r.provider || 'the provider'} loaded`);
    if (linked) {
      linked.scrollIntoView({ block: 'center' });
      linked.focus({ preventScroll: true });
    } else {
      window.scrollTo(0, 0);
    }
  }

  // ---- common weaknesses / strengths ------------------------------------------

  async function renderThemesView(s, seq, signal) {
    const strengths = s.view === 'strengths';
    const word = strengths ? 'strengths' : 'weaknesses';
    setStatus(`Counting common ${word}\u2026`);
    const data = await api(`/api/${word}`, apiParams(s, { examples: 3 }), signal);
    if (seq !== renderSeq) return;
    syncFilters(s, null);
    document.title = `Common ${word} \u2013 insearch`;
    const themes = data.themes || [];

    const toggle = el('div', { class: 'toggle', role: 'group', 'aria-label': 'Show' },
      link(viewState('weaknesses', s), { class: strengths ? '' : 'on', 'aria-current': strengths ? null : 'page' }, 'Weaknesses'),
      link(viewState('strengths', s), { class: strengths ? 'on' : '', 'aria-current': strengths ? 'page' : null }, 'Strengths'));
    const scope = s.q || FILTERS.some((k) => s[k]) ? 'the reports that match' : 'all reports';
    const parts = [
      el('div', { class: 'results-head' },
        el('h1', { id: 'themes-title' }, `Common ${word}`), toggle),
      el('p', { class: 'lede' }, `Themes found as a ${strengths ? 'strength' : 'weakness'} in ${scope}: `,
        el('strong', null, plural(data.reports || 0, 'report', 'reports')), s.q ? ` (query: ${s.q})` : '', '.'),
    ];
    const active = activeFilters(Object.assign({}, s));
    if (active) parts.push(active);
    if (!themes.length) {
      parts.push(el('p', { class: 'empty' }, `No ${word} found in these reports.`));
    } else {
      parts.push(barChart(themes, word));
      parts.push(yearChart(data.by_year));
      const list = el('div', { class: 'theme-list' });
      themes.forEach((t, i) => list.appendChild(themeCard(t, i, s, strengths)));
      parts.push(list);
    }
    clear(ui.view);
    append(ui.view, parts);
    setStatus(`${plural(themes.length, 'theme', 'themes')} across ${plural(data.reports || 0, 'report', 'reports')}`);
  }

  // A horizontal bar per theme: its share of the reports. Each bar links to
  // that theme's passages below, so the chart is navigable by keyboard.
  function barChart(themes, word) {
    // A narrow screen gets the label above each bar: side by side, the
    // text would shrink with the drawing until it cannot be read.
    const stacked = ui.view.clientWidth < 560;
    const row = stacked ? 42 : 28;
    const labelW = stacked ? 0 : 250;
    const barW = stacked ? 340 : 380;
    const width = stacked ? barW : labelW + barW + 90;
    const height = themes.length * row + 8;
    const chart = svg('svg', {
      class: stacked ? 'bar-chart stacked' : 'bar-chart', viewBox: `0 0 ${width} ${height}`, role: 'img',
      'aria-labelledby': 'bar-chart-title', preserveAspectRatio: 'xMinYMin meet',
    }, svg('title', { id: 'bar-chart-title' }, `Share of reports with each theme as a ${word === 'strengths' ? 'strength' : 'weakness'}`));
    themes.forEach((t, i) => {
      const y = i * row + 4;
      const share = Math.max(0, Math.min(1, Number(t.share) || 0));
      const name = t.name || themeName(t.id);
      const value = `${t.reports} \u00b7 ${Math.round(share * 100)}%`;
      const barY = stacked ? y + 20 : y + 4;
      const barH = stacked ? 14 : row - 10;
      const a = svg('a', { href: `#theme-${i}`, class: 'bar', 'data-theme': t.id },
        svg('title', null, `${name}: ${plural(t.reports, 'report', 'reports')} (${Math.round(share * 100)}%)`),
        stacked
          ? svg('text', { x: 0, y: y + 12, class: 'bar-label' }, truncate(name, 38))
          : svg('text', { x: labelW - 10, y: y + row / 2, class: 'bar-label', 'text-anchor': 'end', 'dominant-baseline': 'middle' },
            truncate(name, 34)),
        svg('rect', { x: labelW, y: barY, width: barW, height: barH, rx: 3, class: 'bar-track' }),
        svg('rect', { x: labelW, y: barY, width: Math.max(1, share * barW), height: barH, rx: 3, class: 'bar-fill' }),
        stacked
          ? svg('text', { x: width, y: y + 12, class: 'bar-value', 'text-anchor': 'end' }, value)
          : svg('text', { x: labelW + barW + 8, y: y + row / 2, class: 'bar-value', 'dominant-baseline': 'middle' }, value));
      chart.appendChild(a);
    });
    return el('figure', { class: 'chart' }, chart,
      el('figcaption', null, 'Reports with the theme, and their share of the reports picked. Select a bar for typical passages.'));
  }

  function truncate(s, n) { const c = Array.from(s || ''); return c.length > n ? `${c.slice(0, n - 1).join('')}\u2026` : s; }

  // Reports per year in the selection: a small column chart, so the shares
  // in the sparklines can be read against how many reports they rest on.
  function yearChart(byYear) {
    const years = Object.keys(byYear || {}).sort();
    if (years.length < 2) return null;
    const max = Math.max(...years.map((y) => byYear[y]));
    const w = 720;
    const h = 90;
    const step = w / years.length;
    const chart = svg('svg', { class: 'year-chart', viewBox: `0 0 ${w} ${h + 18}`, role: 'img', 'aria-labelledby': 'year-chart-title' },
      svg('title', { id: 'year-chart-title' }, 'Reports picked, by year of inspection'));
    years.forEach((y, i) => {
      const bh = max ? (byYear[y] / max) * h : 0;
      chart.appendChild(svg('g', null, svg('title', null, `${y}: ${plural(byYear[y], 'report', 'reports')}`),
        svg('rect', { x: i * step + 2, y: h - bh, width: Math.max(1, step - 4), height: bh, class: 'year-bar' })));
      if (i === 0 || i === years.length - 1 || years.length <= 12 || i % Math.ceil(years.length / 8) === 0) {
        chart.appendChild(svg('text', { x: i * step + step / 2, y: h + 14, 'text-anchor': 'middle', class: 'axis' }, y));
      }
    });
    return el('figure', { class: 'chart small' }, el('figcaption', null, 'Reports by year of inspection'), chart);
  }

  // The theme's share of each year's reports; the dots mark the years.
  function sparkline(byYear, name) {
    const pts = (byYear || []).filter((b) => b.of > 0);
    if (pts.length < 2) return null;
    const w = 220;
    const h = 44;
    const x = (i) => 4 + (i * (w - 8)) / (pts.length - 1);
    const y = (v) => 4 + (1 - Math.max(0, Math.min(1, v))) * (h - 8);
    const d = pts.map((b, i) => `${i ? 'L' : 'M'}${x(i).toFixed(1)},${y(b.share).toFixed(1)}`).join(' ');
    const first = pts[0];
    const last = pts[pts.length - 1];
    const summary = `${name}: ${Math.round(first.share * 100)}% of reports in ${first.year}, ` +
      `${Math.round(last.share * 100)}% in ${last.year}`;
    const line = svg('svg', { class: 'sparkline', viewBox: `0 0 ${w} ${h}`, role: 'img', 'aria-label': summary },
      svg('path', { d, class: 'spark-line' }));
    pts.forEach((b, i) => line.appendChild(svg('circle', { cx: x(i), cy: y(b.share), r: 2.2, class: 'spark-dot' },
      svg('title', null, `${b.year}: ${b.reports} of ${b.of}`))));
    return el('div', { class: 'trend' }, line, el('span', { class: 'trend-range' }, `${first.year}\u2013${last.year}`));
  }

  function themeCard(t, i, s, strengths) {
    const name = t.name || themeName(t.id);
    const passages = (t.passages || []).map((p) => {
      const rep = p.report || {};
      return el('li', { class: 'example' },
        el('blockquote', null, el('p', null, p.passage)),
        el('p', { class: 'cite' },
          link({ view: 'report', id: rep.id, p: p.passage_index }, null, rep.provider || 'Report'),
          ' \u00b7 ', formatDate(rep.date_start), ' ', gradeBadge(rep.grade)));
    });
    const search = viewState('search', s, { theme: t.id, polarity: strengths ? 'strength' : 'weakness', page: 1 });
    return el('section', { class: 'theme-card', id: `theme-${i}`, tabindex: '-1' },
      el('header', null,
        el('h2', null, name),
        el('p', { class: 'theme-stats' }, `${plural(t.reports, 'report', 'reports')} \u00b7 ${Math.round((t.share || 0) * 100)}%`),
        sparkline(t.by_year, name)),
      passages.length ? el('ul', { class: 'examples-list' }, passages) : null,
      el('p', null, link(search, { class: 'more-link' }, `All ${strengths ? 'strength' : 'weakness'} passages about ${name}`)));
  }

  // ---- the provider view ---------------------------------------------------------

  async function renderProvider(s, seq, signal) {
    setStatus('Loading the provider\u2026');
    const who = encodeURIComponent(s.provider);
    const [hist, similar, improved] = await Promise.all([
      api('/api/history', `provider=${who}`, signal),
      api('/api/similar', `provider=${who}&limit=6`, signal).catch((e) => (e.name === 'AbortError' ? Promise.reject(e) : e)),
      api('/api/similar', `provider=${who}&improved=1&limit=6`, signal).catch((e) => (e.name === 'AbortError' ? Promise.reject(e) : e)),
    ]);
    if (seq !== renderSeq) return;
    document.title = `${hist.provider} \u2013 insearch`;
    const reports = hist.reports || [];
    const latest = reports[reports.length - 1];
    const parts = [
      el('header', { class: 'report-head' },
        el('p', { class: 'kicker' }, 'Provider'),
        el('h1', { id: 'provider-name' }, hist.provider),
        el('p', { class: 'meta' }, `URN ${hist.urn} \u00b7 ${plural(reports.length, 'report', 'reports')}`,
          latest && latest.type ? ` \u00b7 ${capital(pretty(latest.type))}` : ''),
        el('p', { class: 'report-links' },
          link({ view: 'search', q: `urn:${hist.urn}` }, { class: 'button' }, 'Search its reports'),
          ' ',
          link({ view: 'plan', provider: hist.urn || s.provider }, { class: 'button', id: 'plan-button' }, 'Development plan'),
          ' ',
          link({ view: 'weaknesses', q: `urn:${hist.urn}` }, { class: 'button quiet' }, 'Its weaknesses'))),
    ];
    parts.push(el('section', { class: 'history', 'aria-labelledby': 'history-title' },
      el('h2', { id: 'history-title' }, 'Grades over time'),
      gradeChart(reports),
      el('ol', { class: 'timeline' }, reports.map((r) => historyItem(r)))));
    parts.push(peersSection('Comparable providers', 'peers', similar, false));
    parts.push(peersSection('Comparable providers that improved', 'improvers', improved, true));
    clear(ui.view);
    append(ui.view, parts);
    setStatus(`${hist.provider}: ${plural(reports.length, 'report', 'reports')}`);
  }

  // ---- the development plan view -------------------------------------------------

  // A passage's place in its report: "section, page N".
  function where(h) {
    return h ? `${h.section || 'no section'}${h.page ? `, page ${h.page}` : ''}` : '';
  }

  function statusBadge(status, rag) {
    if (!status) return null;
    return el('span', { class: `plan-status rag-${rag || 'none'}`, title: rag ? `RAG ${rag}, from evidence` : 'For the team to judge' },
      status === 'no-evidence' ? 'no evidence' : status);
  }

  async function renderPlan(s, seq, signal) {
    setStatus('Drafting the plan\u2026');
    const who = encodeURIComponent(s.provider);
    const plan = await api('/api/plan', `provider=${who}`, signal);
    if (seq !== renderSeq) return;
    const r = plan.report || {};
    const name = plan.provider.name;
    document.title = `Development plan: ${name} \u2013 insearch`;
    const parts = [
      el('header', { class: 'report-head' },
        el('p', { class: 'kicker' }, 'Development plan (draft)'),
        el('h1', { id: 'plan-title' }, name),
        el('p', { class: 'meta' }, plan.provider.urn ? `URN ${plan.provider.urn} \u00b7 ` : '',
          `${capital(pretty(r.kind))} inspection of ${formatDate(r.date_start)} `, gradeBadge(r.grade)),
        el('p', { class: 'report-links' },
          el('a', { class: 'button', id: 'plan-csv', href: `/api/plan.csv?provider=${who}`, download: 'insearch-plan.csv' }, 'Download CSV'),
          ' ',
          el('a', { class: 'button', id: 'plan-md', href: `/api/plan.md?provider=${who}`, download: 'insearch-plan.md' }, 'Download markdown'),
          ' ',
          link({ view: 'report', id: r.id }, { class: 'button quiet' }, 'The report'),
          link({ view: 'provider', provider: s.provider }, { class: 'button quiet' }, 'Provider history and peers')),
        el('p', { class: 'note' }, 'Each area for improvement is the report\u2019s own recommendation, grouped by theme, with the report\u2019s evidence and providers that fixed the same weakness. ', plan.rag_note)),
    ];
    const items = plan.items || [];
    const list = el('ol', { class: 'plan-items' });
    let theme = null;
    for (const it of items) {
      if (it.theme_name !== theme) {
        theme = it.theme_name;
        list.appendChild(el('li', { class: 'plan-theme', 'aria-hidden': 'true' }, el('h3', null, theme)));
      }
      const peers = it.peers || [];
      list.appendChild(el('li', { class: 'plan-item', value: String(it.number) },
        el('p', { class: 'plan-rec' }, el('strong', null, `${it.number}. `), it.recommendation.text, ' ', statusBadge(it.status, it.rag)),
        el('p', { class: 'meta' }, `${themeName(it.theme) || 'Other'} \u00b7 ${where(it.recommendation)}`),
        it.evidence && it.evidence.length ? el('div', { class: 'plan-evidence' },
          el('p', { class: 'moves-label' }, 'What the report says'),
          it.evidence.map((e) => el('blockquote', null, e.text, el('cite', null, where(e))))) : null,
        peers.length ? el('div', { class: 'plan-peers' },
          el('p', { class: 'moves-label' }, 'Who fixed this'),
          el('ul', null, peers.map((p) => el('li', null,
            link({ view: 'provider', provider: p.urn || p.provider }, null, p.provider), ': ',
            gradeBadge(p.before.grade), ` ${formatDate(p.before.date_start)} \u2192 `, gradeBadge(p.after.grade), ` ${formatDate(p.after.date_start)}`,
            p.passage ? el('blockquote', null, p.passage.text) : null)))) : null));
    }
    if (plan.previous) {
      const rows = (plan.progress || []).map((g) => el('tr', null,
        el('td', null, g.theme_name), el('td', null, statusBadge(g.status, g.rag)),
        el('td', null, g.before.text), el('td', null, g.now ? g.now.text : 'Nothing on this theme.')));
      parts.push(el('section', { class: 'plan-progress', 'aria-labelledby': 'plan-since' },
        el('h2', { id: 'plan-since' }, `Since the inspection of ${formatDate(plan.previous.date_start)}`),
        rows.length ? el('table', null,
          el('thead', null, el('tr', null, el('th', null, 'Theme'), el('th', null, 'Status'), el('th', null, 'Then'), el('th', null, 'Now'))),
          el('tbody', null, rows)) : el('p', { class: 'empty' }, 'The earlier report made no recommendations.')));
    }
    parts.push(el('section', { class: 'plan', 'aria-labelledby': 'plan-areas' },
      el('h2', { id: 'plan-areas' }, `Areas for improvement (${items.length})`), list));
    clear(ui.view);
    append(ui.view, parts);
    setStatus(`${name}: a plan of ${plural(items.length, 'area', 'areas')} for improvement`);
  }

  function themeList(label, ids, cls) {
    if (!ids || !ids.length) return null;
    return el('div', { class: `moves ${cls}` }, el('span', { class: 'moves-label' }, label),
      el('ul', { class: 'themes' }, ids.map((id) => el('li', null, el('span', { class: `theme ${cls}` }, themeName(id))))));
  }

  function historyItem(r) {
    const ids = (xs) => (xs || []).map((x) => (typeof x === 'string' ? x : x.id));
    return el('li', { class: 'timeline-item' },
      el('div', { class: 'timeline-head' },
        el('h3', null, link({ view: 'report', id: r.id }, { class: 'history-report' }, formatDate(r.date_start))),
        gradeBadge(r.grade), el('span', { class: 'meta' }, capital(pretty(r.kind)))),
      themeList('Improved:', ids(r.improved), 'improved'),
      themeList('Declined:', ids(r.declined), 'declined'),
      themeList('Weaknesses:', ids(r.weaknesses), 'weak'),
      themeList('Strengths:', ids(r.strengths), 'strong'));
  }

  // Grades on a common 1 (best) to 4 scale against the inspection date.
  function gradeChart(reports) {
    const pts = reports.filter((r) => GRADE_LEVEL[r.grade] && r.date_start)
      .map((r) => ({ t: Date.parse(r.date_start), level: GRADE_LEVEL[r.grade], r }));
    if (pts.length < 1) return null;
    const w = 640;
    const h = 150;
    const left = 150;
    const pad = 20;
    const t0 = Math.min(...pts.map((p) => p.t));
    const t1 = Math.max(...pts.map((p) => p.t));
    const x = (t) => (t1 === t0 ? (left + w) / 2 : left + pad + ((t - t0) / (t1 - t0)) * (w - left - 2 * pad));
    const y = (lv) => 12 + ((lv - 1) / 3) * (h - 36);
    const chart = svg('svg', { class: 'grade-chart', viewBox: `0 0 ${w} ${h}`, role: 'img', 'aria-labelledby': 'grade-chart-title' },
      svg('title', { id: 'grade-chart-title' }, 'Grades over time: ' +
        pts.map((p) => `${p.r.date_start.slice(0, 4)} ${pretty(p.r.grade)}`).join(', ')));
    [['Outstanding', 1], ['Good', 2], ['Requires improvement', 3], ['Inadequate', 4]].forEach(([label, lv]) => {
      chart.appendChild(svg('line', { x1: left, x2: w - 4, y1: y(lv), y2: y(lv), class: 'grid' }));
      chart.appendChild(svg('text', { x: left - 8, y: y(lv), 'text-anchor': 'end', 'dominant-baseline': 'middle', class: 'axis' }, label));
    });
    if (pts.length > 1) {
      chart.appendChild(svg('path', { class: 'grade-line', d: pts.map((p, i) => `${i ? 'L' : 'M'}${x(p.t).toFixed(1)},${y(p.level).toFixed(1)}`).join(' ') }));
    }
    pts.forEach((p) => {
      chart.appendChild(svg('circle', { cx: x(p.t), cy: y(p.level), r: 5, class: `grade-dot grade-${Math.round(p.level)}` },
        svg('title', null, `${formatDate(p.r.date_start)}: ${pretty(p.r.grade)} (${pretty(p.r.kind)})`)));
      chart.appendChild(svg('text', { x: x(p.t), y: h - 6, 'text-anchor': 'middle', class: 'axis' }, p.r.date_start.slice(0, 4)));
    });
    return el('figure', { class: 'chart' }, chart);
  }

  function peersSection(title, id, data, improved) {
    const sec = el('section', { class: 'peers', 'aria-labelledby': `${id}-title` }, el('h2', { id: `${id}-title` }, title));
    if (data instanceof Error) {
      sec.appendChild(el('p', { class: 'empty' }, data.message));
      return sec;
    }
    const providers = (data && data.providers) || [];
    if (!providers.length) {
      sec.appendChild(el('p', { class: 'empty' }, improved
        ? 'No comparable provider has fixed the same weaknesses yet.' : 'No comparable providers found.'));
      return sec;
    }
    sec.appendChild(el('p', { class: 'note' }, improved
      ? 'Providers that had the same weaknesses and were later judged stronger on them.'
      : 'Providers with the most similar findings, text and profile.'));
    const ul = el('ul', { class: 'peer-list' });
    for (const p of providers) {
      const shared = (p.shared || []).slice(0, 6);
      const rep = p.report || {};
      ul.appendChild(el('li', { class: 'peer' },
        el('div', { class: 'peer-head' },
          el('h3', null, link({ view: 'provider', provider: p.urn }, { class: 'peer-link' }, p.provider)),
          el('span', { class: 'score', title: 'Similarity (0 to 1)' }, `${Math.round((p.score || 0) * 100)}% similar`)),
        el('p', { class: 'meta' },
          link({ view: 'report', id: rep.id }, null, formatDate(rep.date_start)), ' ', gradeBadge(rep.grade),
          improved && p.after ? [' \u2192 ', link({ view: 'report', id: p.after.id }, null, formatDate(p.after.date_start)), ' ', gradeBadge(p.after.grade)] : null),
        shared.length ? el('ul', { class: 'themes' }, shared.map((t) => el('li', null,
          el('span', { class: `theme ${t.polarity === 'weakness' ? 'weak' : 'strong'}` },
            `${themeName(t.theme)} (${t.polarity})`)))) : null));
    }
    sec.appendChild(ul);
    return sec;
  }

  // ---- rendering ------------------------------------------------------------------

  async function render() {
    const s = readState();
    const seq = ++renderSeq;
    if (inflight) inflight.abort();
    inflight = new AbortController();
    const signal = inflight.signal;
    closeSuggestions();
    showError(null);
    ui.q.removeAttribute('aria-invalid');
    // The box shows the typed query of the view that has one.
    if (['search', 'weaknesses', 'strengths'].includes(s.view)) ui.q.value = s.q || '';
    document.body.dataset.view = s.view;
    ui.main.setAttribute('aria-busy', 'true');
    for (const a of document.querySelectorAll('.views a')) {
      const on = a.dataset.view === s.view || (a.dataset.view === 'weaknesses' && s.view === 'strengths');
      if (on) a.setAttribute('aria-current', 'page'); else a.removeAttribute('aria-current');
      a.href = stateUrl(viewState(a.dataset.view, s));
    }
    ui.filters.hidden = !['search', 'weaknesses', 'strengths'].includes(s.view);
    try {
      if (s.view === 'report' && s.id) await renderReport(s, seq, signal);
      else if (s.view === 'provider' && s.provider) await renderProvider(s, seq, signal);
      else if (s.view === 'plan' && s.provider) await renderPlan(s, seq, signal);
      else if (s.view === 'weaknesses' || s.view === 'strengths') await renderThemesView(s, seq, signal);
      else await renderSearch(s, seq, signal);
    } catch (e) {
      if (e.name === 'AbortError' || seq !== renderSeq) return;
      clear(ui.view);
      setStatus('');
      showError(e instanceof ApiError ? e : new ApiError(String(e.message || e), 'failed', null, 0), s.q);
    } finally {
      if (seq === renderSeq) ui.main.removeAttribute('aria-busy');
    }
  }

  // ---- type-ahead ------------------------------------------------------------------

  // Suggestions are for the word being typed (the last one in the box), so
  // the rest of the query is kept when a suggestion is chosen.
  let suggestTimer = 0;
  let suggestCtl = null;
  let options = [];
  let activeIndex = -1;

  function currentWord() {
    const v = ui.q.value;
    const m = /(^|\s)([^\s:"()]+)$/.exec(v);
    return m ? { word: m[2], start: v.length - m[2].length } : null;
  }

  function closeSuggestions() {
    clearTimeout(suggestTimer);
    if (suggestCtl) suggestCtl.abort();
    suggestCtl = null;
    options = [];
    activeIndex = -1;
    clear(ui.list);
    ui.list.hidden = true;
    ui.q.setAttribute('aria-expanded', 'false');
    ui.q.removeAttribute('aria-activedescendant');
  }

  async function fetchSuggestions() {
    const cw = currentWord();
    if (!cw || Array.from(cw.word).length < 2) { closeSuggestions(); return; }
    if (suggestCtl) suggestCtl.abort();
    suggestCtl = new AbortController();
    let data;
    try {
      data = await api('/api/suggest', new URLSearchParams({ prefix: cw.word, limit: 8 }), suggestCtl.signal);
    } catch (e) {
      return; // type-ahead is a convenience: a failure leaves the box as it is
    }
    if (ui.q.value.slice(cw.start) !== cw.word) return;
    showSuggestions(data, cw);
  }

  function showSuggestions(data, cw) {
    clear(ui.list);
    options = [];
    activeIndex = -1;
    ui.q.removeAttribute('aria-activedescendant');
    const add = (heading, items, make) => {
      if (!items || !items.length) return;
      ui.list.appendChild(el('li', { class: 'group', role: 'presentation' }, heading));
      for (const it of items) {
        const o = make(it);
        o.id = `suggestion-${options.length}`;
        o.cw = cw;
        const li = el('li', { id: o.id, role: 'option', class: `option option-${o.kind}`, 'aria-selected': 'false' },
          el('span', { class: 'option-name' }, o.label), el('span', { class: 'option-note' }, o.note));
        li.addEventListener('mousedown', (e) => e.preventDefault()); // keep focus in the box
        li.addEventListener('click', () => choose(o));
        ui.list.appendChild(li);
        options.push(o);
      }
    };
    add('Themes', data.themes, (t) => ({ kind: 'theme', value: t.id, label: t.name, note: 'Filter by theme' }));
    add('Providers', data.providers, (p) => ({
      kind: 'provider', value: p.urn, label: p.provider,
      note: `URN ${p.urn} \u00b7 ${plural(p.reports, 'report', 'reports')}`,
    }));
    if (!options.length) { closeSuggestions(); return; }
    ui.list.hidden = false;
    ui.q.setAttribute('aria-expanded', 'true');
  }

  function highlightOption(i) {
    activeIndex = i;
    options.forEach((o, k) => {
      const li = document.getElementById(o.id);
      if (li) li.setAttribute('aria-selected', k === i ? 'true' : 'false');
    });
    if (i >= 0) {
      ui.q.setAttribute('aria-activedescendant', options[i].id);
      const li = document.getElementById(options[i].id);
      if (li) li.scrollIntoView({ block: 'nearest' });
    } else {
      ui.q.removeAttribute('aria-activedescendant');
    }
  }

  // A theme becomes the theme filter of a search; a provider opens its
  // provider view. The word typed for the suggestion is taken out of the box.
  function choose(o) {
    const rest = ui.q.value.slice(0, o.cw.start).trim();
    closeSuggestions();
    const s = readState();
    if (o.kind === 'theme') {
      ui.q.value = rest;
      const base = ['weaknesses', 'strengths'].includes(s.view) ? s.view : 'search';
      go(viewState(base, Object.assign(filtersFromForm(s), { q: rest || undefined }), { theme: o.value, page: 1 }));
    } else {
      ui.q.value = rest;
      go({ view: 'provider', provider: o.value });
    }
  }

  ui.q.addEventListener('input', () => {
    ui.q.removeAttribute('aria-invalid');
    clearTimeout(suggestTimer);
    suggestTimer = setTimeout(fetchSuggestions, 120);
  });
  ui.q.addEventListener('keydown', (e) => {
    const open = !ui.list.hidden && options.length > 0;
    if (e.key === 'ArrowDown' && open) {
      e.preventDefault();
      highlightOption((activeIndex + 1) % options.length);
    } else if (e.key === 'ArrowUp' && open) {
      e.preventDefault();
      highlightOption(activeIndex <= 0 ? options.length - 1 : activeIndex - 1);
    } else if (e.key === 'Enter' && open && activeIndex >= 0) {
      e.preventDefault();
      choose(options[activeIndex]);
    } else if (e.key === 'Escape' && open) {
      e.preventDefault();
      closeSuggestions();
    }
  });
  ui.q.addEventListener('blur', () => setTimeout(closeSuggestions, 150));

  // ---- forms and navigation ------------------------------------------------------------

  ui.form.addEventListener('submit', (e) => {
    e.preventDefault();
    closeSuggestions();
    const s = readState();
    const q = ui.q.value.trim();
    const base = ['weaknesses', 'strengths'].includes(s.view) ? s.view : 'search';
    go(viewState(base, Object.assign(filtersFromForm(s), { q: q || undefined }), { page: 1 }));
  });

  // Selects apply at once; the date boxes wait for Apply or Enter.
  const applyFilters = () => {
    const s = readState();
    const base = ['weaknesses', 'strengths'].includes(s.view) ? s.view : 'search';
    const n = filtersFromForm(s);
    n.q = ui.q.value.trim() || s.q;
    go(viewState(base, n, { page: 1 }));
  };
  ui.filters.addEventListener('submit', (e) => { e.preventDefault(); applyFilters(); });
  for (const node of [...Object.values(ui.sel), ui.byReport]) node.addEventListener('change', applyFilters);
  $('f-clear').addEventListener('click', () => {
    const s = readState();
    const base = ['weaknesses', 'strengths'].includes(s.view) ? s.view : 'search';
    go({ view: base, q: s.q });
  });

  // On a narrow screen the filters fold away behind one button; the count
  // of filters in use shows on it.
  const filtersToggle = $('filters-toggle');
  filtersToggle.addEventListener('click', () => {
    const open = !ui.filters.classList.contains('open');
    ui.filters.classList.toggle('open', open);
    filtersToggle.setAttribute('aria-expanded', open ? 'true' : 'false');
  });

  for (const a of document.querySelectorAll('.views a, #brand')) {
    a.addEventListener('click', (e) => {
      if (e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
      e.preventDefault();
      const s = readState();
      go(a.id === 'brand' ? { view: 'search' } : viewState(a.dataset.view, s));
    });
  }

  window.addEventListener('popstate', render);

  // Theme names are wanted by every view; the page still works on ids if
  // they cannot be had.
  api('/api/themes').then((d) => {
    for (const t of d.themes || []) themeNames.set(t.id, t.name);
    const s = readState();
    if (['search', 'weaknesses', 'strengths'].includes(s.view)) {
      fillSelect(ui.sel.theme, [...themeNames.keys()], s.theme, themeName, null);
    }
  }).catch(() => {}).finally(render);
})();
