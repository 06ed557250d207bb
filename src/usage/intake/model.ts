import { randomUUID } from 'node:crypto';

/**
 * The Segment HTTP tracking API, as data: what one event must hold, how its time is
 * corrected for the sender's clock, and what it means for the rollups. Pure.
 */

export const CALL_TYPES = ['identify', 'group', 'track', 'page', 'screen', 'alias'] as const;
export type CallType = (typeof CALL_TYPES)[number];

/** Published limits (the same as Segment's). */
export const MAX_EVENT_BYTES = 32 * 1024;
export const MAX_BATCH_BYTES = 500 * 1024;
/** An account's product id (Segment groupId) is at most this long, as in the accounts API. */
export const MAX_GROUP_ID = 128;

type Json = Record<string, unknown>;

/** An event that passed validation, with everything the writer needs. */
export interface IntakeEvent {
  type: CallType;
  messageId: string;
  /** Whether the sender gave the id (a generated one cannot de-duplicate retries). */
  messageIdGiven: boolean;
  /**
   * The sender's own stamp (timestamp, else originalTimestamp) in epoch ms, 0 when absent.
   * A retry repeats it, so (source, clientMs, messageId) de-duplicates exactly, and since it
   * grows with time new keys land at the end of the index.
   */
  clientMs: number;
  userId: string | null;
  anonymousId: string | null;
  /** Who did it: the userId, else `anon:<anonymousId>`. */
  userKey: string | null;
  /** The account the event names: context.groupId, or groupId on a group call. */
  groupId: string | null;
  /** Track event name; `Page: <name>` / `Screen: <name>` for views; null otherwise. */
  name: string | null;
  /** Corrected event time (ISO, UTC). */
  ts: string;
  properties: Json;
  traits: Json;
  /** Seconds of product use this event reports (properties.session_seconds). */
  sessionSeconds: number;
  payload: string;
}

export type Checked = { ok: true; event: IntakeEvent } | { ok: false; reason: string };

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function text(v: unknown, max = 512): string | null {
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  if (typeof v !== 'string') return null;
  const t = v.trim();
  return t && t.length <= max ? t : null;
}

/** An ISO 8601 instant (or epoch milliseconds), or null when it is not one. */
export function instant(v: unknown): Date | null {
  if (typeof v === 'number' && Number.isFinite(v)) return new Date(v);
  if (typeof v !== 'string' || !/^\d{4}-\d{2}-\d{2}T/.test(v)) return null;
  const d = new Date(v);
  return Number.isNaN(d.getTime()) ? null : d;
}

/**
 * The event's time: an explicit `timestamp` wins; otherwise the sender's
 * `originalTimestamp` shifted by how far its clock was off when it sent
 * (`receivedAt − (sentAt − originalTimestamp)`); otherwise when we received it.
 */
export function correctedTime(
  e: { timestamp?: unknown; originalTimestamp?: unknown; sentAt?: unknown },
  batchSentAt: unknown,
  receivedAt: Date,
): { at: Date } | { error: string } {
  if (e.timestamp !== undefined && e.timestamp !== null) {
    const t = instant(e.timestamp);
    return t ? { at: t } : { error: 'timestamp: not an ISO 8601 date-time' };
  }
  if (e.originalTimestamp === undefined || e.originalTimestamp === null) return { at: receivedAt };
  const original = instant(e.originalTimestamp);
  if (!original) return { error: 'originalTimestamp: not an ISO 8601 date-time' };
  const sentRaw = e.sentAt ?? batchSentAt;
  if (sentRaw === undefined || sentRaw === null) return { at: original };
  const sent = instant(sentRaw);
  if (!sent) return { error: 'sentAt: not an ISO 8601 date-time' };
  return { at: new Date(receivedAt.getTime() - (sent.getTime() - original.getTime())) };
}

function nameOf(type: CallType, raw: Json): string | null {
  if (type === 'track') return text(raw.event, 200);
  if (type === 'page' || type === 'screen') {
    const label = type === 'page' ? 'Page' : 'Screen';
    const n =
      text(raw.name, 200) ?? text(isObject(raw.properties) ? raw.properties.name : null, 200);
    return n ? `${label}: ${n}` : `${label} Viewed`;
  }
  return null;
}

function sessionSecondsOf(props: Json): number {
  const v = props.session_seconds ?? props.sessionSeconds;
  return typeof v === 'number' && Number.isFinite(v) && v > 0 && v < 86_400 ? Math.round(v) : 0;
}

/**
 * Check one event. `type` comes from the endpoint for single calls and from the event in
 * a batch. Every refusal names the field.
 */
export function checkEvent(
  raw: unknown,
  opts: { type?: CallType; batchSentAt?: unknown; batchContext?: unknown; receivedAt: Date },
): Checked {
  if (!isObject(raw)) return { ok: false, reason: 'event: expected a JSON object' };
  const payload = JSON.stringify(raw);
  if (Buffer.byteLength(payload) > MAX_EVENT_BYTES)
    return { ok: false, reason: `event: larger than ${MAX_EVENT_BYTES / 1024} KB` };
  const type = (opts.type ?? raw.type) as CallType;
  if (!CALL_TYPES.includes(type))
    return { ok: false, reason: `type: expected one of ${CALL_TYPES.join(', ')}` };
  if (opts.type && raw.type !== undefined && raw.type !== opts.type)
    return { ok: false, reason: `type: ${String(raw.type)} sent to the ${opts.type} endpoint` };
  const userId = text(raw.userId);
  const anonymousId = text(raw.anonymousId);
  if (raw.userId !== undefined && raw.userId !== null && userId === null)
    return { ok: false, reason: 'userId: expected a non-empty string of at most 512 characters' };
  if (!userId && !anonymousId) return { ok: false, reason: 'userId or anonymousId is required' };
  const given = text(raw.messageId, 200);
  if (raw.messageId !== undefined && raw.messageId !== null && given === null)
    return {
      ok: false,
      reason: 'messageId: expected a non-empty string of at most 200 characters',
    };
  const properties = raw.properties ?? {};
  if (!isObject(properties)) return { ok: false, reason: 'properties: expected an object' };
  const traits = raw.traits ?? (isObject(raw.context) ? raw.context.traits : undefined) ?? {};
  if (!isObject(traits)) return { ok: false, reason: 'traits: expected an object' };
  const context = isObject(raw.context)
    ? raw.context
    : isObject(opts.batchContext)
      ? opts.batchContext
      : {};
  let groupId = text(context.groupId, MAX_GROUP_ID);
  if (type === 'group') {
    groupId = text(raw.groupId, MAX_GROUP_ID);
    if (!groupId)
      return {
        ok: false,
        reason: `groupId: required on a group call, at most ${MAX_GROUP_ID} characters`,
      };
  } else if (
    !groupId &&
    context.groupId !== undefined &&
    context.groupId !== null &&
    String(context.groupId).trim() !== ''
  )
    return {
      ok: false,
      reason: `context.groupId: expected a non-empty string of at most ${MAX_GROUP_ID} characters`,
    };
  if (type === 'alias' && !text(raw.previousId))
    return { ok: false, reason: 'previousId: required on an alias call' };
  const name = nameOf(type, raw);
  if (type === 'track' && !name)
    return {
      ok: false,
      reason: 'event: a track call needs an event name (at most 200 characters)',
    };
  const when = correctedTime(raw, opts.batchSentAt, opts.receivedAt);
  if ('error' in when) return { ok: false, reason: when.error };
  return {
    ok: true,
    event: {
      type,
      messageId: given ?? `tenure-${randomUUID()}`,
      messageIdGiven: given !== null,
      // An explicit timestamp is the event's time as parsed above; no need to parse it again.
      clientMs:
        raw.timestamp !== undefined && raw.timestamp !== null
          ? when.at.getTime()
          : (instant(raw.originalTimestamp)?.getTime() ?? 0),
      userId,
      anonymousId,
      userKey: userId ?? `anon:${anonymousId}`,
      groupId,
      name,
      ts: when.at.toISOString(),
      properties,
      traits,
      sessionSeconds: sessionSecondsOf(properties),
      payload,
    },
  };
}

/** Track, page and screen calls are product use; identify, group and alias are bookkeeping. */
export function isActivity(e: IntakeEvent): boolean {
  return e.type === 'track' || e.type === 'page' || e.type === 'screen';
}

/** A property value's JSON type, for the catalog. */
export function valueType(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  return typeof v;
}

export type EventResult =
  | { index: number; messageId: string | null; status: 'accepted' | 'duplicate' }
  | { index: number; messageId: string | null; status: 'rejected'; reason: string };

/**
 * A stored event, rebuilt for the rollups from its row: the payload gives properties and
 * traits, the row what was decided when it arrived (time, name, user, account). Null if
 * the payload no longer reads as an event.
 */
export function restoreEvent(row: {
  type: string;
  event: string | null;
  user_key: string | null;
  ts: string;
  received_at: string;
  payload: string;
}): IntakeEvent | null {
  let raw: unknown;
  try {
    raw = JSON.parse(row.payload);
  } catch {
    return null;
  }
  const checked = checkEvent(raw, {
    type: CALL_TYPES.find((t) => t === row.type),
    receivedAt: new Date(row.received_at),
  });
  if (!checked.ok) return null;
  return { ...checked.event, ts: row.ts, name: row.event, userKey: row.user_key };
}
