/**
 * A trainer's quiz session reaches a learner on the Zalo OA without the learner writing:
 * the session's pushed question goes through the persisted outbox to the (fake) OA API.
 */
import { afterAll, beforeAll, expect, inject, test, vi } from 'vitest';
import { startServer, type RunningServer } from '../helpers/start-server.ts';
import { startFakeZaloOa, type FakeZaloOa } from '../fakes/fake-zalo-oa.ts';
import { waitFor } from '../fakes/http-fake.ts';
import { signedRequest, TEST_APP_ID, textEvent } from '../fakes/zalo-events.ts';

// Server start and asynchronous delivery: allow for a busy machine.
vi.setConfig({ testTimeout: 120_000 });

const OA_SECRET = 'oa-secret-quiz';
const TRAINER = 'trainer-token-quiz';
let fake: FakeZaloOa;
let server: RunningServer;

beforeAll(async () => {
  fake = await startFakeZaloOa({ appId: TEST_APP_ID, appSecret: 'app-secret', accessTokens: ['access-0'] });
  server = await startServer({
    seedDataDir: inject('indexDataDir'),
    env: {
      ZALO_APP_ID: TEST_APP_ID,
      ZALO_OA_SECRET_KEY: OA_SECRET,
      ZALO_OA_ACCESS_TOKEN: 'access-0',
      ZALO_API_BASE_URL: fake.baseUrl,
      ZALO_OAUTH_BASE_URL: fake.baseUrl,
      TRAINER_TOKEN: TRAINER,
    },
  });
});
afterAll(async () => {
  await server?.stop();
  await fake?.close();
});

async function say(userId: string, text: string): Promise<void> {
  const req = signedRequest(textEvent({ userId, text }), OA_SECRET);
  const res = await fetch(`${server.baseUrl}/webhooks/zalo-oa`, { method: 'POST', headers: req.headers, body: req.body });
  expect(res.status).toBe(200);
}

const trainer = (path: string, body: unknown = {}) =>
  fetch(`${server.baseUrl}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${TRAINER}` }, body: JSON.stringify(body) });

test('a learner who joined from Zalo receives the question the trainer starts', async () => {
  const created = await trainer('/api/quiz/sessions', { title: 'Lớp tập huấn Zalo', topic: 'all', questionCount: 1, secondsPerQuestion: 60 });
  expect(created.status).toBe(201);
  const session = (await created.json()) as { id: string; code: string };

  await say('learner-1', `tham gia ${session.code} Nguyễn An`);
  await waitFor(() => fake.textsFor('learner-1').length >= 1, `join reply\n${server.logs().slice(-2000)}`);
  const afterJoin = fake.textsFor('learner-1').length;

  expect((await trainer(`/api/quiz/sessions/${session.id}/start`)).status).toBe(200);
  // Nothing written by the learner: the question is pushed through the outbox.
  await waitFor(() => fake.textsFor('learner-1').length > afterJoin, `pushed question\n${server.logs().slice(-2000)}`);
  const pushed = fake.delivered.filter((d) => d.userId === 'learner-1').slice(afterJoin);
  const withButtons = pushed.find((d) => (d.buttons ?? []).length > 0);
  expect(withButtons).toBeDefined();
  // Readable where buttons are not drawn: every choice is listed in the text under its title.
  for (const b of withButtons!.buttons!) {
    expect(b.type).toBe('oa.query.show');
    expect(withButtons!.text).toMatch(new RegExp(`(^|\n)${b.title}[.)]`));
  }
  expect(withButtons!.text).not.toMatch(/(^|\n)1\. A$/m);
});
