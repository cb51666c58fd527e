// 共享空厅 · 管理台: signs in by scanning a code, then draws the street office's statistics and
// lets managers decide requests (with how long each has waited) and close halls, and admins
// decide appeals of violations. Talks only to this server's /api/v1.
'use strict';

const statusNames = {
  pending: '待审批', confirmed: '已确认', checked_in: '已签到', completed: '已完成',
  cancelled: '已取消', rejected: '已拒绝', expired: '已过期', no_show: '爽约',
};
const weekdays = ['周一', '周二', '周三', '周四', '周五', '周六', '周日'];
const $ = (id) => document.getElementById(id);
let me = null;
let halls = [];

async function api(path, options = {}) {
  const headers = { 'Content-Type': 'application/json' };
  if (options.method && options.method !== 'GET') headers['X-Console'] = '1';  // required with the session cookie
  const res = await fetch('/api/v1' + path, { credentials: 'same-origin', ...options, headers });
  const body = res.headers.get('Content-Type')?.includes('json') ? await res.json() : null;
  if (!res.ok) throw Object.assign(new Error(body?.error?.message_zh || body?.error?.message || res.status), { status: res.status, body });
  return body;
}

function isoDate(d) {
  const local = new Date(d.getTime() + 8 * 3600 * 1000);  // Asia/Shanghai
  return local.toISOString().slice(0, 10);
}

function period() { return `from=${$('from').value}&to=${$('to').value}`; }

function cell(tr, text) {
  const td = document.createElement('td');
  td.textContent = text;
  tr.appendChild(td);
  return td;
}

function fill(tableId, rows, render) {
  const body = document.querySelector(`#${tableId} tbody`);
  body.replaceChildren();
  for (const row of rows) {
    const tr = document.createElement('tr');
    render(tr, row);
    body.appendChild(tr);
  }
}

function draw(id, option) {
  const el = $(id);
  const chart = echarts.getInstanceByDom(el) || echarts.init(el);
  chart.setOption(option, true);
  el.dataset.drawn = '1';
}

async function loadStats() {
  const [buildings, days, heat, top] = await Promise.all([
    api(`/stats/usage?${period()}&group_by=building`),
    api(`/stats/usage?${period()}&group_by=day`),
    api(`/stats/usage?${period()}&group_by=weekday_hour`),
    api(`/stats/top?${period()}&limit=10`),
  ]);
  const sum = (k) => buildings.items.reduce((a, r) => a + (r[k] || 0), 0);
  const open = sum('open_hours');
  $('card-sessions').textContent = sum('sessions');
  $('card-people').textContent = sum('person_times');
  $('card-hours').textContent = sum('booked_hours').toFixed(1);
  $('card-utilisation').textContent = open > 0 ? (100 * sum('booked_hours') / open).toFixed(1) + '%' : '–';
  $('card-noshows').textContent = sum('no_shows');

  draw('chart-buildings', {
    tooltip: {}, grid: { left: 90 },
    xAxis: { type: 'value', axisLabel: { formatter: (v) => Math.round(v * 100) + '%' } },
    yAxis: { type: 'category', data: buildings.items.map((r) => r.label) },
    series: [{ type: 'bar', name: '利用率', data: buildings.items.map((r) => r.utilisation ?? 0), itemStyle: { color: '#c62828' } }],
  });
  draw('chart-days', {
    tooltip: { trigger: 'axis' },
    xAxis: { type: 'category', data: days.items.map((r) => r.key) },
    yAxis: { type: 'value' },
    series: [{ type: 'line', name: '场次', data: days.items.map((r) => r.sessions), smooth: true }],
  });
  const cells = heat.items.map((r) => {
    const [w, h] = r.key.split('-').map(Number);
    return [h, w - 1, Number(r.booked_hours.toFixed(1))];
  });
  draw('chart-heat', {
    tooltip: {},
    xAxis: { type: 'category', data: [...Array(24).keys()].map((h) => `${h}时`) },
    yAxis: { type: 'category', data: weekdays },
    visualMap: { min: 0, max: Math.max(1, ...cells.map((c) => c[2])), calculable: true, orient: 'horizontal', left: 'center', bottom: 0 },
    series: [{ type: 'heatmap', data: cells }],
  });
  const top3 = (tr, r) => { cell(tr, r.label); cell(tr, r.sessions); cell(tr, r.person_times); };
  fill('top-branches', top.branches, top3);
  fill('top-units', top.units, top3);
  $('export-usage').href = `/api/v1/stats/usage?${period()}&group_by=venue&format=csv`;
  $('export-ledger').href = `/api/v1/stats/ledger?${period()}`;
  $('export-sharing').href = `/api/v1/stats/sharing?${period()}&format=csv`;
}

// The sharing ledger: the hours each unit's halls were used by each unit, as a heat map
// (providing unit down, using unit across), and each unit's totals both ways.
async function loadSharing() {
  const ledger = await api(`/stats/sharing?${period()}`);
  const names = [...new Set(ledger.matrix.flatMap((f) => [f.provider, f.user]))];
  draw('chart-sharing', {
    tooltip: { formatter: (p) => `${names[p.value[1]]} → ${names[p.value[0]]}：${p.value[2]} 小时` },
    grid: { left: 160, bottom: 90 },
    xAxis: { type: 'category', name: '使用单位', data: names, axisLabel: { rotate: 30 } },
    yAxis: { type: 'category', name: '提供单位', data: names },
    visualMap: { min: 0, max: Math.max(1, ...ledger.matrix.map((f) => f.hours)), calculable: true, orient: 'horizontal', left: 'center', bottom: 0 },
    series: [{ type: 'heatmap', data: ledger.matrix.map((f) => [names.indexOf(f.user), names.indexOf(f.provider), Number(f.hours.toFixed(1))]) }],
  });
  fill('sharing', ledger.units, (tr, u) => {
    cell(tr, u.name);
    for (const f of [u.provided, u.used]) { cell(tr, f.hours.toFixed(1)); cell(tr, f.sessions); cell(tr, f.person_times); }
    cell(tr, u.own.hours.toFixed(1));
  });
}

// The branch names the mapping could not place: the street's administrators' list.
async function loadReview() {
  if (me.role !== 'street_admin' && me.role !== 'district_admin') return;
  const reasons = { unmatched: '没有对应的支部', ambiguous: '对应到多个支部', joint: '联合党支部，需本人选择单位' };
  const list = await api('/org-review');
  $('review-section').hidden = list.items.length === 0;
  fill('review', list.items, (tr, r) => { cell(tr, r.org); cell(tr, reasons[r.reason] || r.reason); cell(tr, r.users); cell(tr, r.bookings); });
}

// How long since an instant, in words: under an hour, hours, or days past two.
function waited(iso) {
  const hours = Math.floor((Date.now() - Date.parse(iso)) / 3600000);
  return hours < 1 ? '不到 1 小时' : hours < 48 ? `${hours} 小时` : `${Math.floor(hours / 24)} 天`;
}

// How long the oldest request has waited, and how many start within a day (GET /manage/summary).
function waitingText(s) {
  const soon = s.starting_within_24h ? `，其中 ${s.starting_within_24h} 条一天内就要开始` : '';
  return `最早的申请已等${waited(s.oldest_at)}${soon}。`;
}

async function loadPending() {
  const summary = await api('/manage/summary');
  $('pending-badge').hidden = $('pending-oldest').hidden = summary.pending === 0;
  $('pending-badge').textContent = String(summary.pending);
  $('pending-oldest').textContent = summary.pending ? waitingText(summary) : '';
  // New requests, and confirmed bookings asking for more time (their time asked shown beside).
  const list = await api('/manage/bookings?awaiting=true');
  $('pending-empty').hidden = list.items.length > 0;
  fill('pending', list.items, (tr, b) => {
    tr.dataset.id = b.id;
    const asked = b.extension ? `（申请加长为 ${b.extension.start}–${b.extension.end}）` : '';
    cell(tr, b.id); cell(tr, b.date); cell(tr, `${b.start}–${b.end}${asked}`); cell(tr, b.purpose); cell(tr, b.attendees);
    const since = b.extension ? b.extension.asked_at : b.created_at;
    cell(tr, since ? waited(since) : '').className = 'waited';
    const td = cell(tr, '');
    if (me && b.user_id === me.id) {
      // Nobody decides on their own request: another manager or an administrator above the hall does.
      td.textContent = '本人申请，须由其他管理员审批';
      td.className = 'own-request';
      return;
    }
    const reason = Object.assign(document.createElement('input'), { placeholder: '拒绝原因' });
    const ok = Object.assign(document.createElement('button'), { textContent: '通过', className: 'approve' });
    const no = Object.assign(document.createElement('button'), { textContent: '拒绝', className: 'reject' });
    ok.onclick = async () => { await api(`/bookings/${b.id}/approve`, { method: 'POST' }); await refresh(); };
    no.onclick = async () => {
      if (!reason.value.trim()) { reason.focus(); return; }
      await api(`/bookings/${b.id}/reject`, { method: 'POST', body: JSON.stringify({ reason: reason.value.trim() }) });
      await refresh();
    };
    td.append(reason, ok, no);
  });
}

// Appeals of violations waiting for the street (admins only: GET /appeals). Waive, or keep with a
// word the member reads.
const violationNames = { no_show: '预约后未签到', late_cancel: '临近开始才取消', late_shrink: '临近开始才缩短时间' };
async function loadAppeals() {
  const admin = me.role === 'street_admin' || me.role === 'district_admin';
  $('appeals-section').hidden = !admin;
  if (!admin) return;
  const list = await api('/appeals');
  $('appeals-badge').hidden = list.items.length === 0;
  $('appeals-badge').textContent = String(list.items.length);
  $('appeals-empty').hidden = list.items.length > 0;
  fill('appeals', list.items, (tr, a) => {
    tr.dataset.id = a.violation_id;
    cell(tr, a.member.name || `成员 ${a.member.id}`);
    cell(tr, a.booking.venue_name);
    cell(tr, `${a.booking.date} ${a.booking.start}–${a.booking.end}`);
    cell(tr, `${violationNames[a.kind] || a.kind}，记 ${a.weight} 次`);
    cell(tr, a.reason).className = 'reason';
    const td = cell(tr, '');
    const note = Object.assign(document.createElement('input'), { placeholder: '维持的理由（申诉人会看到）', maxLength: 200 });
    const waive = Object.assign(document.createElement('button'), { textContent: '免除', className: 'waive' });
    const keep = Object.assign(document.createElement('button'), { textContent: '维持', className: 'keep' });
    const decide = async (body) => {
      await api(`/violations/${a.violation_id}/appeal/decision`, { method: 'POST', body: JSON.stringify(body) });
      await loadAppeals();
    };
    waive.onclick = () => decide({ waive: true });
    keep.onclick = () => (note.value.trim() ? decide({ waive: false, note: note.value.trim() }) : note.focus());
    td.append(note, waive, keep);
  });
}

// The booking table, a page of 50 at a time (the server's page), filtered by state and hall.
const bookingsPage = { page: 1, size: 50 };
async function loadBookings() {
  const status = $('status-filter').value;
  const hall = $('hall-filter').value;
  const query = [status && `status=${status}`, hall && `venue_id=${hall}`, period(), `page=${bookingsPage.page}`].filter(Boolean).join('&');
  const list = await api(`/manage/bookings?${query}`);
  const name = (id) => halls.find((h) => h.id === id)?.name || `场地 ${id}`;
  fill('bookings', list.items, (tr, b) => {
    cell(tr, b.id); cell(tr, name(b.venue_id)); cell(tr, b.date); cell(tr, `${b.start}–${b.end}`);
    cell(tr, statusNames[b.status] || b.status); cell(tr, b.purpose); cell(tr, b.present ?? '');
  });
  $('bookings-page').textContent = `第 ${bookingsPage.page} 页`;
  $('bookings-prev').disabled = bookingsPage.page === 1;
  $('bookings-next').disabled = list.items.length < bookingsPage.size;
}

function firstPage() {
  bookingsPage.page = 1;
  return loadBookings();
}

// Every hall in the caller's scope, every page of the search (so that none shows as a number).
async function allHalls(query) {
  const out = [];
  for (let page = 1; ; page++) {
    const got = await api(`/venues?${query}${query ? '&' : ''}page=${page}`);
    out.push(...got.items);
    if (!got.items.length || out.length >= got.total) return out;
  }
}

function options(select, first, list) {
  select.replaceChildren(...first, ...list.map((h) => Object.assign(document.createElement('option'), { value: h.id, textContent: h.name })));
}

async function loadHalls() {
  const all = [];
  if (me.role === 'manager') {
    for (const b of me.building_ids) all.push(...(await allHalls(`building_id=${b}`)));
  } else if (me.role === 'street_admin') {
    all.push(...(await allHalls(`street_id=${me.street_id}`)));
  } else {
    all.push(...(await allHalls('')));
  }
  halls = all;
  options($('closure-hall'), [], halls);
  options($('hall-filter'), [Object.assign(document.createElement('option'), { value: '', textContent: '全部场地' })], halls);
  // Admins close every hall of their street, or of the district, in one step.
  $('closure-scope').querySelector('[value=street]').hidden = me.role !== 'street_admin' && me.role !== 'district_admin';
  $('closure-scope').querySelector('[value=district]').hidden = me.role !== 'district_admin';
  await loadClosures();
}

// A closure of the chosen hall, or of every hall of the street or the district (POST /closures).
async function submitClosure() {
  const scope = $('closure-scope').value;
  const body = { from: $('closure-from').value, to: $('closure-to').value, reason: $('closure-reason').value, cancel_conflicting: $('closure-cancel').checked };
  if (scope === 'street') body.street_id = me.street_id;
  const path = scope === 'hall' ? `/venues/${$('closure-hall').value}/closures` : '/closures';
  try {
    const made = await api(path, { method: 'POST', body: JSON.stringify(body) });
    const halls = made.closures ? made.closures.length : 1;
    const cancelled = made.cancelled_booking_ids.length;
    $('closure-message').textContent = `已关闭 ${halls} 个场地${cancelled ? `，取消了 ${cancelled} 条预约并已通知预约人` : ''}。`;
    await Promise.all([loadClosures(), firstPage()]);
  } catch (err) {
    const inTheWay = err.body?.error?.details?.booking_ids;
    $('closure-message').textContent = inTheWay
      ? `这段时间有 ${inTheWay.length} 条预约。勾选“取消这段时间里的预约并通知预约人”后再提交。`
      : err.message;
  }
}

async function loadClosures() {
  const id = $('closure-hall').value;
  if (!id) return;
  const list = await api(`/venues/${id}/closures`);
  const hall = halls.find((h) => String(h.id) === id);
  fill('closures', list.items, (tr, c) => { cell(tr, hall?.name || id); cell(tr, c.from); cell(tr, c.to); cell(tr, c.reason); });
}

async function refresh() {
  bookingsPage.page = 1;
  await Promise.all([loadStats(), loadSharing(), loadReview(), loadPending(), loadAppeals(), loadBookings()]);
}

async function showApp(user) {
  me = user;
  $('login').hidden = true;
  $('app').hidden = false;
  $('logout').hidden = false;
  const roles = { manager: '楼宇管理员', street_admin: '街道管理员', district_admin: '区管理员' };
  $('who').textContent = `${user.name || '用户' + user.id}（${roles[user.role] || user.role}）`;
  const today = new Date();
  $('from').value = isoDate(new Date(today.getTime() - 30 * 86400000));
  $('to').value = isoDate(new Date(today.getTime() + 30 * 86400000));
  await loadHalls();
  await refresh();
  document.body.dataset.ready = '1';
}

async function signIn() {
  $('login').hidden = false;
  const login = await api('/auth/web-login', { method: 'POST' });
  $('code').src = login.code_url;
  $('nonce').textContent = login.nonce;
  document.body.dataset.nonce = login.nonce;
  const deadline = Date.now() + login.expires_in * 1000;
  while (Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 1000));
    try {
      const state = await api(`/auth/web-login/${login.nonce}`);
      if (state.status === 'signed_in') return showApp(state.user);
    } catch (e) {
      break;  // expired or used: a new code
    }
  }
  $('login-state').textContent = '登录码已过期，正在刷新……';
  return signIn();
}

async function start() {
  $('period').onsubmit = (e) => { e.preventDefault(); refresh(); };
  $('status-filter').onchange = firstPage;
  $('hall-filter').onchange = firstPage;
  $('bookings-prev').onclick = () => { bookingsPage.page = Math.max(1, bookingsPage.page - 1); return loadBookings(); };
  $('bookings-next').onclick = () => { bookingsPage.page += 1; return loadBookings(); };
  $('closure-hall').onchange = () => loadClosures();
  $('closure-scope').onchange = () => { $('closure-hall').hidden = $('closure-scope').value !== 'hall'; };
  $('closure-form').onsubmit = (e) => { e.preventDefault(); return submitClosure(); };
  $('logout').onclick = async () => { await api('/auth/logout', { method: 'POST' }); location.reload(); };
  try {
    await showApp(await api('/me'));
  } catch (e) {
    if (e.status !== 401) throw e;
    await signIn();
  }
}

start();
