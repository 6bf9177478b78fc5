// Tidings admin page: plain DOM over the JSON API. The admin key lives in sessionStorage only.
// Every value from the API is written with textContent, never parsed as HTML.
(() => {
  'use strict';
  const KEY = 'tidings.adminKey';
  const UUID = '[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}';
  const SCOPE_FILTERS = ['project_uuid', 'job_uuid', 'pipeline_key'];
  const $ = (selector, root = document) => root.querySelector(selector);
  const state = {
    tab: null,
    deliveryCursor: null,
    eventCursor: null,
    webhooks: [],
    eventTypes: null,
    selectedDelivery: null,
    selectedEvent: null,
    selectedWebhook: null,
  };

  function el(tag, props = {}, ...children) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(props)) {
      if (value == null) continue;
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
  const time = (iso) => (iso ? el('time', { datetime: iso, text: when(iso) }) : document.createTextNode('—'));
  const isoFromLocal = (value) => (value ? new Date(value).toISOString() : '');
  const ago = (iso) => {
    const s = Math.round((Date.now() - new Date(iso).getTime()) / 1000);
    return s < 90 ? `${s}s` : s < 5400 ? `${Math.round(s / 60)}m` : s < 129600 ? `${Math.round(s / 3600)}h` : `${Math.round(s / 86400)}d`;
  };
  const fromNow = (iso) => {
    const ms = new Date(iso).getTime() - Date.now();
    return ms <= 0 ? 'due now' : `in ${ago(new Date(Date.now() - ms).toISOString())}`;
  };
  const settledStatus = (status) => !['pending', 'claimed'].includes(status);
  // A link that opens a page of the admin (#event=, #delivery=, #webhook=), the same links chat messages carry.
  const link = (kind, id, text, cls) => el('a', { href: `#${kind}=${id}`, text, class: cls });
  // Tables scroll inside their own box, so a narrow screen never scrolls the page sideways.
  const scrolling = (table) => el('div', { class: 'scroll' }, table);

  async function api(method, path, body) {
    const res = await fetch(path, {
      method,
      headers: { authorization: `Bearer ${sessionStorage.getItem(KEY)}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    const text = await res.text();
    let data = null;
    try {
      data = text ? JSON.parse(text) : null;
    } catch {
      data = null;
    }
    if (res.status === 401) {
      signOut();
      throw new Error('Signed out: the key is no longer valid');
    }
    if (!res.ok) {
      const error = new Error((data && data.message) || `HTTP ${res.status}`);
      error.status = res.status;
      error.details = (data && data.details) || [];
      throw error;
    }
    return data;
  }

  // --- confirmation and shown-once secrets ----------------------------------
  /** Asks before an action that cannot be taken back; resolves true only on the confirm button. */
  function confirmAction(message, label) {
    const dialog = $('#confirm');
    $('#confirm-message').textContent = message;
    $('#confirm-ok').textContent = label;
    dialog.returnValue = '';
    dialog.showModal();
    return new Promise((resolve) => dialog.addEventListener('close', () => resolve(dialog.returnValue === 'ok'), { once: true }));
  }

  function showOnce(box, label, secret) {
    const copy = el('button', { type: 'button', class: 'quiet', text: 'Copy' });
    copy.addEventListener('click', () =>
      navigator.clipboard.writeText(secret).then(
        () => (copy.textContent = 'Copied'),
        () => (copy.textContent = 'Select it and copy it'),
      ),
    );
    box.hidden = false;
    box.replaceChildren(
      el('strong', { text: label }),
      el('code', { class: 'secret-value', text: secret }),
      el('span', { class: 'muted', text: 'Copy it now: it is not shown again.' }),
      el('span', { class: 'actions' }, copy, el('button', { type: 'button', class: 'quiet', text: 'Done', onclick: () => hideOnce(box) })),
    );
  }
  function hideOnce(box) {
    box.hidden = true;
    box.replaceChildren();
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
    await showApp();
  }
  function signOut() {
    sessionStorage.removeItem(KEY);
    state.tab = null;
    $('#tabs').hidden = $('#logout').hidden = $('#search').hidden = true;
    document.querySelectorAll('.tab').forEach((t) => (t.hidden = true));
    document.querySelectorAll('.once').forEach(hideOnce);
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
    $('#tabs').hidden = $('#logout').hidden = $('#search').hidden = false;
    await loadWebhooks();
    // A link followed before signing in (#event=… from a chat message) opens now.
    await route();
    if (!state.tab) openTab('deliveries');
  }

  // --- tabs and links ------------------------------------------------------
  const LOADERS = { deliveries: () => loadDeliveries(true), webhooks: loadWebhooks, events: () => loadEvents(true), runs: loadRuns, keys: loadKeys };

  /** Shows a tab; its list is (re)loaded when it was not showing, or when asked. */
  function openTab(name, reload = true) {
    const switching = state.tab !== name;
    state.tab = name;
    document.querySelectorAll('#tabs button').forEach((b) => b.classList.toggle('active', b.dataset.tab === name));
    document.querySelectorAll('.tab').forEach((t) => (t.hidden = t.id !== name));
    if (switching || reload) LOADERS[name]().catch(showError);
  }
  $('#tabs').addEventListener('click', (e) => {
    if (!e.target.dataset.tab) return;
    clearHash();
    openTab(e.target.dataset.tab);
  });

  function parseHash() {
    const match = new RegExp(`^#(event|delivery|webhook)=(${UUID})$`).exec(location.hash);
    return match ? { kind: match[1], id: match[2].toLowerCase() } : null;
  }
  function clearHash() {
    if (location.hash) history.replaceState(null, '', location.pathname + location.search);
  }
  /** Opens what the address names: #event=<id>, #delivery=<id> or #webhook=<id>. */
  async function route() {
    $('#search-result').hidden = true;
    if (!sessionStorage.getItem(KEY) || !location.hash) return;
    const target = parseHash();
    if (!target) return showError(new Error(`The admin page has no link ${location.hash}; it opens #event=<id>, #delivery=<id> and #webhook=<id>`));
    if (target.kind === 'delivery') {
      openTab('deliveries', false);
      await showDelivery(target.id);
    } else if (target.kind === 'event') {
      openTab('events', false);
      await showEvent(target.id);
    } else {
      openTab('webhooks', false);
      await editWebhook(target.id);
    }
  }
  /** Goes to a link; following the link already shown opens it again. */
  function go(hash) {
    if (location.hash === hash) route();
    else location.hash = hash;
  }
  window.addEventListener('hashchange', () => route());

  // Search: an id is an event's or a delivery's; ask for both and open the one that exists.
  $('#search').addEventListener('submit', async (e) => {
    e.preventDefault();
    const id = e.target.elements.namedItem('id').value.trim().toLowerCase();
    if (!new RegExp(`^${UUID}$`).test(id)) return showError(new Error(`${id} is not an id: ids look like 0193a1b2-…-…`));
    const [event, delivery] = await Promise.allSettled([api('GET', `/v1/events/${id}`), api('GET', `/v1/deliveries/${id}`)]);
    if (event.status === 'fulfilled') go(`#event=${id}`);
    else if (delivery.status === 'fulfilled') go(`#delivery=${id}`);
    else showError(new Error(`No event or delivery has the id ${id}`));
  });

  function showError(error) {
    const box = $('#search-result');
    box.textContent = error.message;
    box.hidden = false;
  }
  function panelError(panel, title, error) {
    panel.hidden = false;
    panel.replaceChildren(el('h3', { text: title }), el('p', { class: 'error', text: error.message }));
    panel.scrollIntoView({ block: 'nearest' });
  }

  // --- webhooks ------------------------------------------------------------
  async function loadWebhooks() {
    const { data } = await api('GET', '/v1/webhooks?limit=200');
    state.webhooks = data;
    document.querySelectorAll('[data-webhook-select]').forEach((select) => {
      const keep = select.value;
      select.replaceChildren(select.options[0], ...data.map((w) => el('option', { value: w.id, text: w.name })));
      select.value = keep;
    });
    $('#webhook-rows').replaceChildren(...data.map(webhookRow));
  }
  function webhookRow(w) {
    return el(
      'tr',
      { dataset: { webhookId: w.id }, class: state.selectedWebhook === w.id ? 'selected' : '' },
      el('td', {}, link('webhook', w.id, w.name)),
      cell(new URL(w.url).host, 'mono'),
      cell(w.subscriptions.map(describeSubscription).join(', ') || 'none'),
      el('td', {}, badge(w.enabled ? 'enabled' : 'disabled'), w.disabled_reason ? el('div', { class: 'muted', text: w.disabled_reason }) : null),
      cell(w.failing_since ? `for ${ago(w.failing_since)} (since ${when(w.failing_since)})` : 'no'),
      el(
        'td',
        { class: 'row-actions' },
        el('button', { text: 'Edit', onclick: () => go(`#webhook=${w.id}`) }),
        el('button', {
          text: w.enabled ? 'Disable' : 'Enable',
          onclick: async () => {
            if (w.enabled && !(await confirmAction(`Disable ${w.name}? Its deliveries fail without being sent until you enable it again (then recover them).`, 'Disable'))) return;
            webhookAction(() => api('PATCH', `/v1/webhooks/${w.id}`, { enabled: !w.enabled }), `${w.name} ${w.enabled ? 'disabled' : 'enabled'}`);
          },
        }),
        el('button', {
          text: 'Rotate secret',
          onclick: async () => {
            if (!(await confirmAction(`Rotate the signing secret of ${w.name}? The current secret keeps signing for 24 hours, so update the receiver within that time.`, 'Rotate')))
              return;
            webhookAction(async () => {
              const { secret } = await api('POST', `/v1/webhooks/${w.id}/rotate-secret`, {});
              showOnce($('#webhook-secret'), `New signing secret of ${w.name}`, secret);
              return `Secret of ${w.name} rotated`;
            });
          },
        }),
        el('button', {
          text: 'Send test ping',
          onclick: () =>
            webhookAction(async () => {
              const r = await api('POST', `/v1/webhooks/${w.id}/test`);
              return `Ping to ${w.name}: ${r.ok ? 'ok' : 'failed'}${r.status ? ` (HTTP ${r.status})` : ''} in ${r.duration_ms} ms${r.error ? ` — ${r.error}` : ''}`;
            }),
        }),
      ),
    );
  }
  function describeSubscription(s) {
    const filters = [s.project_uuid && `project ${s.project_uuid.slice(0, 8)}`, s.job_uuid && `job ${s.job_uuid.slice(0, 8)}`, s.pipeline_key && `pipeline ${s.pipeline_key}`];
    return s.event_type + filters.filter(Boolean).map((f) => ` (${f})`).join('');
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

  // The webhook editor: one form for a new webhook and an existing one (#webhook=<id>).
  async function eventTypes() {
    state.eventTypes ??= (await api('GET', '/v1/event-types')).data.filter((t) => t.group !== 'client');
    return state.eventTypes;
  }
  /** The types a subscription pattern selects, as the API matches them (`*` leaves out engine events). */
  function typesOf(pattern) {
    const types = state.eventTypes;
    if (!pattern) return [];
    if (pattern === '*') return types.filter((t) => t.group !== 'engine');
    if (pattern.endsWith(':*')) return types.filter((t) => t.name.startsWith(pattern.slice(0, -1)));
    return types.filter((t) => t.name === pattern);
  }
  function pickerOptions(current) {
    const types = state.eventTypes;
    const prefixes = new Map();
    for (const t of types) {
      const parts = t.name.split(':');
      for (let i = 1; i < parts.length; i++) {
        const prefix = `${parts.slice(0, i).join(':')}:*`;
        prefixes.set(prefix, (prefixes.get(prefix) || 0) + 1);
      }
    }
    const patterns = ['*', ...[...prefixes].filter(([, n]) => n > 1).map(([p]) => p).sort()];
    const groups = new Map();
    for (const t of types) groups.set(t.group, [...(groups.get(t.group) || []), t]);
    const known = new Set([...patterns, ...types.map((t) => t.name)]);
    return [
      el('option', { value: '', text: 'choose an event type…' }),
      el('optgroup', { label: 'Patterns' }, ...patterns.map((p) => el('option', { value: p, text: p === '*' ? '* (every event but engine events)' : p }))),
      ...[...groups].map(([group, members]) =>
        el('optgroup', { label: group }, ...members.map((t) => el('option', { value: t.name, text: t.deprecated_at ? `${t.name} (deprecated)` : t.name }))),
      ),
      current && !known.has(current) ? el('option', { value: current, text: current }) : null,
    ];
  }
  function subscriptionRow(sub = {}) {
    const picker = el('select', { name: 'event_type', 'aria-label': 'Event type' }, ...pickerOptions(sub.event_type));
    picker.value = sub.event_type || '';
    const filters = SCOPE_FILTERS.map((name) =>
      el(
        'label',
        { dataset: { filter: name } },
        name.replace('_', ' '),
        el('input', { name, value: sub[name] || '', placeholder: name === 'pipeline_key' ? 'pipeline key' : 'uuid', autocomplete: 'off' }),
      ),
    );
    const hint = el('small', { class: 'muted' });
    const row = el(
      'div',
      { class: 'subscription', dataset: { subscription: '' } },
      el('div', { class: 'picker' }, picker, hint),
      ...filters,
      el('button', { type: 'button', class: 'quiet', text: 'Remove', onclick: () => row.remove() }),
    );
    const sync = () => {
      const selected = typesOf(picker.value);
      const offered = new Set(selected.flatMap((t) => t.scope_filters));
      // Only the filters the chosen types can match (a value already set stays visible, so the API can say why it is refused).
      for (const label of filters) label.hidden = !offered.has(label.dataset.filter) && !$('input', label).value;
      hint.textContent = !picker.value ? '' : selected.length === 1 && selected[0].name === picker.value ? selected[0].description : `${selected.length} event types`;
    };
    picker.addEventListener('change', sync);
    sync();
    return row;
  }
  function headerRow(name = '', value = '') {
    const row = el(
      'div',
      { class: 'header-row', dataset: { header: '' } },
      el('input', { name: 'header_name', value: name, placeholder: 'x-team', 'aria-label': 'Header name', autocomplete: 'off' }),
      el('input', { name: 'header_value', value, placeholder: 'value', 'aria-label': 'Header value', autocomplete: 'off' }),
      el('button', { type: 'button', class: 'quiet', text: 'Remove', onclick: () => row.remove() }),
    );
    return row;
  }
  const field = (name) => $('#webhook-form').elements.namedItem(name);
  function syncContentType() {
    // Chat formats are sent as JSON only (the API refuses the form encoding with them).
    const chat = field('format').value !== 'standard';
    if (chat) field('content_type').value = 'application/json';
    field('content_type').disabled = chat;
  }
  field('format').addEventListener('change', syncContentType);

  async function editWebhook(id) {
    const form = $('#webhook-form');
    let w = null;
    try {
      await eventTypes();
      if (id) w = await api('GET', `/v1/webhooks/${id}`);
    } catch (error) {
      closeEditor();
      return showError(error.status === 404 ? new Error(`No webhook ${id} (it may have been deleted)`) : error);
    }
    state.selectedWebhook = id;
    document.querySelectorAll('#webhook-rows tr').forEach((r) => r.classList.toggle('selected', r.dataset.webhookId === id));
    form.dataset.webhookId = id || '';
    $('#webhook-form-title').textContent = w ? `Edit ${w.name}` : 'New webhook';
    field('name').value = w ? w.name : '';
    field('url').value = w ? w.url : '';
    field('format').value = w ? w.format : 'standard';
    field('content_type').value = w ? w.content_type : 'application/json';
    field('verify_tls').checked = w ? w.verify_tls : true;
    field('ordered').checked = w ? w.ordered : false;
    syncContentType();
    $('#subscription-rows').replaceChildren(...(w ? w.subscriptions : [{}]).map(subscriptionRow));
    $('#header-rows').replaceChildren(...Object.entries(w ? w.headers : {}).map(([name, value]) => headerRow(name, value)));
    $('#webhook-form-errors').replaceChildren();
    $('#webhook-delete').hidden = !w;
    form.hidden = false;
    form.scrollIntoView({ block: 'nearest' });
    field('name').focus();
  }
  function closeEditor() {
    $('#webhook-form').hidden = true;
    state.selectedWebhook = null;
    document.querySelectorAll('#webhook-rows tr.selected').forEach((r) => r.classList.remove('selected'));
    if (parseHash()?.kind === 'webhook') clearHash();
  }
  function webhookBody() {
    const headers = {};
    for (const row of document.querySelectorAll('#header-rows [data-header]')) {
      const name = $('[name=header_name]', row).value.trim();
      if (name) headers[name.toLowerCase()] = $('[name=header_value]', row).value;
    }
    const subscriptions = [...document.querySelectorAll('#subscription-rows [data-subscription]')].map((row) => {
      const sub = { event_type: $('[name=event_type]', row).value };
      for (const name of SCOPE_FILTERS) {
        const value = $(`[name=${name}]`, row).value.trim();
        if (value) sub[name] = value;
      }
      return sub;
    });
    return {
      name: field('name').value.trim(),
      url: field('url').value.trim(),
      format: field('format').value,
      content_type: field('content_type').value,
      verify_tls: field('verify_tls').checked,
      ordered: field('ordered').checked,
      headers,
      subscriptions,
    };
  }
  function showFormErrors(messages) {
    $('#webhook-form-errors').replaceChildren(...messages.map((m) => el('li', { text: m })));
  }
  $('#webhook-new').addEventListener('click', () => {
    clearHash();
    editWebhook(null);
  });
  $('#subscription-add').addEventListener('click', () => $('#subscription-rows').append(subscriptionRow()));
  $('#header-add').addEventListener('click', () => $('#header-rows').append(headerRow()));
  $('#webhook-cancel').addEventListener('click', closeEditor);
  $('#webhook-form').addEventListener('submit', async (e) => {
    e.preventDefault();
    const id = e.target.dataset.webhookId;
    const body = webhookBody();
    const missing = body.subscriptions.map((s, i) => (s.event_type ? null : `Subscription ${i + 1}: choose an event type (or remove it)`)).filter(Boolean);
    if (!body.name) missing.unshift('A name is required');
    if (!body.url) missing.unshift('A URL is required');
    if (missing.length) return showFormErrors(missing);
    try {
      if (id) {
        const saved = await api('PATCH', `/v1/webhooks/${id}`, body);
        $('#webhook-message').textContent = `${saved.name} saved`;
      } else {
        const created = await api('POST', '/v1/webhooks', body);
        showOnce($('#webhook-secret'), `Signing secret of ${created.name}`, created.secret);
        $('#webhook-message').textContent = `${created.name} created`;
      }
      closeEditor();
      await loadWebhooks();
    } catch (error) {
      showFormErrors([error.message, ...(error.details || []).map((d) => `${d.field}: ${d.message}`)]);
    }
  });
  $('#webhook-delete').addEventListener('click', async () => {
    const id = $('#webhook-form').dataset.webhookId;
    const name = field('name').value;
    if (!(await confirmAction(`Delete ${name}? Its pending deliveries are cancelled; its delivery history stays readable.`, 'Delete'))) return;
    try {
      await api('DELETE', `/v1/webhooks/${id}`);
      closeEditor();
      $('#webhook-message').textContent = `${name} deleted`;
      await loadWebhooks();
    } catch (error) {
      showFormErrors([error.message]);
    }
  });

  // --- deliveries ----------------------------------------------------------
  function deliveryQuery() {
    const form = new FormData($('#delivery-filters'));
    const params = new URLSearchParams({ limit: '50' });
    for (const name of ['status', 'webhook_id', 'event_type', 'event_id']) if (form.get(name)) params.set(name, form.get(name).trim());
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
    const settled = settledStatus(d.status);
    return el(
      'tr',
      { dataset: { deliveryId: d.id, status: d.status }, class: state.selectedDelivery === d.id ? 'selected' : '' },
      cell(when(d.created_at)),
      cell(d.event_type, 'mono'),
      el('td', {}, link('webhook', d.webhook.id, d.webhook.name)),
      el('td', {}, badge(d.status), !settled && d.next_attempt_at ? el('div', { class: 'muted', text: `next ${fromNow(d.next_attempt_at)}` }) : null),
      cell(d.attempt_count),
      cell(d.last_error || (d.last_response_status ? `HTTP ${d.last_response_status}` : '')),
      el(
        'td',
        { class: 'row-actions' },
        el('button', { text: 'View', onclick: () => go(`#delivery=${d.id}`) }),
        settled ? el('button', { text: 'Replay', 'data-action': 'replay', onclick: () => replay(d.id).catch(showError) }) : null,
        settled ? null : el('button', { text: 'Cancel', 'data-action': 'cancel', onclick: () => cancel(d.id).catch(showError) }),
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
      if (settledStatus(d.status)) return;
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
    try {
      renderDeliveryDetail(await api('GET', `/v1/deliveries/${id}`));
    } catch (error) {
      panelError($('#delivery-detail'), `Delivery ${id}`, error);
      return;
    }
    $('#delivery-detail').scrollIntoView({ block: 'nearest' });
  }
  function renderDeliveryDetail(d) {
    const panel = $('#delivery-detail');
    panel.hidden = false;
    const facts = [
      ['Status', badge(d.status)],
      ['Event', d.event_id ? link('event', d.event_id, `${d.event_type} · ${d.event_id}`, 'mono') : d.event_type],
      ['Webhook', link('webhook', d.webhook.id, d.webhook.name)],
      ['Attempts', String(d.attempt_count)],
      ['Next attempt', settledStatus(d.status) || !d.next_attempt_at ? 'none (settled)' : el('span', { id: 'delivery-next' }, time(d.next_attempt_at), ` (${fromNow(d.next_attempt_at)})`)],
      ['Last attempt', time(d.last_attempt_at)],
      ['Delivered', time(d.delivered_at)],
      ['Created', time(d.created_at)],
    ];
    panel.replaceChildren(
      el('h3', { text: `Delivery ${d.id}` }),
      el('p', { class: 'muted', text: `Sent as webhook-id ${d.id} on every attempt and replay.` }),
      el('dl', { class: 'facts' }, ...facts.flatMap(([name, value]) => [el('dt', { text: name }), el('dd', {}, value)])),
      el('h4', { text: 'Attempts' }),
      scrolling(
        el(
          'table',
          {},
          el('thead', {}, el('tr', {}, ...['#', 'Trigger', 'Started', 'Duration', 'Status', 'Error', 'Response headers', 'Response (first 4 KiB)'].map((h) => el('th', { text: h })))),
          el(
            'tbody',
            { id: 'attempt-rows' },
            ...d.attempts.map((a) =>
              el(
                'tr',
                {},
                cell(a.number),
                cell(a.trigger),
                cell(when(a.started_at)),
                cell(`${a.duration_ms} ms`),
                cell(a.response_status),
                cell(a.error),
                el('td', {}, responseHeaders(a.response_headers)),
                cell(a.response_body, 'mono'),
              ),
            ),
          ),
        ),
      ),
      el('h4', { text: 'Payload' }),
      el('pre', { text: JSON.stringify(d.payload, null, 2) }),
    );
  }
  function responseHeaders(headers) {
    const entries = Object.entries(headers || {});
    if (!entries.length) return document.createTextNode('—');
    return el(
      'details',
      { class: 'headers' },
      el('summary', { text: `${entries.length} header${entries.length === 1 ? '' : 's'}` }),
      el('dl', { class: 'mono' }, ...entries.flatMap(([name, value]) => [el('dt', { text: name }), el('dd', { text: String(value) })])),
    );
  }
  $('#delivery-filters').addEventListener('submit', (e) => {
    e.preventDefault();
    loadDeliveries(true).catch(showError);
  });
  $('#delivery-more').addEventListener('click', () => loadDeliveries(false).catch(showError));
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
          { dataset: { eventId: e.id }, class: state.selectedEvent === e.id ? 'selected clickable' : 'clickable', onclick: () => go(`#event=${e.id}`) },
          cell(when(e.recorded_at)),
          cell(e.type, 'mono'),
          cell(e.source),
          cell(scopeText(e.scope), 'mono'),
          cell(e.delivery_count),
        ),
      ),
    );
  }
  const scopeText = (scope) =>
    Object.entries(scope || {})
      .map(([k, v]) => `${k}=${String(v).slice(0, 12)}`)
      .join(' ');
  async function showEvent(id) {
    state.selectedEvent = id;
    document.querySelectorAll('#event-rows tr').forEach((r) => r.classList.toggle('selected', r.dataset.eventId === id));
    const panel = $('#event-detail');
    let e;
    try {
      e = await api('GET', `/v1/events/${id}`);
    } catch (error) {
      return panelError(panel, `Event ${id}`, error);
    }
    panel.hidden = false;
    panel.replaceChildren(
      el('h3', { text: e.type }),
      el(
        'dl',
        { class: 'facts' },
        ...[
          ['Id', el('span', { class: 'mono', text: e.id })],
          ['Occurred', time(e.occurred_at)],
          ['Recorded', time(e.recorded_at)],
          ['Source', e.source],
          ['Idempotency key', e.idempotency_key || '—'],
          ['Scope', el('span', { class: 'mono', text: scopeText(e.scope) || '—' })],
        ].flatMap(([name, value]) => [el('dt', { text: name }), el('dd', {}, value)]),
      ),
      el('h4', { text: `Deliveries (${e.deliveries.length})` }),
      e.deliveries.length
        ? scrolling(
            el(
              'table',
              {},
              el('thead', {}, el('tr', {}, ...['Webhook', 'Status', 'Attempts', 'Last result', 'Delivery'].map((h) => el('th', { text: h })))),
              el(
                'tbody',
                { id: 'event-delivery-rows' },
                ...e.deliveries.map((d) =>
                  el(
                    'tr',
                    { dataset: { deliveryId: d.id, status: d.status } },
                    el('td', {}, link('webhook', d.webhook.id, d.webhook.name)),
                    el('td', {}, badge(d.status), !settledStatus(d.status) && d.next_attempt_at ? el('div', { class: 'muted', text: `next ${fromNow(d.next_attempt_at)}` }) : null),
                    cell(d.attempt_count),
                    cell(d.last_error || (d.last_response_status ? `HTTP ${d.last_response_status}` : '')),
                    el('td', {}, link('delivery', d.id, d.id.slice(0, 8) + '…', 'mono')),
                  ),
                ),
              ),
            ),
          )
        : el('p', { class: 'muted', text: 'No webhook subscribes to this event.' }),
      el('p', {}, el('button', { type: 'button', class: 'quiet', text: 'Show in the delivery log', onclick: () => showEventDeliveries(e.id) })),
      el('h4', { text: 'Notification payload' }),
      el('pre', { text: JSON.stringify(e.payload, null, 2) }),
    );
    panel.scrollIntoView({ block: 'nearest' });
  }
  /** The delivery log filtered to one event (GET /v1/deliveries?event_id=), with the other filters cleared. */
  function showEventDeliveries(eventId) {
    const form = $('#delivery-filters');
    form.reset();
    form.elements.namedItem('event_id').value = eventId;
    clearHash();
    openTab('deliveries');
  }
  $('#event-more').addEventListener('click', () => loadEvents(false).catch(showError));

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
          scheduleCell(r.schedule),
        ),
      ),
    );
  }
  /** The pipeline's expected-run schedule: its cron, the next tick, and the last tick with no run (MISSING) or a run not finished in time (LATE). */
  function scheduleCell(s) {
    if (!s) return cell(null);
    const verdict = (kind, tick) =>
      tick ? el('div', { class: 'schedule-verdict' }, badge(kind), ' ', tick.event_id ? link('event', tick.event_id, when(tick.tick)) : document.createTextNode(when(tick.tick))) : null;
    return el(
      'td',
      { class: 'schedule' },
      el('div', { class: 'mono', text: `${s.cron} (${s.timezone})` }),
      el('div', { class: 'muted', text: `next ${when(s.next_tick)} · start within ${s.start_within}${s.finish_within ? `, finish within ${s.finish_within}` : ''}` }),
      verdict('MISSING', s.last_missing),
      verdict('LATE', s.last_late),
    );
  }

  // --- API keys ------------------------------------------------------------
  async function loadKeys() {
    const { data } = await api('GET', '/v1/api-keys');
    $('#key-rows').replaceChildren(
      ...data.map((k) =>
        el(
          'tr',
          { dataset: { keyId: k.id } },
          cell(k.name),
          cell(`${k.prefix}…`, 'mono'),
          cell(k.scopes.join(', ')),
          cell(when(k.created_at)),
          cell(k.last_used_at ? when(k.last_used_at) : 'never'),
          el('td', {}, badge(k.revoked_at ? 'revoked' : 'active'), k.revoked_at ? el('div', { class: 'muted', text: when(k.revoked_at) }) : null),
          el('td', { class: 'row-actions' }, k.revoked_at ? null : el('button', { text: 'Revoke', onclick: () => revokeKey(k) })),
        ),
      ),
    );
  }
  async function revokeKey(k) {
    const own = (sessionStorage.getItem(KEY) || '').startsWith(k.prefix);
    const message = `Revoke the key ${k.name} (${k.prefix}…)? Every request made with it is refused from now on.${own ? ' It looks like the key you are signed in with: you will be signed out.' : ''}`;
    if (!(await confirmAction(message, 'Revoke'))) return;
    try {
      await api('DELETE', `/v1/api-keys/${k.id}`);
      $('#key-message').textContent = `${k.name} revoked`;
      await loadKeys();
    } catch (error) {
      $('#key-message').textContent = error.message;
    }
  }
  $('#key-form').addEventListener('submit', async (e) => {
    e.preventDefault();
    const form = new FormData(e.target);
    const scopes = form.getAll('scopes');
    if (!scopes.length) return ($('#key-message').textContent = 'Choose at least one scope');
    try {
      const created = await api('POST', '/v1/api-keys', { name: String(form.get('name')).trim(), scopes });
      showOnce($('#key-secret'), `API key ${created.name} (${created.scopes.join(', ')})`, created.key);
      $('#key-message').textContent = `${created.name} created`;
      e.target.reset();
      await loadKeys();
    } catch (error) {
      $('#key-message').textContent = [error.message, ...(error.details || []).map((d) => `${d.field}: ${d.message}`)].join(' · ');
    }
  });

  if (sessionStorage.getItem(KEY)) showApp().catch(() => signOut());
})();
