// Trainer console for quiz sessions. Talks to /api/quiz/* (see src/http/quiz-api.ts).
// The server never sends which option is correct before a question closes; this page only
// shows what it gets. All text goes in as text nodes.

const LETTERS = ['A', 'B', 'C', 'D'];
const $ = (id) => document.getElementById(id);

// The token is sent once, as a Bearer header; the server answers with an HTTP-only cookie
// that the event stream and the CSV link ride on. It is never kept in storage or URLs.
let token = '';
let current = null; // the session view
let events = null;
let clockOffset = 0;
let tick = null;

function headers(extra = {}) {
  return token ? { ...extra, Authorization: `Bearer ${token}` } : extra;
}

async function api(path, opts = {}) {
  const res = await fetch(path, { ...opts, headers: headers(opts.body ? { 'Content-Type': 'application/json' } : {}) });
  let data = null;
  try {
    data = await res.json();
  } catch {
    data = null;
  }
  if (!res.ok) {
    const error = new Error((data && data.error) || `HTTP ${res.status}`);
    error.status = res.status;
    throw error;
  }
  return data;
}

function show(id, on) {
  $(id).classList.toggle('hidden', !on);
}


// ---------- access ----------

async function checkAccess() {
  try {
    await api('/api/quiz/trainer');
    token = '';
    $('token').value = '';
    show('login', false);
    show('create', true);
    await loadTopics();
    await loadSessions();
    const fromHash = location.hash.slice(1);
    if (fromHash) await openSession(fromHash);
  } catch (error) {
    show('login', true);
    show('create', false);
    if (error.status === 403) {
      $('login-error').textContent = 'Chưa đặt TRAINER_TOKEN: bảng điều khiển chỉ dùng được ngay trên máy chủ (http://localhost). Đặt TRAINER_TOKEN để dùng từ máy khác.';
      $('login-form').classList.add('hidden');
    } else if (token) {
      $('login-error').textContent = 'Mã giảng viên không đúng.';
    }
  }
}

$('login-form').addEventListener('submit', (event) => {
  event.preventDefault();
  token = $('token').value.trim();
  void checkAccess();
});

// ---------- create ----------

async function loadTopics() {
  const data = await api('/api/quiz/topics');
  const select = $('topic');
  select.replaceChildren();
  const all = document.createElement('option');
  all.value = 'all';
  all.textContent = `Tất cả chủ đề (${data.total} câu)`;
  select.append(all);
  for (const t of data.topics) {
    const o = document.createElement('option');
    o.value = t.id;
    o.textContent = `${t.name} (${t.count} câu)`;
    o.disabled = t.count === 0;
    select.append(o);
  }
}

async function loadSessions() {
  const data = await api('/api/quiz/sessions');
  const list = $('sessions');
  list.replaceChildren();
  for (const s of data.sessions.slice(0, 10)) {
    const li = document.createElement('li');
    const a = document.createElement('a');
    a.href = `#${s.id}`;
    a.textContent = `${s.title} — mã ${s.code} — ${statusText(s.status)} — ${s.participants.length} người`;
    a.addEventListener('click', (e) => {
      e.preventDefault();
      void openSession(s.id);
    });
    li.append(a);
    list.append(li);
  }
}

$('create-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  $('create-error').textContent = '';
  $('create-button').disabled = true;
  try {
    const view = await api('/api/quiz/sessions', {
      method: 'POST',
      body: JSON.stringify({
        title: $('title').value.trim() || undefined,
        topic: $('topic').value,
        questionCount: Number($('question-count').value),
        secondsPerQuestion: Number($('seconds').value),
        speedWeighted: $('speed').checked,
        streakBonus: $('streak').checked,
      }),
    });
    await openSession(view.id, view);
  } catch (error) {
    $('create-error').textContent = error.message;
  } finally {
    $('create-button').disabled = false;
  }
});

// ---------- session ----------

async function openSession(id, view) {
  const v = view || (await api(`/api/quiz/sessions/${encodeURIComponent(id)}`));
  location.hash = v.id;
  show('create', false);
  show('session', true);
  render(v);
  if (events) events.close();
  events = new EventSource(`/api/quiz/sessions/${encodeURIComponent(v.id)}/events`);
  const onData = (e) => render(JSON.parse(e.data));
  for (const type of ['state', 'created', 'joined', 'started', 'question_opened', 'question_closed', 'finished', 'message']) events.addEventListener(type, onData);
}

$('back').addEventListener('click', () => {
  if (events) events.close();
  events = null;
  current = null;
  location.hash = '';
  show('session', false);
  show('create', true);
  void loadSessions();
});

function statusText(status) {
  return status === 'lobby' ? 'Đang chờ' : status === 'running' ? 'Đang thi' : 'Đã kết thúc';
}

function render(v) {
  current = v;
  clockOffset = v.now - Date.now();
  $('session-title').textContent = `${v.title} — ${v.topicName}, ${v.total} câu, ${v.settings.secondsPerQuestion} giây mỗi câu`;
  $('join-code').textContent = v.code;
  $('join-code-2').textContent = v.code;
  const qrSrc = `/api/quiz/join-qr/${v.code}`;
  if (v.status !== 'finished' && $('qr').getAttribute('src') !== qrSrc) $('qr').src = qrSrc;
  $('qr').classList.toggle('hidden', v.status === 'finished');
  $('join-link').textContent = v.joinUrl;
  $('status').textContent = statusText(v.status);
  $('status').className = `pill ${v.status}`;
  $('participant-count').textContent = String(v.participants.length);
  $('participants').replaceChildren(...v.participants.map((p) => Object.assign(document.createElement('span'), { textContent: p.name })));
  $('csv').href = `/api/quiz/sessions/${encodeURIComponent(v.id)}/results.csv`;

  const open = v.current && !v.current.closed;
  $('start').disabled = v.status !== 'lobby';
  $('close').disabled = !open;
  $('next').disabled = v.status !== 'running';
  $('next').textContent = v.current && v.current.number >= v.total ? 'Xem kết quả cuối' : 'Câu tiếp theo';
  $('finish').disabled = v.status === 'finished';

  renderCurrent(v);
  renderLeaderboard(v.leaderboard);
  renderHistory(v.history);
}

function renderCurrent(v) {
  const q = v.current;
  show('current', Boolean(q));
  if (!q) return;
  $('q-number').textContent = `Câu ${q.number}/${v.total}`;
  $('answered').textContent = `${q.answered}/${v.participants.length}`;
  $('stem').textContent = q.stem;
  const max = Math.max(1, ...(q.distribution || [0]));
  $('bars').replaceChildren(
    ...q.options.map((text, i) => {
      const row = document.createElement('div');
      row.className = `bar-row${q.correct === i ? ' correct' : ''}`;
      const letter = Object.assign(document.createElement('span'), { className: `letter opt-${i}`, textContent: LETTERS[i] });
      const track = Object.assign(document.createElement('div'), { className: 'track' });
      const fill = Object.assign(document.createElement('div'), { className: `fill opt-${i}` });
      fill.style.width = q.distribution ? `${(q.distribution[i] / max) * 100}%` : '0%';
      fill.style.opacity = '.25';
      const label = Object.assign(document.createElement('span'), { className: 'label', textContent: text });
      track.append(fill, label);
      const count = Object.assign(document.createElement('span'), { className: 'count', textContent: q.distribution ? String(q.distribution[i]) : '' });
      row.append(letter, track, count);
      return row;
    }),
  );
  const explain = $('explain');
  if (q.closed && q.explanation) {
    const src = q.source ? `\nNguồn: ${q.source.title}${q.source.date ? ` (${q.source.date})` : ''}${q.source.section ? `, ${q.source.section}` : ''}` : '';
    explain.textContent = `${q.explanation}${src}`;
    explain.classList.remove('hidden');
  } else {
    explain.classList.add('hidden');
  }
  if (tick) clearInterval(tick);
  const update = () => {
    if (!current || !current.current || current.current.closed) {
      $('countdown').textContent = current && current.current && current.current.closed ? 'Hết giờ' : '';
      return;
    }
    const left = Math.max(0, Math.ceil((current.current.deadline - (Date.now() + clockOffset)) / 1000));
    $('countdown').textContent = `${left} giây`;
  };
  update();
  tick = setInterval(update, 250);
}

function renderLeaderboard(board) {
  $('leaderboard').replaceChildren(
    ...board.slice(0, 50).map((e) => {
      const tr = document.createElement('tr');
      for (const [value, cls] of [[e.rank, 'num'], [e.name, ''], [e.score, 'num'], [e.correctCount, 'num']]) {
        const td = document.createElement('td');
        td.textContent = String(value);
        if (cls) td.className = cls;
        tr.append(td);
      }
      return tr;
    }),
  );
}

function renderHistory(history) {
  $('history').replaceChildren(
    ...history.map((q) => {
      const fig = document.createElement('figure');
      const cap = document.createElement('figcaption');
      cap.textContent = `Câu ${q.number}: ${q.stem.length > 90 ? `${q.stem.slice(0, 90)}…` : q.stem}`;
      const chart = document.createElement('div');
      chart.className = 'mini';
      chart.setAttribute('role', 'img');
      const dist = q.distribution || [];
      chart.setAttribute('aria-label', dist.map((n, i) => `${LETTERS[i]}: ${n}${q.correct === i ? ' (đúng)' : ''}`).join(', '));
      const max = Math.max(1, ...dist);
      dist.forEach((n, i) => {
        const bar = document.createElement('div');
        bar.className = `opt-${i}${q.correct === i ? ' correct' : ''}`;
        bar.style.height = `${(n / max) * 100}%`;
        bar.append(Object.assign(document.createElement('span'), { textContent: `${LETTERS[i]} ${n}` }));
        chart.append(bar);
      });
      fig.append(cap, chart);
      return fig;
    }),
  );
}

async function act(action) {
  if (!current) return;
  $('session-error').textContent = '';
  try {
    render(await api(`/api/quiz/sessions/${encodeURIComponent(current.id)}/${action}`, { method: 'POST' }));
  } catch (error) {
    $('session-error').textContent = error.message;
  }
}

$('start').addEventListener('click', () => void act('start'));
$('close').addEventListener('click', () => void act('close'));
$('next').addEventListener('click', () => void act('next'));
$('finish').addEventListener('click', () => {
  if (confirm('Kết thúc phiên thi ngay bây giờ?')) void act('finish');
});

void checkAccess();
