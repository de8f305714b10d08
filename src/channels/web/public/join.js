// The join page for quiz sessions (join.html): join with a code and a name, then play.
// Talks to /api/quiz/join, /api/quiz/play, /api/quiz/play/events and /api/quiz/answer.
// Kept out of the page so the Content-Security-Policy can forbid inline scripts.

const $ = (id) => document.getElementById(id);
const LETTERS = ['A', 'B', 'C', 'D'];
const KEY = 'bg-quiz:join-token';
let token = sessionStorage.getItem(KEY) || '';
let view = null;
let offset = 0;
let stream = null;
const params = new URLSearchParams(location.search);
if (params.get('code')) $('code').value = params.get('code');

$('join-form').addEventListener('submit', async (e) => {
  e.preventDefault();
  $('join-error').textContent = '';
  const res = await fetch('/api/quiz/join', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ code: $('code').value.trim(), name: $('name').value }) });
  const data = await res.json().catch(() => ({}));
  if (!res.ok) { $('join-error').textContent = data.error || `Lỗi ${res.status}`; return; }
  token = data.token;
  sessionStorage.setItem(KEY, token);
  start();
});

async function refresh() {
  const res = await fetch(`/api/quiz/play?token=${encodeURIComponent(token)}`);
  if (res.ok) render(await res.json());
  else if (res.status === 404) { sessionStorage.removeItem(KEY); token = ''; $('join').classList.remove('hidden'); $('play').classList.add('hidden'); }
}

function start() {
  $('join').classList.add('hidden');
  $('play').classList.remove('hidden');
  void refresh();
  if (stream) stream.close();
  stream = new EventSource(`/api/quiz/play/events?token=${encodeURIComponent(token)}`);
  const on = (e) => render(JSON.parse(e.data));
  for (const t of ['state', 'joined', 'started', 'question_opened', 'question_closed', 'finished']) stream.addEventListener(t, on);
  setInterval(() => void refresh(), 5000);
  setInterval(countdown, 250);
}

async function answer(choice) {
  if (!view || !view.question || view.question.closed || view.question.myChoice !== undefined) return;
  const res = await fetch('/api/quiz/answer', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ token, choice, number: view.question.number }) });
  const data = await res.json().catch(() => ({}));
  if (data.status === 'late') $('feedback').textContent = 'Hết giờ, đáp án không được ghi nhận.';
  await refresh();
}

function countdown() {
  const q = view && view.question;
  if (!q) return;
  $('countdown').textContent = q.closed ? 'Hết giờ' : `${Math.max(0, Math.ceil((q.deadline - (Date.now() + offset)) / 1000))} giây`;
}

function render(v) {
  view = v;
  offset = v.now - Date.now();
  $('me').textContent = v.me.name;
  $('score').textContent = `${v.me.score} điểm${v.me.rank ? ` · hạng ${v.me.rank}/${v.me.of}` : ''}`;
  $('title').textContent = v.session.status === 'finished' ? `${v.session.title} — đã kết thúc` : v.session.title;
  const q = v.question;
  $('waiting').classList.toggle('hidden', Boolean(q) || v.session.status === 'finished');
  $('question').classList.toggle('hidden', !q);
  if (q) {
    $('q-number').textContent = `Câu ${q.number}/${q.total}`;
    $('stem').textContent = q.stem;
    $('answers').replaceChildren(...q.options.map((text, i) => {
      const b = document.createElement('button');
      b.type = 'button';
      b.className = `opt-${i}${q.myChoice === i ? ' chosen' : ''}${q.result && q.result.correct === i ? ' right' : ''}`;
      b.textContent = `${LETTERS[i]}. ${text}`;
      b.disabled = q.closed || q.myChoice !== undefined;
      b.addEventListener('click', () => void answer(i));
      return b;
    }));
    const fb = $('feedback');
    if (q.result) {
      fb.textContent = q.myChoice === undefined ? 'Anh/chị chưa trả lời câu này.' : q.result.myCorrect ? `Đúng! +${q.result.points} điểm` : 'Chưa đúng.';
      fb.className = `verdict ${q.result.myCorrect ? 'ok' : 'bad'}`;
      const s = q.result.source;
      $('explain').textContent = `Đáp án đúng: ${LETTERS[q.result.correct]}. ${q.options[q.result.correct]}\n${q.result.explanation}\nNguồn: ${s.title}${s.date ? ` (${s.date})` : ''}${s.section ? `, ${s.section}` : ''}`;
      $('explain').classList.remove('hidden');
    } else {
      fb.textContent = q.myChoice !== undefined ? 'Đã ghi nhận đáp án, chờ hết giờ…' : '';
      fb.className = 'verdict';
      $('explain').classList.add('hidden');
    }
  }
  $('board').classList.toggle('hidden', v.leaderboard.length === 0);
  $('leaders').replaceChildren(...v.leaderboard.map((e) => Object.assign(document.createElement('li'), { textContent: `${e.name} — ${e.score} điểm` })));
  countdown();
}

if (token) start();
