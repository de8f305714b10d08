/**
 * The staff side of a handoff: claim, reply, close, each logged with the staff member's name
 * and the time. A reply reaches the user on the channel they came from — Zalo through the
 * persisted outbox (registered per channel by `main.ts`), the web chat by polling
 * `GET /api/chat/inbox` — marked as coming from a staff member. A sweep follows each Zalo
 * reply to its outbox rows (a refusal outside the OA's 7-day consultation window is marked on
 * the ticket; the outbox never retries it) and tells users whose ticket waited too long the
 * hotline.
 */
import type { Db } from '../storage/database.ts';
import type { Logger } from '../core/logger.ts';
import type { OutgoingMessage } from '../core/messages.ts';
import type { Ticket, TicketStore } from './tickets.ts';

/** Queues messages for a user of one channel; returns the outbox row ids. */
export type Deliver = (userId: string, messages: OutgoingMessage[]) => number[];

export interface StaffDeskOptions {
  db: Db;
  tickets: TicketStore;
  logger: Logger;
  officialChannel: { officeHours: string; hotline: string; portalUrl: string };
  /** An open ticket with no staff reply after this long gets the user the hotline (0 = never). */
  replyTimeoutMs: number;
  now?: () => number;
}

/** Zalo's refusals outside the consultation window (zalo-platform.md): the user must write first. */
const OUTSIDE_WINDOW = /error (-230|-232|-213)\b/;

export type DeskResult = { ok: true; ticket: Ticket } | { ok: false; status: 404 | 409; error: string };

export class StaffDesk {
  private readonly channels = new Map<string, Deliver>();
  private timer: NodeJS.Timeout | undefined;
  private readonly now: () => number;

  constructor(private readonly options: StaffDeskOptions) {
    this.now = options.now ?? Date.now;
  }

  get tickets(): TicketStore {
    return this.options.tickets;
  }

  /** @example desk.register('zalo-oa', (userId, messages) => zalo.push('zalo-oa', userId, messages)); */
  register(channel: string, deliver: Deliver): void {
    this.channels.set(channel, deliver);
  }

  /** Records who did what and when (GET /api/admin/actions). */
  logAction(staff: string, action: string, target?: string, detail?: string): void {
    this.options.db
      .prepare('INSERT INTO staff_actions (staff, action, target, detail, created_at) VALUES (?, ?, ?, ?, ?)')
      .run(staff, action, target ?? null, detail ?? null, this.now());
  }

  actions(limit = 200): Array<{ staff: string; action: string; target?: string; detail?: string; at: number }> {
    return (
      this.options.db.prepare('SELECT staff, action, target, detail, created_at FROM staff_actions ORDER BY id DESC LIMIT ?').all(limit) as Array<{
        staff: string;
        action: string;
        target: string | null;
        detail: string | null;
        created_at: number;
      }>
    ).map((r) => ({ staff: r.staff, action: r.action, target: r.target ?? undefined, detail: r.detail ?? undefined, at: r.created_at }));
  }

  claim(id: number, staff: string): DeskResult {
    const ticket = this.tickets.get(id);
    if (!ticket) return { ok: false, status: 404, error: `no ticket ${id}` };
    if (!this.tickets.claim(id, staff, this.now())) return { ok: false, status: 409, error: `ticket ${id} is closed` };
    this.logAction(staff, 'claim', `handoff:${id}`);
    return { ok: true, ticket: this.tickets.get(id)! };
  }

  /** A staff reply, claiming the ticket if nobody has; delivered on the user's channel. */
  reply(id: number, staff: string, text: string): DeskResult {
    const ticket = this.tickets.get(id);
    if (!ticket) return { ok: false, status: 404, error: `no ticket ${id}` };
    if (ticket.status === 'closed') return { ok: false, status: 409, error: `ticket ${id} is closed` };
    if (ticket.status === 'open' || ticket.claimedBy !== staff) this.tickets.claim(id, staff, this.now());
    const shown = `👤 Cán bộ ${staff} trả lời (yêu cầu số ${id}):\n${text}`;
    this.send(ticket, { author: 'staff', staff, text }, [{ type: 'text', text: shown }]);
    this.tickets.markFirstReply(id, this.now());
    this.logAction(staff, 'reply', `handoff:${id}`, text.slice(0, 200));
    return { ok: true, ticket: this.tickets.get(id)! };
  }

  /** Closes the ticket; the assistant tells the user it answers again. */
  close(id: number, staff: string): DeskResult {
    const ticket = this.tickets.get(id);
    if (!ticket) return { ok: false, status: 404, error: `no ticket ${id}` };
    if (!this.tickets.close(id, staff, this.now())) return { ok: false, status: 409, error: `ticket ${id} is already closed` };
    const text = `Dạ, cán bộ đã kết thúc trao đổi về yêu cầu số ${id}. Từ bây giờ em — trợ lý ảo — tiếp tục trả lời anh/chị; anh/chị cần hỏi gì cứ nhắn em ạ.`;
    this.send(ticket, { author: 'system', text }, [{ type: 'text', text }]);
    this.logAction(staff, 'close', `handoff:${id}`);
    return { ok: true, ticket: this.tickets.get(id)! };
  }

  /** The user asked to go back to the assistant ("quay lại trợ lý"). */
  closeByUser(id: number): void {
    if (this.tickets.close(id, 'người dân (tự hủy)', this.now())) this.logAction('người dân', 'cancel', `handoff:${id}`);
  }

  /** Follows Zalo deliveries and tells users whose ticket waited too long; runs every `intervalMs`. */
  start(intervalMs = 1000): void {
    if (this.timer) return;
    this.timer = setInterval(() => {
      try {
        this.sweep();
      } catch (error) {
        this.options.logger.warn('handoff sweep failed', { error: error instanceof Error ? error.message : String(error) });
      }
    }, intervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  sweep(): void {
    this.followDeliveries();
    const { replyTimeoutMs, officialChannel } = this.options;
    if (replyTimeoutMs <= 0) return;
    for (const t of this.tickets.overdue(this.now(), replyTimeoutMs)) {
      if (!this.tickets.markTimeoutNotified(t.id, this.now())) continue;
      const ticket = this.tickets.get(t.id);
      if (!ticket) continue;
      const contact = officialChannel.hotline
        ? `gọi số hỗ trợ ${officialChannel.hotline}`
        : `liên hệ Bộ phận một cửa của UBND xã, phường nơi cư trú hoặc Cổng Dịch vụ công ${officialChannel.portalUrl}`;
      const text = `Dạ, em xin lỗi, hiện chưa có cán bộ nào trả lời được yêu cầu số ${t.id} của anh/chị. Anh/chị vui lòng ${contact} trong giờ làm việc (${officialChannel.officeHours}). Yêu cầu vẫn được giữ và cán bộ sẽ trả lời tại đây khi có thể; anh/chị muốn hỏi lại trợ lý ảo thì nhắn "quay lại trợ lý" ạ.`;
      const message: OutgoingMessage = officialChannel.hotline
        ? { type: 'buttons', text, buttons: [{ kind: 'phone', title: 'Gọi số hỗ trợ', phone: officialChannel.hotline }] }
        : { type: 'text', text };
      this.send(ticket, { author: 'system', text }, [message]);
      this.options.logger.info(`handoff ${t.id}: no staff reply in time, the user was given the hotline`);
    }
  }

  /** Stores a message of the ticket and hands it to the user's channel. */
  private send(ticket: Ticket, m: { author: 'staff' | 'system'; text: string; staff?: string }, messages: OutgoingMessage[]): void {
    const { tickets } = this;
    if (ticket.channel === 'web') {
      tickets.addMessage(ticket.id, { ...m, delivery: 'web' }, this.now());
      return;
    }
    const deliver = this.channels.get(ticket.channel);
    if (!deliver) {
      tickets.addMessage(ticket.id, { ...m, delivery: 'failed', error: `kênh ${ticket.channel} đang tắt (channel off)` }, this.now());
      tickets.markDeliveryProblem(ticket.id, `kênh ${ticket.channel} đang tắt: tin nhắn không gửi được`);
      return;
    }
    const outboxIds = deliver(ticket.userId, messages);
    tickets.addMessage(ticket.id, { ...m, delivery: 'pending', outboxIds }, this.now());
  }

  /** A Zalo reply is sent once its outbox rows are; a refusal is recorded on the ticket (also run before tickets are shown). */
  followDeliveries(): void {
    const { db } = this.options;
    for (const p of this.tickets.pendingDeliveries()) {
      if (p.outboxIds.length === 0) {
        this.tickets.setDelivery(p.messageId, 'sent');
        continue;
      }
      const rows = db
        .prepare(`SELECT status, last_error FROM zalo_outbox WHERE id IN (${p.outboxIds.map(() => '?').join(',')})`)
        .all(...p.outboxIds) as Array<{ status: string; last_error: string | null }>;
      const failed = rows.find((r) => r.status === 'failed');
      if (failed) {
        const error = failed.last_error ?? 'failed';
        this.tickets.setDelivery(p.messageId, 'failed', error);
        const outside = OUTSIDE_WINDOW.exec(error);
        this.tickets.markDeliveryProblem(
          p.ticketId,
          outside
            ? `Zalo từ chối (lỗi ${outside[1]}): người dân không tương tác với OA trong 7 ngày qua hoặc không quan tâm OA, nên không gửi được tin tư vấn; hãy liên hệ qua kênh khác.`
            : `Không gửi được: ${error}`,
        );
        this.options.logger.warn(`handoff ${p.ticketId}: a reply was refused by Zalo and will not be retried: ${error}`);
      } else if (rows.length === p.outboxIds.length && rows.every((r) => r.status === 'sent')) {
        this.tickets.setDelivery(p.messageId, 'sent');
      } else if (rows.length < p.outboxIds.length && rows.every((r) => r.status !== 'pending')) {
        // Pruned rows: finished long ago.
        this.tickets.setDelivery(p.messageId, 'sent');
      }
    }
  }
}
