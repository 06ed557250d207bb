import { resolve } from 'node:path';

export interface OidcConfig {
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** The claim that carries roles or groups (default `roles`). */
  roleClaim: string;
  /** Claim value → Tenure role, e.g. `tenure-admins=admin,cs-leads=manager`. */
  roleMap: Record<string, string>;
  /** Create a user on first sign-in when no user has that email. */
  jitProvisioning: boolean;
  /** Role for just-in-time users whose claim maps to no role; none means refuse. */
  defaultRole: string | null;
}

export interface Config {
  /** PostgreSQL connection string; when absent the embedded SQLite file is used. */
  databaseUrl: string | undefined;
  dataDir: string;
  port: number;
  host: string;
  /** Largest JSON body the API accepts. */
  bodyLimitBytes: number;
  /** Largest CSV upload accepted by POST /api/v1/imports; bigger files go through the CLI. */
  importUploadLimitBytes: number;
  /** Where users reach Tenure (https://cs.example.com); decides Secure cookies and the OIDC callback. */
  publicUrl: string | undefined;
  /**
   * Behind a reverse proxy: how many proxy hops (or which proxy addresses) to trust for
   * X-Forwarded-For/-Proto. Trusting every hop would let a client pick its own IP.
   */
  trustProxy: false | number | string;
  /** Origins allowed to call the API from a browser; empty means CORS is off. */
  corsOrigins: string[];
  sessionIdleMinutes: number;
  sessionMaxHours: number;
  loginMaxFailures: number;
  loginWindowMinutes: number;
  oidc: OidcConfig | null;
}

function list(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

function positive(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n <= 0)
    throw new Error(`${name}: expected a positive number, got ${raw}`);
  return n;
}

/** `true` = one proxy in front; a number = that many hops; else proxy addresses or CIDRs. */
function trustProxyFrom(raw: string | undefined): false | number | string {
  if (!raw || raw === 'false' || raw === '0') return false;
  if (raw === 'true') return 1;
  if (/^\d+$/.test(raw)) return Number(raw);
  return raw;
}

function oidcFrom(env: NodeJS.ProcessEnv): OidcConfig | null {
  const issuer = env.TENURE_OIDC_ISSUER;
  if (!issuer) return null;
  const clientId = env.TENURE_OIDC_CLIENT_ID;
  const clientSecret = env.TENURE_OIDC_CLIENT_SECRET;
  if (!clientId || !clientSecret) {
    throw new Error('TENURE_OIDC_ISSUER needs TENURE_OIDC_CLIENT_ID and TENURE_OIDC_CLIENT_SECRET');
  }
  const roleMap: Record<string, string> = {};
  for (const pair of list(env.TENURE_OIDC_ROLE_MAP)) {
    const [claim, role] = pair.split('=').map((s) => s.trim());
    if (!claim || !role) throw new Error(`TENURE_OIDC_ROLE_MAP: expected claim=role, got ${pair}`);
    roleMap[claim] = role;
  }
  return {
    issuer,
    clientId,
    clientSecret,
    roleClaim: env.TENURE_OIDC_ROLE_CLAIM || 'roles',
    roleMap,
    jitProvisioning: env.TENURE_OIDC_JIT === 'true' || env.TENURE_OIDC_JIT === '1',
    defaultRole: env.TENURE_OIDC_DEFAULT_ROLE || null,
  };
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  return {
    databaseUrl: env.DATABASE_URL || undefined,
    dataDir: resolve(env.TENURE_DATA_DIR || './data'),
    port: Number(env.PORT || 3000),
    host: env.HOST || '127.0.0.1',
    bodyLimitBytes: Number(env.TENURE_BODY_LIMIT || 1_048_576),
    importUploadLimitBytes: Number(env.TENURE_IMPORT_UPLOAD_LIMIT || 50 * 1_048_576),
    publicUrl: env.TENURE_PUBLIC_URL || undefined,
    trustProxy: trustProxyFrom(env.TENURE_TRUST_PROXY),
    corsOrigins: list(env.TENURE_CORS_ORIGINS),
    sessionIdleMinutes: positive(env, 'TENURE_SESSION_IDLE_MINUTES', 120),
    sessionMaxHours: positive(env, 'TENURE_SESSION_MAX_HOURS', 12),
    loginMaxFailures: positive(env, 'TENURE_LOGIN_MAX_FAILURES', 10),
    loginWindowMinutes: positive(env, 'TENURE_LOGIN_WINDOW_MINUTES', 15),
    oidc: oidcFrom(env),
  };
}
