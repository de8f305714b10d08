/**
 * One SQLite file in DATA_DIR, opened with better-sqlite3, with versioned migrations.
 * Migrations are append-only: never edit a shipped one, add the next version.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';

export type Db = Database.Database;

interface Migration {
  version: number;
  name: string;
  sql: string;
}

export const migrations: readonly Migration[] = [
  {
    version: 1,
    name: 'knowledge index and conversations',
    sql: `
      CREATE TABLE kb_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
      CREATE TABLE kb_documents (
        id TEXT PRIMARY KEY, file TEXT NOT NULL, meta_json TEXT NOT NULL,
        content_hash TEXT NOT NULL, line_count INTEGER NOT NULL
      );
      CREATE TABLE kb_chunks (
        id TEXT PRIMARY KEY, seq INTEGER NOT NULL, doc_id TEXT NOT NULL REFERENCES kb_documents(id),
        section_path_json TEXT NOT NULL, text TEXT NOT NULL,
        line_start INTEGER NOT NULL, line_end INTEGER NOT NULL, date TEXT NOT NULL, kind TEXT NOT NULL
      );
      CREATE INDEX kb_chunks_doc ON kb_chunks(doc_id, seq);
      CREATE TABLE kb_vectors (chunk_id TEXT PRIMARY KEY REFERENCES kb_chunks(id), vector BLOB NOT NULL);
      CREATE TABLE kb_problems (file TEXT NOT NULL, message TEXT NOT NULL);

      CREATE TABLE messages (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        channel TEXT NOT NULL, user_id TEXT NOT NULL, direction TEXT NOT NULL CHECK (direction IN ('in','out')),
        text TEXT NOT NULL, intent TEXT, created_at INTEGER NOT NULL
      );
      CREATE INDEX messages_user ON messages(channel, user_id, created_at);
      CREATE INDEX messages_created ON messages(created_at);
      CREATE TABLE conversation_state (
        channel TEXT NOT NULL, user_id TEXT NOT NULL, state_json TEXT NOT NULL, updated_at INTEGER NOT NULL,
        PRIMARY KEY (channel, user_id)
      );
    `,
  },
  {
    version: 2,
    name: 'zalo inbox, outbox, OA tokens and handoff requests',
    sql: `
      CREATE TABLE zalo_inbox (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        channel TEXT NOT NULL, event_key TEXT NOT NULL, user_id TEXT NOT NULL, message_json TEXT NOT NULL,
        status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending','done','failed','rate_limited')),
        error TEXT, received_at INTEGER NOT NULL, processed_at INTEGER,
        UNIQUE (channel, event_key)
      );
      CREATE INDEX zalo_inbox_status ON zalo_inbox(status, id);
      CREATE TABLE zalo_outbox (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        inbox_id INTEGER REFERENCES zalo_inbox(id),
        channel TEXT NOT NULL, user_id TEXT NOT NULL, payload_json TEXT NOT NULL,
        status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending','sent','failed')),
        attempts INTEGER NOT NULL DEFAULT 0, next_attempt_at INTEGER NOT NULL, last_error TEXT,
        created_at INTEGER NOT NULL, sent_at INTEGER
      );
      CREATE INDEX zalo_outbox_pending ON zalo_outbox(status, channel, user_id, id);
      CREATE TABLE zalo_oa_tokens (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        access_token TEXT, refresh_token TEXT, access_expires_at INTEGER,
        refresh_dead INTEGER NOT NULL DEFAULT 0, source TEXT NOT NULL, updated_at INTEGER NOT NULL
      );
      CREATE TABLE handoff_requests (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        channel TEXT NOT NULL, user_id TEXT NOT NULL, text TEXT NOT NULL, recent_json TEXT NOT NULL,
        status TEXT NOT NULL DEFAULT 'open', created_at INTEGER NOT NULL
      );
      CREATE INDEX handoff_requests_status ON handoff_requests(status, created_at);
    `,
  },
  {
    version: 3,
    name: 'plan records (tasks and targets) built with the knowledge index',
    sql: `
      CREATE TABLE kb_records (
        kind TEXT NOT NULL CHECK (kind IN ('task', 'target')), id TEXT NOT NULL, doc_id TEXT NOT NULL,
        seq INTEGER NOT NULL, json TEXT NOT NULL, PRIMARY KEY (kind, id)
      );
      CREATE TABLE kb_records_report (line TEXT NOT NULL, seq INTEGER NOT NULL);
    `,
  },
  {
    version: 4,
    name: 'quiz: trainer sessions, participants, answers, solo practice, web inbox',
    sql: `
      CREATE TABLE quiz_sessions (
        id TEXT PRIMARY KEY, code TEXT NOT NULL, title TEXT NOT NULL, settings_json TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('lobby','running','finished')),
        current_position INTEGER NOT NULL DEFAULT -1,
        created_at INTEGER NOT NULL, started_at INTEGER, finished_at INTEGER
      );
      CREATE UNIQUE INDEX quiz_sessions_open_code ON quiz_sessions(code) WHERE status <> 'finished';
      CREATE TABLE quiz_session_questions (
        session_id TEXT NOT NULL REFERENCES quiz_sessions(id), position INTEGER NOT NULL,
        question_id TEXT NOT NULL, question_json TEXT NOT NULL,
        opened_at INTEGER, deadline INTEGER, closed_at INTEGER,
        PRIMARY KEY (session_id, position)
      );
      CREATE TABLE quiz_participants (
        id INTEGER PRIMARY KEY AUTOINCREMENT, session_id TEXT NOT NULL REFERENCES quiz_sessions(id),
        name TEXT NOT NULL, channel TEXT NOT NULL, user_id TEXT NOT NULL, token TEXT NOT NULL UNIQUE,
        score INTEGER NOT NULL DEFAULT 0, streak INTEGER NOT NULL DEFAULT 0,
        correct_count INTEGER NOT NULL DEFAULT 0, correct_ms INTEGER NOT NULL DEFAULT 0,
        joined_at INTEGER NOT NULL, left_at INTEGER,
        UNIQUE (session_id, channel, user_id)
      );
      CREATE INDEX quiz_participants_user ON quiz_participants(channel, user_id);
      CREATE TABLE quiz_answers (
        session_id TEXT NOT NULL REFERENCES quiz_sessions(id), participant_id INTEGER NOT NULL REFERENCES quiz_participants(id),
        position INTEGER NOT NULL, choice INTEGER NOT NULL, correct INTEGER NOT NULL,
        elapsed_ms INTEGER NOT NULL, points INTEGER NOT NULL, answered_at INTEGER NOT NULL,
        PRIMARY KEY (session_id, participant_id, position)
      );
      CREATE INDEX quiz_answers_question ON quiz_answers(session_id, position);
      CREATE TABLE quiz_pending_joins (
        channel TEXT NOT NULL, user_id TEXT NOT NULL, session_id TEXT NOT NULL, asked_at INTEGER NOT NULL,
        PRIMARY KEY (channel, user_id)
      );
      CREATE TABLE quiz_practice (
        channel TEXT NOT NULL, user_id TEXT NOT NULL, state_json TEXT NOT NULL, updated_at INTEGER NOT NULL,
        PRIMARY KEY (channel, user_id)
      );
      CREATE TABLE quiz_seen (
        channel TEXT NOT NULL, user_id TEXT NOT NULL, question_id TEXT NOT NULL, seen_at INTEGER NOT NULL,
        PRIMARY KEY (channel, user_id, question_id)
      );
      CREATE TABLE quiz_web_inbox (
        id INTEGER PRIMARY KEY AUTOINCREMENT, user_id TEXT NOT NULL, payload_json TEXT NOT NULL, created_at INTEGER NOT NULL
      );
      CREATE INDEX quiz_web_inbox_user ON quiz_web_inbox(user_id, id);
    `,
  },
  {
    version: 5,
    name: "plan records: kind 'responsibility' (duties of the 'Tổ chức thực hiện' sections)",
    // SQLite cannot alter a CHECK constraint: copy into a table with the wider one.
    sql: `
      CREATE TABLE kb_records_v5 (
        kind TEXT NOT NULL CHECK (kind IN ('task', 'target', 'responsibility')), id TEXT NOT NULL, doc_id TEXT NOT NULL,
        seq INTEGER NOT NULL, json TEXT NOT NULL, PRIMARY KEY (kind, id)
      );
      INSERT INTO kb_records_v5 (kind, id, doc_id, seq, json) SELECT kind, id, doc_id, seq, json FROM kb_records;
      DROP TABLE kb_records;
      ALTER TABLE kb_records_v5 RENAME TO kb_records;
    `,
  },
  {
    version: 6,
    name: "plan records: kind 'group' (appendix group rows with their subtotals)",
    sql: `
      CREATE TABLE kb_records_v6 (
        kind TEXT NOT NULL CHECK (kind IN ('task', 'target', 'responsibility', 'group')), id TEXT NOT NULL, doc_id TEXT NOT NULL,
        seq INTEGER NOT NULL, json TEXT NOT NULL, PRIMARY KEY (kind, id)
      );
      INSERT INTO kb_records_v6 (kind, id, doc_id, seq, json) SELECT kind, id, doc_id, seq, json FROM kb_records;
      DROP TABLE kb_records;
      ALTER TABLE kb_records_v6 RENAME TO kb_records;
      -- Stored records from before this version lack the groups: force the next start to rebuild the index.
      DELETE FROM kb_meta WHERE key = 'fingerprint';
    `,
  },
  {
    version: 7,
    name: 'staff side: handoff tickets with takeover, staff actions, answer log, feedback, curated answers',
    sql: `
      ALTER TABLE handoff_requests ADD COLUMN claimed_by TEXT;
      ALTER TABLE handoff_requests ADD COLUMN claimed_at INTEGER;
      ALTER TABLE handoff_requests ADD COLUMN closed_by TEXT;
      ALTER TABLE handoff_requests ADD COLUMN closed_at INTEGER;
      ALTER TABLE handoff_requests ADD COLUMN first_reply_at INTEGER;
      ALTER TABLE handoff_requests ADD COLUMN timeout_notified_at INTEGER;
      ALTER TABLE handoff_requests ADD COLUMN delivery_problem TEXT;
      CREATE INDEX handoff_requests_user ON handoff_requests(channel, user_id, status);
      CREATE TABLE handoff_messages (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        handoff_id INTEGER NOT NULL REFERENCES handoff_requests(id),
        author TEXT NOT NULL CHECK (author IN ('user', 'staff', 'system')),
        staff TEXT, text TEXT NOT NULL,
        delivery TEXT NOT NULL DEFAULT 'none' CHECK (delivery IN ('none', 'pending', 'sent', 'failed', 'web')),
        outbox_ids TEXT, delivery_error TEXT, created_at INTEGER NOT NULL
      );
      CREATE INDEX handoff_messages_ticket ON handoff_messages(handoff_id, id);
      CREATE INDEX handoff_messages_delivery ON handoff_messages(delivery, id);
      CREATE TABLE staff_actions (
        id INTEGER PRIMARY KEY AUTOINCREMENT, staff TEXT NOT NULL, action TEXT NOT NULL,
        target TEXT, detail TEXT, created_at INTEGER NOT NULL
      );
      CREATE INDEX staff_actions_created ON staff_actions(created_at);
      CREATE TABLE answer_log (
        id TEXT PRIMARY KEY, channel TEXT NOT NULL, user_id TEXT NOT NULL, question TEXT NOT NULL,
        answer TEXT NOT NULL, intent TEXT NOT NULL, confidence REAL NOT NULL, sources_json TEXT NOT NULL,
        outcome TEXT NOT NULL, latency_ms INTEGER NOT NULL, created_at INTEGER NOT NULL
      );
      CREATE INDEX answer_log_user ON answer_log(channel, user_id, created_at);
      CREATE INDEX answer_log_created ON answer_log(created_at);
      CREATE TABLE feedback (
        id INTEGER PRIMARY KEY AUTOINCREMENT, message_id TEXT NOT NULL, channel TEXT NOT NULL, user_id TEXT NOT NULL,
        rating TEXT NOT NULL CHECK (rating IN ('up', 'down')), comment TEXT,
        question TEXT, answer TEXT, intent TEXT, confidence REAL, sources_json TEXT, created_at INTEGER NOT NULL,
        UNIQUE (message_id, user_id)
      );
      CREATE INDEX feedback_created ON feedback(created_at);
      CREATE TABLE curated_answers (
        id TEXT PRIMARY KEY, questions_json TEXT NOT NULL, answer TEXT NOT NULL, source TEXT NOT NULL,
        status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'withdrawn')),
        created_by TEXT NOT NULL, created_at INTEGER NOT NULL, updated_by TEXT NOT NULL, updated_at INTEGER NOT NULL
      );
    `,
  },
];

/**
 * Opens (creating if needed) the database and applies pending migrations in one transaction each.
 * @example const db = openDatabase(join(config.dataDir, 'assistant.db'));
 */
export function openDatabase(file: string): Db {
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  // Deleted personal data is overwritten, not left in free pages (retention, "xoá dữ liệu của tôi").
  db.pragma('secure_delete = ON');
  db.pragma('busy_timeout = 5000');
  migrate(db);
  return db;
}

export function migrate(db: Db): number[] {
  db.exec('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)');
  const applied = new Set(db.prepare('SELECT version FROM schema_migrations').pluck().all() as number[]);
  const done: number[] = [];
  for (const m of [...migrations].sort((a, b) => a.version - b.version)) {
    if (applied.has(m.version)) continue;
    db.transaction(() => {
      db.exec(m.sql);
      db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)').run(m.version, m.name, new Date().toISOString());
    })();
    done.push(m.version);
  }
  return done;
}
