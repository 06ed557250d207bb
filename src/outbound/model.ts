import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Outbound messages: template variables, the webhook signature and the email Message-ID.
 * Pure.
 */

export const CHANNELS = ['email', 'slack', 'webhook'] as const;
export type Channel = (typeof CHANNELS)[number];

/** Values a template may use: `{{account.name}}`, `{{contact.first_name}}`, `{{owner.name}}`… */
export type TemplateValues = Record<string, Record<string, string | number | null | undefined>>;

const VARIABLE = /\{\{\s*([a-z_]+)\.([a-z_]+)\s*\}\}/g;

/** The variables a template uses, as "object.field", in order of first use. */
export function variablesOf(template: string): string[] {
  const out: string[] = [];
  for (const m of template.matchAll(VARIABLE)) {
    const v = `${m[1]}.${m[2]}`;
    if (!out.includes(v)) out.push(v);
  }
  return out;
}

/**
 * Fill a template. A variable with no value renders as `fallback` (by default empty) and is
 * reported, so a preview can say what is missing before anything is sent.
 */
export function render(
  template: string,
  values: TemplateValues,
  fallback = '',
): { text: string; missing: string[] } {
  const missing: string[] = [];
  const text = template.replace(VARIABLE, (_all, obj: string, field: string) => {
    const v = values[obj]?.[field];
    if (v === null || v === undefined || v === '') {
      const name = `${obj}.${field}`;
      if (!missing.includes(name)) missing.push(name);
      return fallback;
    }
    return String(v);
  });
  return { text, missing };
}

/**
 * The signature a webhook receiver checks: HMAC-SHA256 with the endpoint's secret over
 * `${timestamp}.${body}`, hex, sent as `X-Tenure-Signature: v1=<hex>` beside
 * `X-Tenure-Timestamp` (Unix seconds). Signing the timestamp lets receivers refuse replays.
 */
export function signature(secret: string, timestamp: number, body: string): string {
  return `v1=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

/** What a receiver does: recompute, compare in constant time, and refuse stale timestamps. */
export function verifySignature(
  secret: string,
  header: { timestamp: string | undefined; signature: string | undefined },
  body: string,
  nowSeconds: number,
  toleranceSeconds = 300,
): boolean {
  const ts = Number(header.timestamp);
  if (!Number.isInteger(ts) || Math.abs(nowSeconds - ts) > toleranceSeconds) return false;
  const want = Buffer.from(signature(secret, ts, body));
  const got = Buffer.from(header.signature ?? '');
  return want.length === got.length && timingSafeEqual(want, got);
}

/** One Message-ID per outbox row: a resend after a crash carries the same one. */
export function messageIdOf(outboxId: string, domain: string): string {
  return `<${outboxId}@${domain}>`;
}
