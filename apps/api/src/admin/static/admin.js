// Tidings admin page: plain DOM over the JSON API. The admin key lives in sessionStorage only.
// Every value from the API is written with textContent, never parsed as HTML.
(() => {
  'use strict';
  const KEY = 'tidings.adminKey';
  const $ = (selector, root = document) => root.querySelector(selector);
  const state = { deliveryCursor: null, eventCursor: null, webhooks: [], selectedDelivery: null };

  function el(tag, props = {}, ...children) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(props)) {
      if (name === 'text') node.textContent = value;
      else if (name === 'class') node.className = value;
      else if (name.startsWith('on')) node.addEventListener(name.slice(2), value);
      else if (name === 'dataset') Object.assign(node.dataset, value);
      else node.setAttribute(name, value);
    }
    for (const child of children) if (child != null) node.append(child);
    return node;
  }
  const cell = (text, cls) => el('td', { text: text == null ? '—' : String(text), class: cls || '' });
  const badge = (text) => el('span', { class: `badge ${text}`, text });
  const when = (iso) => (iso ? new Date(iso).toLocaleString() : '—');
  const isoFromLocal = (value) => (value ? new Date(value).toISOString() : '');
  const ago = (iso) => {
    const s = Math.round((Date.now() - new Date(iso).getTime()) / 1000);
    return s < 90 ? `${s}s` : s < 5400 ? `${Math.round(s / 60)}m` : s < 129600 ? `${Math.round(s / 3600)}h` : `${Math.round(s / 86400)}d`;
  };

  async function api(method, path, body) {
    const res = await fetch(path, {
      method,
      headers: { authorization: `Bearer ${sessionStorage.getItem(KEY)}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    const text = await res.text();
    const data = text ? JSON.parse(text) : null;
    if (res.status === 401) {
      signOut();
      throw new Error('Signed out: the key is no longer valid');
    }
    if (!res.ok) throw new Error((data && data.message) || `HTTP ${res.status}`);
    return data;
  }

  // --- sign in / out -------------------------------------------------------
  async function signIn(key) {
    sessionStorage.setItem(KEY, key);
    try {
      await api('GET', '/v1/webhooks?limit=1');
    } catch (error) {
      sessionStorage.removeItem(KEY);
      throw new Error(/lacks/.test(error.message) ? 'This key is not an admin key' : 'This key was not accepted');
    }
    showApp();
  }
  function signOut() {
    sessionStorage.removeItem(KEY);
    $('#tabs').hidden = $('#logout').hidden = true;
    document.querySelectorAll('.tab').forEach((t) => (t.hidden = true));
    $('#login').hidden = false;
  }
  $('#login-form').addEventListener('submit', async (e) => {
    e.preventDefault();
    $('#login-error').textContent = '';
    try {
      await signIn($('#key').value.trim());
    } catch (error) {
      $('#login-error').textContent = error.message;
    }
  });
  $('#logout').addEventListener('click', signOut);

  async function showApp() {
    $('#login').hidden = true;
    $('#tabs').hidden = $('#logout').hidden = false;
    await loadWebhooks();
    openTab('deliveries');
  }

  function openTab(name) {
    document.querySelectorAll('#tabs button').forEach((b) => b.classList.toggle('active', b.dataset.tab === name));
    document.querySelectorAll('.tab').forEach((t) => (t.hidden = t.id !== name));
    ({ deliveries: () => loadDeliveries(true), webhooks: loadWebhooks, events: () => loadEvents(true), runs: loadRuns })[name]();
  }
  $('#tabs').addEventListener('click', (e) => e.target.dataset.tab && openTab(e.target.dataset.tab));

  // --- webhooks ------------------------------------------------------------
  async function loadWebhooks() {
    const { data } = await api('GET', '/v1/webhooks?limit=200');
    state.webhooks = data;
    document.querySelectorAll('[data-webhook-select]').forEach((select) => {
      const keep = select.value;
      select.replaceChildren(select.options[0], ...data.map((w) => el('option', { value: w.id, text: w.name })));
      select.value = keep;
    });
    $('#webhook-rows').replaceChildren(
      ...data.map((w) =>
        el(
          'tr',
          { dataset: { webhookId: w.id } },
          cell(w.name),
          cell(new URL(w.url).host, 'mono'),
          cell(w.subscriptions.map((s) => s.event_type + (s.project_uuid ? ` (project ${s.project_uuid.slice(0, 8)})` : '') + (s.job_uuid ? ` (job ${s.job_uuid.slice(0, 8)})` : '')).join(', ') || 'none'),
          el('td', {}, badge(w.enabled ? 'enabled' : 'disabled'), w.disabled_reason ? el('div', { class: 'muted', text: w.disabled_reason }) : null),
          cell(w.failing_since ? `for ${ago(w.failing_since)} (since ${when(w.failing_since)})` : 'no'),
          el(
            'td',
            {},
            el('button', { text: w.enabled ? 'Disable' : 'Enable', onclick: () => webhookAction(() => api('PATCH', `/v1/webhooks/${w.id}`, { enabled: !w.enabled }), `${w.name} ${w.enabled ? 'disabled' : 'enabled'}`) }),
            el('button', { text: 'Rotate secret', onclick: () => webhookAction(async () => `New secret for ${w.name} (shown once): ${(await api('POST', `/v1/webhooks/${w.id}/rotate-secret`, {})).secret}`) }),
            el('button', {
              text: 'Send test ping',
              onclick: () =>
                webhookAction(async () => {
                  const r = await api('POST', `/v1/webhooks/${w.id}/test`);
                  return `Ping to ${w.name}: ${r.ok ? 'ok' : 'failed'}${r.status ? ` (HTTP ${r.status})` : ''} in ${r.duration_ms} ms${r.error ? ` — ${r.error}` : ''}`;
                }),
            }),
          ),
        ),
      ),
    );
  }
  async function webhookAction(action, done) {
    try {
      const message = await action();
      $('#webhook-message').textContent = typeof message === 'string' ? message : done;
      await loadWebhooks();
    } catch (error) {
      $('#webhook-message').textContent = error.message;
    }
  }

  // --- deliveries ----------------------------------------------------------
  function deliveryQuery() {
    const form = new FormData($('#delivery-filters'));
    const params = new URLSearchParams({ limit: '50' });
    for (const name of ['status', 'webhook_id', 'event_type']) if (form.get(name)) params.set(name, form.get(name));
    for (const name of ['since', 'until']) if (form.get(name)) params.set(name, isoFromLocal(form.get(name)));
    if (state.deliveryCursor) params.set('cursor', state.deliveryCursor);
    return params;
  }
  async function loadDeliveries(reset) {
    if (reset) {
      state.deliveryCursor = null;
      $('#delivery-rows').replaceChildren();
    }
    const page = await api('GET', `/v1/deliveries?${deliveryQuery()}`);
    state.deliveryCursor = page.next_cursor;
    $('#delivery-more').hidden = !page.next_cursor;
    $('#delivery-rows').append(...page.data.map(deliveryRow));
  }
  function deliveryRow(d) {
    const settled = !['pending', 'claimed'].includes(d.status);
    return el(
      'tr',
      { dataset: { deliveryId: d.id, status: d.status }, class: state.selectedDelivery === d.id ? 'selected' : '' },
      cell(when(d.created_at)),
      cell(d.event_type, 'mono'),
      cell(d.webhook.name),
      el('td', {}, badge(d.status)),
      cell(d.attempt_count),
      cell(d.last_error || (d.last_response_status ? `HTTP ${d.last_response_status}` : '')),
      el(
        'td',
        {},
        el('button', { text: 'View', onclick: () => showDelivery(d.id) }),
        settled ? el('button', { text: 'Replay', 'data-action': 'replay', onclick: () => replay(d.id) }) : null,
        settled ? null : el('button', { text: 'Cancel', 'data-action': 'cancel', onclick: () => cancel(d.id) }),
      ),
    );
  }
  async function refreshDelivery(id) {
    const d = await api('GET', `/v1/deliveries/${id}`);
    const row = $(`#delivery-rows tr[data-delivery-id="${id}"]`);
    if (row) row.replaceWith(deliveryRow(d));
    if (state.selectedDelivery === id) renderDeliveryDetail(d);
    return d;
  }
  async function replay(id) {
    await api('POST', `/v1/deliveries/${id}/replay`);
    // Follow it until the attempt settles, so the operator sees the outcome here.
    for (let i = 0; i < 60; i++) {
      const d = await refreshDelivery(id);
      if (!['pending', 'claimed'].includes(d.status)) return;
      await new Promise((r) => setTimeout(r, 500));
    }
  }
  async function cancel(id) {
    await api('POST', `/v1/deliveries/${id}/cancel`);
    await refreshDelivery(id);
  }
  async function showDelivery(id) {
    state.selectedDelivery = id;
    document.querySelectorAll('#delivery-rows tr').forEach((r) => r.classList.toggle('selected', r.dataset.deliveryId === id));
    renderDeliveryDetail(await api('GET', `/v1/deliveries/${id}`));
  }
  function renderDeliveryDetail(d) {
    const panel = $('#delivery-detail');
    panel.hidden = false;
    panel.replaceChildren(
      el('h3', { text: `Delivery ${d.id}` }),
      el('p', { class: 'muted', text: `webhook-id ${d.id} · ${d.event_type} → ${d.webhook.name} · ${d.status}` }),
      el('h4', { text: 'Attempts' }),
      el(
        'table',
        {},
        el('thead', {}, el('tr', {}, ...['#', 'Trigger', 'Started', 'Duration', 'Status', 'Error', 'Response (first 4 KiB)'].map((h) => el('th', { text: h })))),
        el(
          'tbody',
          { id: 'attempt-rows' },
          ...d.attempts.map((a) =>
            el('tr', {}, cell(a.number), cell(a.trigger), cell(when(a.started_at)), cell(`${a.duration_ms} ms`), cell(a.response_status), cell(a.error), cell(a.response_body, 'mono')),
          ),
        ),
      ),
      el('h4', { text: 'Payload' }),
      el('pre', { text: JSON.stringify(d.payload, null, 2) }),
    );
  }
  $('#delivery-filters').addEventListener('submit', (e) => {
    e.preventDefault();
    loadDeliveries(true).catch(alertError);
  });
  $('#delivery-more').addEventListener('click', () => loadDeliveries(false).catch(alertError));
  $('#recover-form').addEventListener('submit', async (e) => {
    e.preventDefault();
    const form = new FormData(e.target);
    try {
      const r = await api('POST', `/v1/webhooks/${form.get('webhook_id')}/recover`, { since: isoFromLocal(form.get('since')) });
      $('#recover-result').textContent = `${r.replayed} failed deliveries replayed`;
      await loadDeliveries(true);
    } catch (error) {
      $('#recover-result').textContent = error.message;
    }
  });

  // --- events --------------------------------------------------------------
  async function loadEvents(reset) {
    if (reset) {
      state.eventCursor = null;
      $('#event-rows').replaceChildren();
    }
    const page = await api('GET', `/v1/events?limit=50${state.eventCursor ? `&cursor=${state.eventCursor}` : ''}`);
    state.eventCursor = page.next_cursor;
    $('#event-more').hidden = !page.next_cursor;
    $('#event-rows').append(
      ...page.data.map((e) =>
        el(
          'tr',
          { dataset: { eventId: e.id }, onclick: () => showEvent(e) },
          cell(when(e.recorded_at)),
          cell(e.type, 'mono'),
          cell(e.source),
          cell(Object.entries(e.scope).map(([k, v]) => `${k}=${String(v).slice(0, 12)}`).join(' '), 'mono'),
          cell(e.delivery_count),
        ),
      ),
    );
  }
  function showEvent(e) {
    const panel = $('#event-detail');
    panel.hidden = false;
    panel.replaceChildren(el('h3', { text: `${e.type} · ${e.id}` }), el('pre', { text: JSON.stringify(e.payload, null, 2) }));
  }
  $('#event-more').addEventListener('click', () => loadEvents(false).catch(alertError));

  // --- pipeline runs -------------------------------------------------------
  async function loadRuns() {
    const { data } = await api('GET', '/v1/observability/runs?limit=50');
    $('#run-rows').replaceChildren(
      ...data.map((r) =>
        el(
          'tr',
          { dataset: { runKey: r.run_key } },
          cell(r.pipeline_name || r.pipeline_key),
          cell(r.run_name || r.run_key, 'mono'),
          el('td', {}, badge(r.status)),
          cell(when(r.started_at)),
          cell(when(r.ended_at)),
          cell(`${r.error_count} / ${r.warning_count}`),
          el('td', {}, ...r.tasks.map((t) => el('div', {}, el('span', { class: 'mono', text: `${t.name || t.key} ` }), badge(t.status)))),
        ),
      ),
    );
  }

  function alertError(error) {
    window.alert(error.message);
  }

  if (sessionStorage.getItem(KEY)) showApp().catch(() => signOut());
})();
