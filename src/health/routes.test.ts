import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { InjectOptions } from 'fastify';
import { loadConfig } from '../core/config.js';
import { freshTestDb, testDialects, type TestDb } from '../db/testing.js';
import { testKey, testServer, type TestApp } from '../testing/server.js';
import { MEASURE_IDS } from './measures/registry.js';
import { addActiveUsers } from './measures/testing.js';
import { daysFrom } from './scoring/service.js';
import { THREE_PILLARS } from './model/presets.js';
import { modelFromText } from './model/file.js';
import type { HealthModelDef } from './model/definition.js';

interface Issue {
  path: string;
  message: string;
}

for (const dialect of testDialects()) {
  describe(`health over HTTP on ${dialect}`, () => {
    let db: TestDb;
    let app: TestApp;
    let clock = '2026-03-01T10:00:00.000Z';
    beforeEach(async () => {
      clock = '2026-03-01T10:00:00.000Z';
      db = await freshTestDb(dialect);
      app = await testServer({ handle: db, config: loadConfig({}), now: () => new Date(clock) });
    });
    afterEach(async () => {
      await app.close();
      await db.destroy();
    });

    const get = (url: string) => app.inject({ method: 'GET', url });
    const post = (url: string, payload?: object) => app.inject({ method: 'POST', url, payload });
    /**
     * Writes that change nothing (an unchanged model) bypass the harness's audit check.
     */
    const unaudited = (o: InjectOptions) =>
      app.raw.inject({ ...o, headers: { authorization: `Bearer ${app.key}`, ...o.headers } });
    const issuesOf = (body: { error: { details?: { issues?: Issue[] } } }) =>
      body.error.details?.issues ?? [];
    const versionsOf = async (key: string) =>
      ((await get(`/api/v1/health/models/${key}`)).json().items as { version: number }[]).map(
        (v) => v.version,
      );

    it('lists measures and models; exports, edits and imports a model as a new version', async () => {
      const measures = (await get('/api/v1/health/measures')).json();
      expect(measures.items).toHaveLength(MEASURE_IDS.length);
      expect(measures.items).toContainEqual(
        expect.objectContaining({ id: 'manual.csm_sentiment', label: 'CSM sentiment', max: 10 }),
      );

      const list = (await get('/api/v1/health/models')).json();
      expect(
        list.items.map((m: { key: string; version: number; active: boolean }) => [
          m.key,
          m.version,
          m.active,
        ]),
      ).toEqual([
        ['five-dimensions', 1, false],
        ['three-pillars', 1, true],
      ]);

      const exported = await get('/api/v1/health/models/three-pillars/export?format=yaml');
      expect(exported.statusCode).toBe(200);
      expect(exported.headers['content-type']).toBe('application/yaml; charset=utf-8');
      expect(exported.headers['content-disposition']).toBe(
        'attachment; filename="three-pillars-v1.yaml"',
      );
      expect(modelFromText(exported.body)).toEqual(THREE_PILLARS);

      const edited = exported.body.replace(/^name: .*$/m, 'name: Three pillars, tuned');
      const imported = await app.inject({
        method: 'POST',
        url: '/api/v1/health/models/import?note=tuned%20name',
        headers: { 'content-type': 'text/plain' },
        payload: edited,
      });
      expect(imported.statusCode, imported.body).toBe(201);
      expect(imported.json()).toMatchObject({
        key: 'three-pillars',
        version: 2,
        name: 'Three pillars, tuned',
        note: 'tuned name',
        active: true,
      });
      expect(await versionsOf('three-pillars')).toEqual([2, 1]);
      const v1 = await get('/api/v1/health/models/three-pillars/versions/1');
      expect(v1.json()).toMatchObject({ version: 1, definition: THREE_PILLARS });
      expect((await get('/api/v1/health/models/three-pillars/versions/9')).statusCode).toBe(404);
      expect((await get('/api/v1/health/models/three-pillars/versions/x')).statusCode).toBe(400);
      expect((await get('/api/v1/health/models/nope')).statusCode).toBe(404);

      // The same file again is no new version.
      const again = await unaudited({
        method: 'POST',
        url: '/api/v1/health/models/import',
        headers: { 'content-type': 'application/yaml' },
        payload: edited,
      });
      expect(again.statusCode).toBe(200);
      expect(again.json()).toMatchObject({ version: 2 });

      // JSON both ways: exported as JSON, edited as data, sent as { text, format }.
      const json = await get('/api/v1/health/models/three-pillars/export?format=json&version=1');
      expect(json.headers['content-type']).toBe('application/json; charset=utf-8');
      expect(json.headers['content-disposition']).toContain('three-pillars-v1.json');
      const def = json.json() as HealthModelDef;
      const weighted = {
        ...def,
        dimensions: def.dimensions.map((d, i) => ({ ...d, weight: [50, 25, 25][i]! })),
      };
      const fromJson = await post('/api/v1/health/models/import', {
        text: JSON.stringify(weighted),
        format: 'json',
        note: 'product first',
      });
      expect(fromJson.statusCode, fromJson.body).toBe(201);
      expect(fromJson.json()).toMatchObject({ version: 3, name: 'Three pillars' });
      expect(fromJson.json().definition.dimensions[0].weight).toBe(50);

      // Saving the definition object itself, as a new inactive key.
      const copy = { ...weighted, key: 'pillars-copy', name: 'Pillars copy' };
      const saved = await post('/api/v1/health/models', { definition: copy, activate: false });
      expect(saved.statusCode, saved.body).toBe(201);
      expect(saved.json()).toMatchObject({ key: 'pillars-copy', version: 1, active: false });
      const unchanged = await unaudited({
        method: 'POST',
        url: '/api/v1/health/models',
        payload: { definition: copy },
      });
      expect(unchanged.statusCode).toBe(200);
      expect(unchanged.json()).toMatchObject({ version: 1, active: false });
      expect(
        (await get('/api/v1/health/models')).json().items.map((m: { key: string }) => m.key),
      ).toEqual(['five-dimensions', 'pillars-copy', 'three-pillars']);
    });

    it('answers an invalid model 400 with every issue path, and stores nothing', async () => {
      const bad = structuredClone(THREE_PILLARS) as unknown as {
        dimensions: { weight: number; measures: { measure: string; bands: object[] }[] }[];
      };
      bad.dimensions[2]!.weight = 20;
      bad.dimensions[0]!.measures[0]!.bands = [
        { max: 5, score: 2 },
        { min: 3, score: 8 },
      ];
      bad.dimensions[1]!.measures[0]!.measure = 'usage.telepathy';

      const res = await post('/api/v1/health/models', { definition: bad });
      expect(res.statusCode).toBe(400);
      expect(res.json().error.code).toBe('validation');
      const issues = issuesOf(res.json());
      expect(issues).toEqual(
        expect.arrayContaining([
          { path: 'dimensions', message: 'weights add up to 90, not 100' },
          {
            path: 'dimensions[0].measures[0].bands[1].min',
            message: 'overlaps dimensions[0].measures[0].bands[0]',
          },
          {
            path: 'dimensions[1].measures[0].measure',
            message: expect.stringMatching(/unknown measure/),
          },
        ]),
      );

      // The same model as a file: the same paths, with the line where each problem is.
      const yaml = (await get('/api/v1/health/models/three-pillars/export')).body.replace(
        /weight: 30\n(\s+measures:\n\s+- measure: manual\.csm_sentiment)/,
        'weight: 20\n$1',
      );
      const file = await app.inject({
        method: 'POST',
        url: '/api/v1/health/models/import',
        headers: { 'content-type': 'text/plain' },
        payload: yaml,
      });
      expect(file.statusCode).toBe(400);
      expect(issuesOf(file.json())).toEqual([
        {
          path: 'dimensions',
          message: expect.stringMatching(/^weights add up to 90, not 100 \(line \d+\)$/),
        },
      ]);
      const syntax = await post('/api/v1/health/models/import', {
        text: '{"key": ',
        format: 'json',
      });
      expect(syntax.statusCode).toBe(400);
      expect(issuesOf(syntax.json())[0]).toMatchObject({
        path: 'file',
        message: expect.stringMatching(/^line 1, column 9/),
      });
      const notObject = await post('/api/v1/health/models', { definition: 'x' });
      expect(notObject.statusCode).toBe(400);
      expect(issuesOf(notObject.json())[0]?.path).toBe('body.definition');

      expect(await versionsOf('three-pillars')).toEqual([1]);
      const audited = await db.db
        .selectFrom('audit_log')
        .select('id')
        .where('entity', '=', 'health_model')
        .execute();
      expect(audited).toEqual([]);
    });

    it('switches models on and off, refusing to leave accounts without one', async () => {
      const off = await post('/api/v1/health/models/three-pillars/deactivate');
      expect(off.statusCode).toBe(409);
      expect((await post('/api/v1/health/models/nope/activate')).statusCode).toBe(404);
      const on = await post('/api/v1/health/models/five-dimensions/activate');
      expect(on.statusCode, on.body).toBe(200);
      expect(on.json()).toMatchObject({ key: 'five-dimensions', active: true });
      expect((await post('/api/v1/health/models/three-pillars/deactivate')).json()).toMatchObject({
        active: false,
      });
      const active = (await get('/api/v1/health/models'))
        .json()
        .items.filter((m: { active: boolean }) => m.active);
      expect(active.map((m: { key: string }) => m.key)).toEqual(['five-dimensions']);
    });

    it('a read key reads health but cannot save, import, switch models or score', async () => {
      const read = { authorization: `Bearer ${await testKey(db, 'read')}` };
      const as = (method: 'GET' | 'POST', url: string, payload?: object) =>
        app.inject({ method, url, payload, headers: read });
      expect((await as('GET', '/api/v1/health/models')).statusCode).toBe(200);
      expect((await as('GET', '/api/v1/health/measures')).statusCode).toBe(200);
      for (const [url, payload] of [
        ['/api/v1/health/models', { definition: THREE_PILLARS, note: 'mine' }],
        ['/api/v1/health/models/import', { text: JSON.stringify(THREE_PILLARS) }],
        ['/api/v1/health/models/five-dimensions/activate', undefined],
        ['/api/v1/health/score', {}],
      ] as const) {
        const res = await as('POST', url, payload);
        expect(res.statusCode, url).toBe(403);
        expect(res.json().error.code).toBe('insufficient_scope');
      }
      expect(await versionsOf('three-pillars')).toEqual([1]);
    });

    it("scores days and reads an account's health, trend and drivers; manual measures count", async () => {
      const acme = (await post('/api/v1/accounts', { name: 'Acme' })).json();
      clock = '2026-04-20T12:00:00.000Z';
      await addActiveUsers(db.db, acme.id, daysFrom('2026-03-20', '2026-04-20'), 8);

      const first = await post('/api/v1/health/score', { day: '2026-04-10' });
      expect(first.statusCode, first.body).toBe(200);
      expect(first.json()).toMatchObject({
        from: '2026-04-10',
        to: '2026-04-10',
        scored: 1,
        days: [{ day: '2026-04-10', scored: 1 }],
      });

      await post('/api/v1/contacts', { accountId: acme.id, name: 'Cleo', roles: ['champion'] });
      const manual = await post(`/api/v1/accounts/${acme.id}/health/manual-measures`, {
        measure: 'manual.csm_sentiment',
        value: 9,
        note: 'renewal call went well',
      });
      expect(manual.statusCode, manual.body).toBe(201);
      expect(manual.json()).toMatchObject({
        accountId: acme.id,
        value: 9,
        staleAfter: '2026-07-19',
        stale: false,
      });
      const listed = (await get(`/api/v1/accounts/${acme.id}/health/manual-measures`)).json();
      expect(listed.items).toEqual([manual.json()]);
      const tooHigh = await post(`/api/v1/accounts/${acme.id}/health/manual-measures`, {
        measure: 'manual.csm_sentiment',
        value: 11,
      });
      expect(tooHigh.statusCode).toBe(400);
      expect(issuesOf(tooHigh.json())[0]?.path).toBe('value');
      const nobody = await post('/api/v1/accounts/acc_nobody/health/manual-measures', {
        measure: 'manual.csm_sentiment',
        value: 5,
      });
      expect(nobody.statusCode).toBe(404);

      const range = await post('/api/v1/health/score', { from: '2026-04-11', to: '2026-04-20' });
      expect(range.json()).toMatchObject({ from: '2026-04-11', to: '2026-04-20', scored: 10 });
      expect(range.json().days).toHaveLength(10);

      const health = await get(`/api/v1/accounts/${acme.id}/health`);
      expect(health.statusCode, health.body).toBe(200);
      const h = health.json();
      expect(h).toMatchObject({
        accountId: acme.id,
        day: '2026-04-20',
        scoredOn: '2026-04-20',
        model: { key: 'three-pillars', version: 1 },
      });
      expect(h.composite).toBe(h.compositeTenths / 10);
      expect(h.tier).toEqual(expect.any(String));
      expect(h.dimensions.map((d: { key: string }) => d.key)).toEqual([
        'product',
        'relationship',
        'outcomes',
      ]);
      const sentiment = h.measures.find(
        (m: { measure: string }) => m.measure === 'manual.csm_sentiment',
      );
      expect(sentiment).toMatchObject({ label: 'CSM sentiment', value: 9, score: 9, weight: 2 });
      expect(
        h.measures.reduce(
          (s: number, m: { contributionTenths: number }) => s + m.contributionTenths,
          0,
        ),
      ).toBe(h.compositeTenths);
      const past = (await get(`/api/v1/accounts/${acme.id}/health?day=2026-04-10`)).json();
      expect(
        past.measures.find((m: { measure: string }) => m.measure === 'manual.csm_sentiment').value,
      ).toBeNull();

      const trend = (
        await get(`/api/v1/accounts/${acme.id}/health/trend?from=2026-04-01&to=2026-04-20`)
      ).json();
      expect(trend.points.map((p: { day: string }) => p.day)).toEqual(
        Array.from({ length: 11 }, (_, i) => `2026-04-${String(10 + i)}`),
      );
      expect(trend.points.at(-1).composite).toBe(h.composite);
      expect(trend.versionChanges).toEqual([]);
      const defaults = (await get(`/api/v1/accounts/${acme.id}/health/trend`)).json();
      expect(defaults).toMatchObject({ from: '2026-01-21', to: '2026-04-20' });
      expect(defaults.points).toHaveLength(11);

      const why = await get(
        `/api/v1/accounts/${acme.id}/health/drivers?from=2026-04-10&to=2026-04-20`,
      );
      expect(why.statusCode, why.body).toBe(200);
      const d = why.json();
      expect(d.from).toMatchObject({ day: '2026-04-10', composite: past.composite });
      expect(d.to).toMatchObject({ day: '2026-04-20', composite: h.composite });
      expect(d.changeTenths).toBe(h.compositeTenths - past.compositeTenths);
      expect(
        d.drivers.reduce(
          (s: number, x: { contributionTenths: number }) => s + x.contributionTenths,
          0,
        ),
      ).toBe(d.changeTenths);
      const byMeasure = new Map(d.drivers.map((x: { measure: string }) => [x.measure, x] as const));
      expect(byMeasure.get('relationship.champion')).toMatchObject({
        kind: 'measure',
        label: 'Champion present',
        fromValue: null,
        toValue: 1,
      });
      expect(byMeasure.get('manual.csm_sentiment')).toMatchObject({ fromValue: null, toValue: 9 });
      const sizes = d.drivers.map((x: { contributionTenths: number }) =>
        Math.abs(x.contributionTenths),
      );
      expect(sizes).toEqual([...sizes].sort((a: number, b: number) => b - a));
      const defaultWhy = (await get(`/api/v1/accounts/${acme.id}/health/drivers`)).json();
      expect(defaultWhy.from.day).toBe('2026-03-21');
    });

    it('validates every query and body naming the field', async () => {
      const acme = (await post('/api/v1/accounts', { name: 'Acme' })).json();
      clock = '2026-04-20T12:00:00.000Z';
      const base = `/api/v1/accounts/${acme.id}/health`;
      const cases: [string, string][] = [
        [`${base}?day=2026-02-30`, 'querystring.day'],
        [`${base}?day=2026-04-21`, 'querystring.day'],
        [`${base}?days=3`, 'querystring'],
        [`${base}/trend?from=2026-04-20&to=2026-04-01`, 'querystring.from'],
        [`${base}/trend?from=2025-01-01&to=2026-04-20`, 'querystring.to'],
        [`${base}/trend?from=2025-01-01`, 'querystring.to'],
        [`${base}/trend?to=2026-05-01`, 'querystring.to'],
        [`${base}/drivers?from=April`, 'querystring.from'],
        ['/api/v1/health/models/three-pillars/export?format=xml', 'querystring.format'],
      ];
      for (const [url, path] of cases) {
        const res = await get(url);
        expect(res.statusCode, url).toBe(400);
        expect(issuesOf(res.json())[0]?.path, url).toBe(path);
      }
      const bodies: [object, string][] = [
        [{ day: '2026-04-01', from: '2026-04-01' }, 'body.day'],
        [{ from: '2026-04-01' }, 'body.to'],
        [{ from: '2026-04-02', to: '2026-04-01' }, 'body.from'],
        [{ from: '2025-01-01', to: '2026-04-01' }, 'body.to'],
        [{ day: '2026-04-21' }, 'body.day'],
      ];
      for (const [payload, path] of bodies) {
        const res = await post('/api/v1/health/score', payload);
        expect(res.statusCode, JSON.stringify(payload)).toBe(400);
        expect(issuesOf(res.json())[0]?.path).toBe(path);
      }
      expect((await get('/api/v1/accounts/acc_nobody/health')).statusCode).toBe(404);
      expect((await get(`${base}/drivers?from=2026-04-19`)).statusCode).toBe(200);
    });
  });
}
