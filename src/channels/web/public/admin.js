// Staff console for "Trợ lý ảo Chuyển đổi số Bắc Giang" (/admin.html).
// Talks to /api/admin/* with the admin token (Bearer, kept in sessionStorage only) and the
// staff member's name (X-Staff-Name, logged with every action). Server text is never parsed
// as HTML: everything is built from text nodes.

const TOKEN_KEY = 'bg-cds-admin:token';
const NAME_KEY = 'bg-cds-admin:name';
const REFRESH_MS = 4000;

const $ = (id) => document.getElementById(id);
let token = sessionStorage.getItem(TOKEN_KEY) || '';
let staffName = sessionStorage.getItem(NAME_KEY) || '';
let currentTab = 'inbox';
let selectedTicket = null;
let refreshTimer = null;

const STATUS_LABEL = { open: 'Đang chờ', claimed: 'Đang xử lý', closed: 'Đã đóng' };
const CHANNEL_LABEL = { web: 'Web', 'zalo-oa': 'Zalo OA', 'zalo-bot': 'Zalo Bot' };
const FROM_LABEL = { user: 'Người dân', assistant: 'Trợ lý ảo', staff: 'Cán bộ', system: 'Thông báo' };
const DELIVERY_LABEL = { pending: 'đang gửi', sent: 'đã gửi', failed: 'không gửi được', web: 'đã gửi lên web' };

class ApiError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

async function api(path, options = {}) {
  const headers = { Accept: 'application/json', Authorization: `Bearer ${token}`, 'X-Staff-Name': encodeURIComponent(staffName) };
  if (options.body !== undefined) headers['Content-Type'] = 'application/json';
  const res = await fetch(path, { method: options.method || 'GET', headers, body: options.body === undefined ? undefined : JSON.stringify(options.body) });
  if (options.raw) {
    if (!res.ok) throw new ApiError(res.status, `HTTP ${res.status}`);
    return res;
  }
  let data = null;
  try {
    data = await res.json();
  } catch {
    data = null;
  }
  if (!res.ok) {
    if (res.status === 401) signOut('Mã quản trị không đúng hoặc đã hết hiệu lực.');
    throw new ApiError(res.status, data && data.error ? data.error : `HTTP ${res.status}`);
  }
  return data;
}

function el(tag, className, text) {
  const e = document.createElement(tag);
  if (className) e.className = className;
  if (text !== undefined) e.textContent = text;
  return e;
}

function when(iso) {
  if (!iso) return '';
  const d = new Date(iso);
  return d.toLocaleString('vi-VN', { hour: '2-digit', minute: '2-digit', day: '2-digit', month: '2-digit', year: 'numeric' });
}

// ---------- sign-in ----------

function showSignedIn(on) {
  $('login').classList.toggle('hidden', on);
  $('tabs').classList.toggle('hidden', !on);
  $('who').classList.toggle('hidden', !on);
  $('who-name').textContent = on ? staffName : '';
  for (const id of ['inbox', 'queue', 'answers', 'stats']) $(id).classList.toggle('hidden', !on || id !== currentTab);
}

function signOut(message) {
  token = '';
  sessionStorage.removeItem(TOKEN_KEY);
  if (refreshTimer) clearInterval(refreshTimer);
  refreshTimer = null;
  showSignedIn(false);
  $('login-error').textContent = message || '';
}

async function signIn(event) {
  event.preventDefault();
  token = $('token').value.trim();
  staffName = $('staff-name').value.trim();
  if (!token || !staffName) return;
  try {
    await api('/api/admin/handoffs?status=open&limit=1');
  } catch (error) {
    $('login-error').textContent = error instanceof ApiError && error.status === 404 ? 'Chức năng quản trị đang tắt: cần đặt ADMIN_TOKEN trên máy chủ.' : error.message;
    token = '';
    return;
  }
  sessionStorage.setItem(TOKEN_KEY, token);
  sessionStorage.setItem(NAME_KEY, staffName);
  $('login-error').textContent = '';
  showSignedIn(true);
  startRefresh();
  void openTab(currentTab);
}

function startRefresh() {
  if (refreshTimer) return;
  refreshTimer = setInterval(() => {
    if (currentTab === 'inbox') void loadInbox();
  }, REFRESH_MS);
}

// ---------- tabs ----------

async function openTab(tab) {
  currentTab = tab;
  for (const b of document.querySelectorAll('.tab')) b.setAttribute('aria-selected', String(b.dataset.tab === tab));
  for (const id of ['inbox', 'queue', 'answers', 'stats']) $(id).classList.toggle('hidden', id !== tab);
  try {
    if (tab === 'inbox') await loadInbox();
    else if (tab === 'queue') await loadQueue();
    else if (tab === 'answers') await loadAnswers();
    else await loadStats();
  } catch (error) {
    if (!(error instanceof ApiError && error.status === 401)) console.warn(error);
  }
}

// ---------- inbox ----------

async function loadInbox() {
  const status = $('status-filter').value;
  const [{ handoffs }, open] = await Promise.all([api(`/api/admin/handoffs?status=${status}&limit=100`), api('/api/admin/handoffs?status=open&limit=500')]);
  $('open-count').textContent = open.handoffs.length ? String(open.handoffs.length) : '';
  const list = $('ticket-list');
  list.replaceChildren();
  if (handoffs.length === 0) list.append(el('li', 'muted', 'Không có yêu cầu nào.'));
  for (const t of handoffs) {
    const li = el('li', selectedTicket === t.id ? 'selected' : '');
    const button = el('button', 'item');
    button.type = 'button';
    button.dataset.ticket = String(t.id);
    const lastUser = [...t.messages].reverse().find((m) => m.from === 'user');
    button.append(
      el('div', 'item-title', `#${t.id} · ${CHANNEL_LABEL[t.channel] || t.channel} · ${STATUS_LABEL[t.status] || t.status}`),
      el('div', '', lastUser ? lastUser.text.slice(0, 120) : t.text),
      el('div', 'item-meta', `${when(t.createdAt)}${t.claimedBy ? ` · ${t.claimedBy}` : ''}${t.deliveryProblem ? ' · ⚠ không gửi được' : ''}`),
    );
    button.addEventListener('click', () => void openTicket(t.id));
    li.append(button);
    list.append(li);
  }
  if (selectedTicket !== null) await openTicket(selectedTicket, { quiet: true });
}

async function openTicket(id, opts = {}) {
  selectedTicket = id;
  const { handoff: t } = await api(`/api/admin/handoffs/${id}`);
  for (const li of $('ticket-list').children) li.classList.toggle('selected', li.querySelector(`[data-ticket="${id}"]`) !== null);
  $('ticket-empty').classList.add('hidden');
  $('ticket-body').classList.remove('hidden');
  $('ticket-title').textContent = `Yêu cầu #${t.id} — ${STATUS_LABEL[t.status] || t.status}`;
  $('ticket-meta').textContent = `${CHANNEL_LABEL[t.channel] || t.channel} · người dùng ${t.userId} · tạo lúc ${when(t.createdAt)}${t.claimedBy ? ` · cán bộ xử lý: ${t.claimedBy}` : ''}${t.closedAt ? ` · đóng lúc ${when(t.closedAt)}` : ''}`;
  $('ticket-problem').textContent = t.deliveryProblem || '';
  const thread = $('ticket-messages');
  const atBottom = thread.scrollHeight - thread.scrollTop - thread.clientHeight < 40;
  thread.replaceChildren();
  for (const m of t.messages) {
    const li = el('li', `from-${m.from}`);
    const who = m.from === 'staff' && m.staff ? `Cán bộ ${m.staff}` : FROM_LABEL[m.from] || m.from;
    const delivery = m.delivery ? ` · ${DELIVERY_LABEL[m.delivery] || m.delivery}` : '';
    li.append(el('span', 'who-line', `${who} · ${when(m.at)}${delivery}${m.error ? ` (${m.error})` : ''}`), document.createTextNode(m.text));
    thread.append(li);
  }
  if (!opts.quiet || atBottom) thread.scrollTop = thread.scrollHeight;
  const closed = t.status === 'closed';
  $('reply-send').disabled = closed;
  $('reply-text').disabled = closed;
  $('claim').disabled = closed || t.claimedBy === staffName;
  $('close-ticket').disabled = closed;
}

async function ticketAction(action, body) {
  if (selectedTicket === null) return;
  $('ticket-error').textContent = '';
  try {
    await api(`/api/admin/handoffs/${selectedTicket}/${action}`, { method: 'POST', body });
    if (action === 'reply') $('reply-text').value = '';
    await loadInbox();
  } catch (error) {
    $('ticket-error').textContent = error.message;
  }
}

// ---------- unanswered queue ----------

async function loadQueue() {
  const { groups } = await api('/api/admin/unanswered');
  const list = $('queue-list');
  list.replaceChildren();
  if (groups.length === 0) list.append(el('li', 'muted', 'Chưa có câu hỏi nào cần xem lại.'));
  const reasonLabel = { not_found: 'chưa tìm thấy', low_confidence: 'độ tin cậy thấp', declined: 'từ chối', rated_down: '👎' };
  for (const g of groups) {
    const li = el('li');
    const reasons = Object.entries(g.reasons).map(([k, n]) => `${reasonLabel[k] || k}: ${n}`).join(', ');
    li.append(el('div', 'item-title', g.question), el('div', 'item-meta', `${g.count} lần · gần nhất ${when(g.latestAt)} · ${reasons}`));
    if (g.variants.length) li.append(el('div', 'item-meta', `Cách hỏi khác: ${g.variants.join(' | ')}`));
    const write = el('button', 'secondary small', 'Soạn câu trả lời');
    write.type = 'button';
    write.addEventListener('click', () => {
      resetAnswerForm();
      $('answer-questions').value = [g.question, ...g.variants].join('\n');
      void openTab('answers');
      $('answer-text').focus();
    });
    li.append(write);
    list.append(li);
  }
}

// ---------- curated answers ----------

function resetAnswerForm() {
  $('answer-id').value = '';
  $('answer-questions').value = '';
  $('answer-text').value = '';
  $('answer-source').value = '';
  $('answer-form-title').textContent = 'Soạn câu trả lời';
  $('answer-error').textContent = '';
}

async function loadAnswers() {
  const { answers } = await api('/api/admin/answers?all=1');
  const list = $('answer-list');
  list.replaceChildren();
  if (answers.length === 0) list.append(el('li', 'muted', 'Chưa có câu trả lời biên soạn.'));
  for (const a of answers) {
    const li = el('li');
    li.append(
      el('div', 'item-title', `${a.status === 'withdrawn' ? '[Đã rút] ' : ''}${a.questions[0]}`),
      el('div', '', a.answer.slice(0, 200)),
      el('div', 'item-meta', `Nguồn: ${a.source} · ${a.updatedBy}, ${when(a.updatedAt)}`),
    );
    const actions = el('div', 'actions');
    const edit = el('button', 'secondary small', 'Sửa');
    edit.type = 'button';
    edit.addEventListener('click', () => {
      $('answer-id').value = a.id;
      $('answer-questions').value = a.questions.join('\n');
      $('answer-text').value = a.answer;
      $('answer-source').value = a.source;
      $('answer-form-title').textContent = `Sửa câu trả lời ${a.id}`;
      $('answer-text').focus();
    });
    actions.append(edit);
    const toggle = el('button', a.status === 'withdrawn' ? 'secondary small' : 'danger small', a.status === 'withdrawn' ? 'Dùng lại' : 'Rút');
    toggle.type = 'button';
    toggle.addEventListener('click', async () => {
      if (a.status === 'withdrawn') await api(`/api/admin/answers/${a.id}`, { method: 'PUT', body: { status: 'active' } });
      else await api(`/api/admin/answers/${a.id}`, { method: 'DELETE' });
      await loadAnswers();
    });
    actions.append(toggle);
    li.append(actions);
    list.append(li);
  }
}

async function saveAnswer(event) {
  event.preventDefault();
  const questions = $('answer-questions').value.split('\n').map((q) => q.trim()).filter(Boolean);
  const body = { questions, answer: $('answer-text').value.trim(), source: $('answer-source').value.trim() };
  const id = $('answer-id').value;
  try {
    await api(id ? `/api/admin/answers/${id}` : '/api/admin/answers', { method: id ? 'PUT' : 'POST', body });
    resetAnswerForm();
    $('answers-note').textContent = 'Đã lưu: trợ lý dùng câu trả lời này ngay từ tin nhắn tiếp theo.';
    await loadAnswers();
  } catch (error) {
    $('answer-error').textContent = error.message;
  }
}

// ---------- figures ----------

function stat(label, value) {
  const box = el('div', 'stat');
  box.append(el('div', 'value', value === null || value === undefined ? '—' : String(value)), el('div', 'label', label));
  return box;
}

async function loadStats() {
  const s = await api('/api/admin/stats');
  const pct = s.feedback.downRate === null ? '—' : `${Math.round(s.feedback.downRate * 1000) / 10}%`;
  const ms = (v) => (v === null ? '—' : `${v} ms`);
  const minutes = (v) => (v === null ? '—' : `${Math.round(v / 6000) / 10} phút`);
  $('stat-cards').replaceChildren(
    stat('Tin nhắn', s.totals.messages),
    stat('Đã trả lời', s.totals.answered),
    stat('Chưa tìm thấy', s.totals.notFound),
    stat('Từ chối', s.totals.declined),
    stat('Chuyển cán bộ', s.totals.handedOff),
    stat(`👍 ${s.feedback.up} / 👎 ${s.feedback.down} — tỷ lệ 👎`, pct),
    stat('Độ trễ p50 / p95', `${ms(s.latencyMs.p50)} / ${ms(s.latencyMs.p95)}`),
    stat('Yêu cầu đang chờ / xử lý', `${s.tickets.open} / ${s.tickets.claimed}`),
    stat('Phản hồi đầu tiên (trung vị)', minutes(s.tickets.firstReplyMs.p50)),
  );
  const perDay = new Map();
  for (const d of s.days) perDay.set(d.day, (perDay.get(d.day) || 0) + d.messages);
  const max = Math.max(1, ...perDay.values());
  const chart = $('chart');
  chart.replaceChildren();
  for (const [day, n] of perDay) {
    const col = el('div', 'bar-col');
    col.title = `${day}: ${n} tin nhắn`;
    const bar = el('div', 'bar');
    bar.style.height = `${Math.max(2, Math.round((n / max) * 130))}px`;
    col.append(el('span', 'bar-label', String(n)), bar, el('span', 'bar-label', day.slice(5)));
    chart.append(col);
  }
  const top = $('top-intents');
  top.replaceChildren(...s.topIntents.map((i) => el('li', '', `${i.intent}: ${i.count}`)));
}

async function downloadCsv() {
  const res = await api('/api/admin/stats?format=csv', { raw: true });
  const blob = await res.blob();
  const a = document.createElement('a');
  a.href = URL.createObjectURL(blob);
  a.download = 'thong-ke.csv';
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
}

// ---------- wiring ----------

$('login-form').addEventListener('submit', (e) => void signIn(e));
$('logout').addEventListener('click', () => signOut(''));
for (const b of document.querySelectorAll('.tab')) b.addEventListener('click', () => void openTab(b.dataset.tab));
$('status-filter').addEventListener('change', () => {
  selectedTicket = null;
  $('ticket-body').classList.add('hidden');
  $('ticket-empty').classList.remove('hidden');
  void loadInbox();
});
$('reply-form').addEventListener('submit', (e) => {
  e.preventDefault();
  const text = $('reply-text').value.trim();
  if (text) void ticketAction('reply', { text });
});
$('claim').addEventListener('click', () => void ticketAction('claim'));
$('close-ticket').addEventListener('click', () => void ticketAction('close'));
$('answer-form').addEventListener('submit', (e) => void saveAnswer(e));
$('answer-reset').addEventListener('click', resetAnswerForm);
$('export').addEventListener('click', async () => {
  const r = await api('/api/admin/answers/export', { method: 'POST' });
  $('answers-note').textContent = `Đã xuất ${r.count} câu trả lời ra ${r.file}.`;
});
$('import').addEventListener('click', async () => {
  try {
    const r = await api('/api/admin/answers/import', { method: 'POST' });
    $('answers-note').textContent = `Đã nhập: ${r.created} mới, ${r.updated} cập nhật${r.problems.length ? `; lỗi: ${r.problems.join('; ')}` : ''}.`;
  } catch (error) {
    $('answers-note').textContent = error.message;
  }
  await loadAnswers();
});
$('csv').addEventListener('click', () => void downloadCsv());

$('staff-name').value = staffName;
if (token && staffName) {
  showSignedIn(true);
  startRefresh();
  void openTab('inbox');
} else {
  showSignedIn(false);
}
