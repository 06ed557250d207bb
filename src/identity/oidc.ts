import * as client from 'openid-client';
import type { OidcConfig } from '../core/config.js';
import { ALLOW_ALL } from '../core/access.js';
import { SYSTEM, type Ctx } from '../core/context.js';
import { AppError } from '../core/errors.js';
import { newId } from '../core/ids.js';
import { inTx, type Executor } from '../db/database.js';
import { mapped } from '../db/errors.js';
import type { SessionRow, UserRow } from '../db/schema.js';
import { recordAudit, type AuditWrite } from '../audit/record.js';
import * as store from './store.js';
import { isRole, normaliseEmail, ROLES, toUser, type Role, type User } from './model.js';
import {
  endSession,
  revokeUserSessions,
  startSession,
  type SessionPolicy,
  type StartedSession,
} from './sessions.js';
import { sameSecret, sha256 } from './tokens.js';

/** How long a sign-in may spend at the identity provider before its state is refused. */
export const FLOW_TTL_MS = 10 * 60 * 1000;

export const CALLBACK_PATH = '/api/v1/auth/oidc/callback';

const LOCAL_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

/**
 * Plain-HTTP issuers are accepted only on this machine (tests, a provider next to a local
 * install); anywhere else tokens and codes must travel over HTTPS.
 */
export function insecureIssuerAllowed(issuer: URL): boolean {
  return issuer.protocol === 'http:' && LOCAL_HOSTS.has(issuer.hostname);
}

/** Fails at start-up on settings that could only fail later, at someone's first sign-in. */
export function checkOidcConfig(oidc: OidcConfig): void {
  let issuer: URL;
  try {
    issuer = new URL(oidc.issuer);
  } catch {
    throw new Error(`TENURE_OIDC_ISSUER: not a URL: ${oidc.issuer}`);
  }
  if (issuer.protocol !== 'https:' && !insecureIssuerAllowed(issuer)) {
    throw new Error('TENURE_OIDC_ISSUER must use https (plain http only for localhost)');
  }
  for (const [claim, role] of Object.entries(oidc.roleMap)) {
    if (!isRole(role))
      throw new Error(`TENURE_OIDC_ROLE_MAP: ${claim}=${role}: role must be ${ROLES.join(', ')}`);
  }
  if (oidc.defaultRole !== null && !isRole(oidc.defaultRole)) {
    throw new Error(`TENURE_OIDC_DEFAULT_ROLE must be one of ${ROLES.join(', ')}`);
  }
}

const configurations = new Map<string, Promise<client.Configuration>>();

async function discover(oidc: OidcConfig): Promise<client.Configuration> {
  const issuer = new URL(oidc.issuer);
  const execute = insecureIssuerAllowed(issuer) ? [client.allowInsecureRequests] : [];
  const found = await client.discovery(issuer, oidc.clientId, oidc.clientSecret, undefined, {
    execute,
  });
  // client_secret_basic is the OpenID default every provider supports unless it says otherwise.
  const methods = found.serverMetadata().token_endpoint_auth_methods_supported;
  if (methods && !methods.includes('client_secret_basic')) return found;
  const config = new client.Configuration(
    found.serverMetadata(),
    oidc.clientId,
    oidc.clientSecret,
    client.ClientSecretBasic(oidc.clientSecret),
  );
  for (const extension of execute) extension(config);
  return config;
}

/** The provider's metadata, fetched once per issuer and client; a failure is retried later. */
export function providerConfiguration(oidc: OidcConfig): Promise<client.Configuration> {
  const key = `${oidc.issuer}\n${oidc.clientId}`;
  let found = configurations.get(key);
  if (!found) {
    found = discover(oidc);
    configurations.set(key, found);
    found.catch(() => configurations.delete(key));
  }
  return found;
}

/** A path on this site to return to after sign-in, or null for anything else. */
export function safeReturnTo(raw: string): string | null {
  const odd = /[\\\s]/.test(raw) || [...raw].some((c) => c.charCodeAt(0) < 0x20);
  if (!raw.startsWith('/') || raw.startsWith('//') || odd) return null;
  const base = 'http://tenure.invalid';
  let url: URL;
  try {
    url = new URL(raw, base);
  } catch {
    return null;
  }
  if (url.origin !== base) return null;
  // Dot segments normalise `/.//evil.example` into `//evil.example`: check the result too.
  const path = `${url.pathname}${url.search}${url.hash}`;
  return path.startsWith('//') ? null : path;
}

/** Scopes to ask for: the standard ones, plus the role claim's own scope where one exists. */
function scopesFor(oidc: OidcConfig, config: client.Configuration): string {
  const scopes = ['openid', 'email', 'profile'];
  const offered = config.serverMetadata().scopes_supported ?? [];
  const claimScope = oidc.roleClaim.split('.')[0]!;
  if (offered.includes(claimScope) && !scopes.includes(claimScope)) scopes.push(claimScope);
  return scopes.join(' ');
}

/**
 * Start a sign-in: remember state, nonce and PKCE verifier (state only as a hash), and
 * answer the provider's authorization URL to send the browser to, and the state, which the
 * caller also gives the browser (a cookie) so the callback can tell it is the same browser.
 */
export async function beginOidcLogin(
  ctx: Ctx,
  oidc: OidcConfig,
  opts: { redirectUri: string; returnTo: string },
): Promise<{ url: URL; state: string }> {
  const config = await providerConfiguration(oidc);
  const state = client.randomState();
  const nonce = client.randomNonce();
  const verifier = client.randomPKCECodeVerifier();
  const now = ctx.now();
  await inTx(ctx.db, async (trx) => {
    await trx.deleteFrom('oidc_flows').where('expires_at', '<=', now.toISOString()).execute();
    await trx
      .insertInto('oidc_flows')
      .values({
        state_hash: sha256(state),
        nonce,
        code_verifier: verifier,
        return_to: opts.returnTo,
        created_at: now.toISOString(),
        expires_at: new Date(now.getTime() + FLOW_TTL_MS).toISOString(),
      })
      .execute();
  });
  const url = client.buildAuthorizationUrl(config, {
    redirect_uri: opts.redirectUri,
    scope: scopesFor(oidc, config),
    state,
    nonce,
    code_challenge: await client.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
  });
  return { url, state };
}

/** What Tenure reads from the provider about the person signing in. */
export interface OidcIdentity {
  issuer: string;
  subject: string;
  email: string | null;
  /** False only when the provider says the email is unverified; null when it says nothing. */
  emailVerified: boolean | null;
  name: string | null;
  roleValues: string[];
}

/** A claim by name, or by a dotted path into nested claims (`realm_access.roles`). */
function claimAt(claims: Record<string, unknown>, name: string): unknown {
  if (name in claims) return claims[name];
  let value: unknown = claims;
  for (const part of name.split('.')) {
    if (typeof value !== 'object' || value === null) return undefined;
    value = (value as Record<string, unknown>)[part];
  }
  return value;
}

export function identityFrom(
  claims: Record<string, unknown>,
  roleClaim: string,
): Omit<OidcIdentity, 'issuer'> {
  const text = (v: unknown) => (typeof v === 'string' && v.trim() !== '' ? v.trim() : null);
  const verified = claims.email_verified;
  const roles = claimAt(claims, roleClaim);
  return {
    subject: String(claims.sub),
    email: text(claims.email),
    emailVerified:
      verified === undefined || verified === null ? null : verified === true || verified === 'true',
    name: text(claims.name),
    roleValues: (Array.isArray(roles) ? roles : [roles]).filter(
      (r): r is string => typeof r === 'string',
    ),
  };
}

/** The most powerful role any claim value maps to (admin > manager > csm > viewer). */
export function mapRole(values: readonly string[], roleMap: Record<string, string>): Role | null {
  let best: Role | null = null;
  for (const value of values) {
    const role = roleMap[value];
    if (role === undefined || !isRole(role)) continue;
    if (best === null || ROLES.indexOf(role) < ROLES.indexOf(best)) best = role;
  }
  return best;
}

function refused(err: unknown): AppError | null {
  if (err instanceof client.AuthorizationResponseError || err instanceof client.ResponseBodyError) {
    const why = err.error_description ? `${err.error}: ${err.error_description}` : err.error;
    return new AppError('unauthenticated', `single sign-on failed: ${why}`);
  }
  if (err instanceof client.ClientError) {
    return new AppError('unauthenticated', `single sign-on failed: ${err.message}`);
  }
  return null;
}

/** Redeem the code (PKCE, state, nonce checked by openid-client) and read the claims. */
async function exchange(
  oidc: OidcConfig,
  callbackUrl: URL,
  state: string,
  flow: { nonce: string; code_verifier: string },
): Promise<OidcIdentity> {
  const config = await providerConfiguration(oidc);
  try {
    const tokens = await client.authorizationCodeGrant(config, callbackUrl, {
      expectedState: state,
      expectedNonce: flow.nonce,
      pkceCodeVerifier: flow.code_verifier,
      idTokenExpected: true,
    });
    const idClaims = tokens.claims();
    if (!idClaims) throw new AppError('unauthenticated', 'the provider sent no ID token');
    let claims: Record<string, unknown> = { ...idClaims };
    // Providers put scope claims (email, roles) in the ID token, the userinfo answer or both.
    if (config.serverMetadata().userinfo_endpoint) {
      const info = await client.fetchUserInfo(config, tokens.access_token, idClaims.sub);
      claims = { ...info, ...idClaims };
    }
    return { issuer: idClaims.iss, ...identityFrom(claims, oidc.roleClaim) };
  } catch (err) {
    throw refused(err) ?? err;
  }
}

/** Take (delete) the flow of a state: each works once; unknown, used or expired ones fail. */
async function takeFlow(ctx: Ctx, state: string) {
  const flow = await ctx.db
    .deleteFrom('oidc_flows')
    .where('state_hash', '=', sha256(state))
    .returningAll()
    .executeTakeFirst();
  if (!flow || flow.expires_at <= ctx.now().toISOString()) {
    throw new AppError(
      'unauthenticated',
      'unknown, used or expired single sign-on attempt; start signing in again',
    );
  }
  return flow;
}

const forbidden = (message: string) => new AppError('forbidden', message);

type AuditMore = Pick<AuditWrite, 'before' | 'after' | 'changes'>;
const auditUser = (system: Ctx, trx: Executor, id: string, action: string, more: AuditMore) =>
  recordAudit(system, trx, { entity: 'user', entityId: id, action, ...more });

/** Give a user the role their claims map to; a role change ends their other sessions. */
async function syncRole(system: Ctx, trx: Executor, row: UserRow, role: Role | null) {
  if (role === null || role === row.role) return row;
  // As in the admin screens, the last active admin is never demoted.
  if (row.role === 'admin' && (await store.countActiveAdmins(trx)) <= 1) return row;
  const patch = { role, updated_at: system.now().toISOString() };
  await store.updateUser(trx, row.id, patch);
  const after = { ...row, ...patch };
  await auditUser(system, trx, row.id, 'update', { before: row, after });
  await revokeUserSessions(system, trx, row.id, 'role changed by single sign-on');
  return after;
}

/** Linking rules: known identity, else an unlinked user with the verified email, else JIT. */
async function resolveUser(
  system: Ctx,
  trx: Executor,
  oidc: OidcConfig,
  who: OidcIdentity,
): Promise<UserRow> {
  // With a role map the provider decides roles: losing the claim means the default role or
  // no access, never keeping a role the provider took away. Without one, Tenure decides.
  const byProvider = Object.keys(oidc.roleMap).length > 0;
  const fallback = oidc.defaultRole !== null && isRole(oidc.defaultRole) ? oidc.defaultRole : null;
  const role = mapRole(who.roleValues, oidc.roleMap) ?? (byProvider ? fallback : null);
  const noRole = () =>
    forbidden(
      `your identity provider grants no Tenure role (claim ${oidc.roleClaim}); ask an admin`,
    );
  if (byProvider && role === null) throw noRole();
  const linked = await store.findUserByOidc(trx, who.issuer, who.subject);
  if (linked) {
    if (linked.archived_at) throw forbidden('this Tenure user is archived');
    return syncRole(system, trx, linked, role);
  }
  if (!who.email) throw forbidden('the identity provider sent no email address');
  // Only a verified email links or creates a user: some providers let tenants set any
  // address, and a missing claim is not a verified one.
  if (who.emailVerified !== true)
    throw forbidden('the identity provider has not verified your email address');
  const email = normaliseEmail(who.email);
  const existing = await store.findUserByEmail(trx, email);
  if (existing) {
    if (existing.archived_at) throw forbidden('this Tenure user is archived');
    if (existing.oidc_subject !== null)
      throw forbidden(`the Tenure user ${email} is linked to another single sign-on identity`);
    const patch = {
      oidc_issuer: who.issuer,
      oidc_subject: who.subject,
      updated_at: system.now().toISOString(),
    };
    await store.updateUser(trx, existing.id, patch);
    await auditUser(system, trx, existing.id, 'link', {
      changes: { oidcIssuer: [null, who.issuer], oidcSubject: [null, who.subject] },
    });
    return syncRole(system, trx, { ...existing, ...patch }, role);
  }
  if (!oidc.jitProvisioning) throw forbidden('no Tenure user for this identity; ask an admin');
  const jitRole = role ?? fallback;
  if (jitRole === null) throw noRole();
  const at = system.now().toISOString();
  const row: UserRow = {
    id: newId('usr', system.now().getTime()),
    email,
    name: who.name ?? email.split('@')[0]!,
    role: jitRole,
    created_at: at,
    updated_at: at,
    archived_at: null,
    password_hash: null,
    manager_id: null,
    oidc_issuer: who.issuer,
    oidc_subject: who.subject,
    last_login_at: null,
  };
  await store.insertUsers(trx, [row]);
  await auditUser(system, trx, row.id, 'create', { after: row });
  return row;
}

export interface OidcCallback {
  /** The callback URL as registered, with the query the provider sent. */
  callbackUrl: URL;
  state: string;
  /** The state the browser was given when it started (cookie); must equal `state`. */
  browserState: string | null;
  userAgent: string | null;
  /** A session the browser already had; signing in replaces it. */
  current: SessionRow | null;
}

export interface OidcSignIn extends StartedSession {
  user: User;
  returnTo: string;
}

/**
 * Finish a sign-in at the callback: take the one-time flow, redeem the code, find, link or
 * create the user (audited, as the system) and start a session, all in one transaction.
 */
export async function finishOidcLogin(
  ctx: Ctx,
  oidc: OidcConfig,
  cb: OidcCallback,
  sessions: SessionPolicy,
): Promise<OidcSignIn> {
  // Without this, someone could send a victim their own callback link and sign the victim
  // in as themselves (login CSRF); the flow stays usable by the browser that started it.
  if (!cb.browserState || !sameSecret(cb.browserState, cb.state)) {
    throw new AppError(
      'unauthenticated',
      'this single sign-on attempt was started in another browser; start signing in again',
    );
  }
  const flow = await takeFlow(ctx, cb.state);
  const who = await exchange(oidc, cb.callbackUrl, cb.state, flow);
  return mapped(() =>
    inTx(ctx.db, async (trx) => {
      const system: Ctx = { ...ctx, db: trx, actor: SYSTEM, may: ALLOW_ALL, can: () => undefined };
      // Signing in over an existing session replaces it: the old token stops working.
      if (cb.current) await endSession({ ...ctx, db: trx }, trx, cb.current, 'signed in again');
      const row = await resolveUser(system, trx, oidc, who);
      const started = await startSession(
        { ...ctx, db: trx, actor: { kind: 'user', id: row.id, name: row.email } },
        trx,
        row,
        { method: 'oidc', userAgent: cb.userAgent },
        sessions,
      );
      const user = toUser({ ...row, last_login_at: started.session.created_at });
      return { ...started, user, returnTo: flow.return_to };
    }),
  );
}
