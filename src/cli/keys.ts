import { createKey, KEY_SCOPES, listKeys, revokeKey, type KeyScope } from '../identity/keys.js';
import { printJson, printTable, withCtx, type RegisterVerb } from './shared.js';

/** `30d`, `12h` or an ISO date/instant → an ISO instant. */
export function expiryFrom(value: string, now: Date): string {
  const rel = /^(\d+)([dh])$/.exec(value);
  if (rel) {
    const ms = Number(rel[1]) * (rel[2] === 'd' ? 86_400_000 : 3_600_000);
    return new Date(now.getTime() + ms).toISOString();
  }
  const at = new Date(/^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T00:00:00Z` : value);
  if (Number.isNaN(at.getTime()))
    throw new Error(`--expires: expected 30d, 12h or a date, got "${value}"`);
  return at.toISOString();
}

export const registerKeys: RegisterVerb = (program) => {
  const keys = program
    .command('keys')
    .description('API keys: read, write, admin, and ingest (Segment write keys)');
  keys
    .command('create')
    .description('create a key and print it once; only its hash is stored')
    .requiredOption('--scope <scope>', KEY_SCOPES.join('|'))
    .requiredOption('--name <name>', 'what the key is for, e.g. "Segment production"')
    .option('--expires <when>', 'expiry: 90d, 12h, or a date such as 2027-06-30')
    .option('--json', 'print JSON (the secret is in it)')
    .action(async (o: { scope: string; name: string; expires?: string; json?: boolean }) => {
      if (!(KEY_SCOPES as readonly string[]).includes(o.scope))
        throw new Error(`--scope: expected one of ${KEY_SCOPES.join(', ')}, got "${o.scope}"`);
      await withCtx(async (ctx) => {
        const created = await createKey(ctx, {
          name: o.name,
          scope: o.scope as KeyScope,
          expiresAt: o.expires ? expiryFrom(o.expires, ctx.now()) : null,
        });
        if (o.json) return printJson(created);
        process.stdout.write(`${created.secret}\n`);
        process.stderr.write(
          `Created ${created.key.scope} key "${created.key.name}" (${created.key.id}). ` +
            'Copy it now: it is not shown again.\n',
        );
      });
    });
  keys
    .command('list')
    .description('list keys (never their secrets)')
    .option('--json', 'print JSON')
    .action(async (o: { json?: boolean }) => {
      await withCtx(async (ctx) => {
        const items = await listKeys(ctx);
        if (o.json) return printJson({ items });
        printTable(
          items.map((k) => ({
            id: k.id,
            prefix: k.prefix,
            name: k.name,
            scope: k.scope,
            status: k.revokedAt
              ? 'revoked'
              : k.expiresAt && k.expiresAt <= ctx.now().toISOString()
                ? 'expired'
                : 'active',
            expires: k.expiresAt ?? 'never',
            last_used: k.lastUsedAt ?? 'never',
          })),
          ['id', 'prefix', 'name', 'scope', 'status', 'expires', 'last_used'],
        );
      });
    });
  keys
    .command('revoke')
    .description('revoke a key at once, by id or visible prefix')
    .argument('<key>', 'key id (key_…) or prefix (tnr_…)')
    .option('--json', 'print JSON')
    .action(async (ref: string, o: { json?: boolean }) => {
      await withCtx(async (ctx) => {
        const key = await revokeKey(ctx, ref);
        if (o.json) return printJson({ key });
        process.stdout.write(`Revoked ${key.prefix} (${key.name}) at ${key.revokedAt}.\n`);
      });
    });
};
