import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { freshTestDb, testDialects, type TestDb } from '../db/testing.js';
import { loadConfig } from '../core/config.js';
import { makeCtx } from '../core/context.js';
import { createAccount, updateAccount } from '../accounts/account/service.js';
import { createUser } from '../identity/service.js';
import { allowed } from '../identity/permissions.js';
import { testServer, type TestApp } from '../testing/server.js';

for (const dialect of testDialects()) {
  describe(`audit log on ${dialect}`, () => {
    let db: TestDb;
    let app: TestApp;
    beforeEach(async () => {
      db = await freshTestDb(dialect);
      app = await testServer({ handle: db, config: loadConfig({}) });
    });
    afterEach(async () => {
      await app.close();
      await db.destroy();
    });

    it('records who, what changed (before → after), when, request id and IP for an API write', async () => {
      const created = await app.inject({
        method: 'POST',
        url: '/api/v1/accounts',
        payload: { name: 'Initech', segment: 'smb' },
      });
      const id = created.json().id as string;
      const patched = await app.inject({
        method: 'PATCH',
        url: `/api/v1/accounts/${id}`,
        payload: { region: 'EMEA', segment: 'enterprise' },
      });
      const requestId = patched.headers['x-request-id'];
      const log = await app.inject({
        method: 'GET',
        url: `/api/v1/audit?entity=account&entityId=${id}`,
      });
      expect(log.statusCode).toBe(200);
      const [update, create] = log.json().items;
      expect(update).toMatchObject({
        entity: 'account',
        entityId: id,
        action: 'update',
        actor: { kind: 'api_key' },
        requestId,
        ip: '127.0.0.1',
        changes: { region: [null, 'EMEA'], segment: ['smb', 'enterprise'] },
      });
      expect(Object.keys(update.changes).sort()).toEqual(['region', 'segment']);
      expect(create).toMatchObject({ action: 'create', changes: { name: [null, 'Initech'] } });
      const csv = await app.inject({
        method: 'GET',
        url: `/api/v1/audit/export.csv?entityId=${id}`,
      });
      expect(csv.headers['content-type']).toMatch(/text\/csv/);
      const lines = csv.body.trim().split('\r\n');
      expect(lines).toHaveLength(3);
      expect(lines[1]).toContain('update');
    });

    it('writes the audit entry in the same transaction: a failed write leaves none', async () => {
      const ctx = makeCtx(db.db, db.dialect);
      const a = await createAccount(ctx, { name: 'Globex', crmId: 'C-1' });
      const b = await createAccount(ctx, { name: 'Hooli' });
      const before = await db.db.selectFrom('audit_log').selectAll().execute();
      await expect(updateAccount(ctx, b.id, { crmId: 'C-1' })).rejects.toMatchObject({
        code: 'conflict',
      });
      expect(await db.db.selectFrom('audit_log').selectAll().execute()).toEqual(before);
      expect(a.id).not.toBe(b.id);
    });

    it('is append-only: the database refuses updates and deletes', async () => {
      await createAccount(makeCtx(db.db, db.dialect), { name: 'Umbrella' });
      await expect(sql`update audit_log set action = 'x'`.execute(db.db)).rejects.toThrow();
      await expect(sql`delete from audit_log`.execute(db.db)).rejects.toThrow();
      const rows = await db.db.selectFrom('audit_log').select(['entity', 'action']).execute();
      expect(rows.filter((r) => r.entity === 'account').map((r) => r.action)).toEqual(['create']);
    });

    it('keeps secrets out: password and key changes show as redacted', async () => {
      const ctx = makeCtx(db.db, db.dialect);
      await createUser(ctx, {
        email: 'x@example.com',
        name: 'X',
        role: 'csm',
        password: 'orchid-lantern-907',
      });
      const key = await app.inject({
        method: 'POST',
        url: '/api/v1/keys',
        payload: { name: 'n', scope: 'read' },
      });
      const all = JSON.stringify(await db.db.selectFrom('audit_log').selectAll().execute());
      expect(all).not.toContain('orchid-lantern-907');
      expect(all).not.toContain(key.json().secret);
      expect(all).toContain('[redacted]');
      expect(all).not.toMatch(/argon2id/);
    });

    it('enforces the matrix in the service layer too, not only in routes', async () => {
      const op = makeCtx(db.db, db.dialect);
      const csm = await createUser(op, { email: 'c@example.com', name: 'C', role: 'csm' });
      const other = await createUser(op, { email: 'o@example.com', name: 'O', role: 'csm' });
      const mine = await createAccount(op, { name: 'Mine', ownerId: csm.id });
      const theirs = await createAccount(op, { name: 'Theirs', ownerId: other.id });
      const subject = { role: 'csm' as const, userId: csm.id };
      const asCsm = makeCtx(db.db, db.dialect, {
        actor: { kind: 'user', id: csm.id, name: csm.email },
        access: (action, resource, target) => allowed(subject, action, resource, target),
      });
      await expect(updateAccount(asCsm, mine.id, { region: 'NA' })).resolves.toMatchObject({
        region: 'NA',
      });
      await expect(updateAccount(asCsm, theirs.id, { region: 'NA' })).rejects.toMatchObject({
        code: 'forbidden',
      });
      await expect(updateAccount(asCsm, mine.id, { ownerId: other.id })).rejects.toMatchObject({
        code: 'forbidden',
      });
      await expect(
        createAccount(asCsm, { name: 'For someone else', ownerId: other.id }),
      ).rejects.toMatchObject({
        code: 'forbidden',
      });
      const entries = await db.db
        .selectFrom('audit_log')
        .selectAll()
        .where('actor_id', '=', csm.id)
        .execute();
      expect(entries.map((e) => e.action)).toEqual(['update']);
    });
  });
}
