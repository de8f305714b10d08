/**
 * The records as data for officials: JSON and CSV (UTF-8 with BOM, for Excel) over HTTP.
 */
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createServer } from '../../src/http/server.ts';
import { createRecordsRouter } from '../../src/http/records-api.ts';
import { silentLogger } from '../../src/core/logger.ts';
import type { Assistant } from '../../src/app.ts';
import { testAssistant } from '../helpers/test-assistant.ts';

let assistant: Assistant;
let server: Server;
let base: string;

beforeAll(async () => {
  assistant = await testAssistant();
  const app = createServer({
    dialogue: () => assistant.dialogue,
    logger: silentLogger,
    messageMaxChars: 1000,
    routers: [createRecordsRouter(() => assistant.records)],
  });
  server = app.listen(0, '127.0.0.1');
  await new Promise((ok) => server.once('listening', ok));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((ok) => server.close(ok));
  assistant.close();
});

describe('GET /api/records/tasks', () => {
  test('filters by agency typed without diacritics, and by document', async () => {
    const res = await fetch(`${base}/api/records/tasks?agency=${encodeURIComponent('so y te')}&doc=001`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { count: number; tasks: Array<{ docId: string; leadText: string; name: string }> };
    expect(body.count).toBeGreaterThanOrEqual(4);
    expect(body.tasks.every((t) => t.docId === '001')).toBe(true);
    expect(body.tasks.some((t) => t.name.includes('PACS'))).toBe(true);
  });

  test('searches task names and contents', async () => {
    const res = await fetch(`${base}/api/records/tasks?q=${encodeURIComponent('điện toán đám mây')}&limit=3`);
    const body = (await res.json()) as { tasks: Array<{ name: string; leadText: string }> };
    expect(body.tasks[0]?.name).toContain('điện toán đám mây');
    expect(body.tasks[0]?.leadText).toBe('Tổ triển khai Dự án');
  });

  test('CSV is UTF-8 with a BOM and one row per task', async () => {
    const res = await fetch(`${base}/api/records/tasks?doc=002&format=csv`);
    expect(res.headers.get('content-type')).toContain('text/csv');
    const bytes = new Uint8Array(await res.arrayBuffer());
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const lines = new TextDecoder().decode(bytes).trim().split('\r\n');
    expect(lines[0]).toContain('chu_tri');
    expect(lines.length - 1).toBe(36);
    expect(lines.some((l) => l.includes('Trung tâm CNTT&TT'))).toBe(true);
  });

  test.each([
    ['an unknown parameter', 'foo=1', 400],
    ['a bad role', 'agency=so%20y%20te&role=boss', 400],
    ['an unknown agency', 'agency=xyz%20abc', 404],
  ])('%s gets a clear error', async (_label, query, status) => {
    const res = await fetch(`${base}/api/records/tasks?${query}`);
    expect(res.status).toBe(status);
    expect(((await res.json()) as { error: string }).error.length).toBeGreaterThan(0);
  });
});

describe('GET /api/records/targets', () => {
  test('lists a group of targets', async () => {
    const res = await fetch(`${base}/api/records/targets?group=${encodeURIComponent('kinh tế số')}&doc=001`);
    const body = (await res.json()) as { targets: Array<{ text: string; value?: number }> };
    expect(body.targets.some((t) => t.text.includes('15%') && t.value === 15)).toBe(true);
  });
});
