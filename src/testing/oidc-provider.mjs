// A real OpenID Connect provider (the `oidc-provider` package) for tests, run as its own
// process: `node src/testing/oidc-provider.mjs`. Configured by environment:
//   OIDC_CLIENT_ID, OIDC_CLIENT_SECRET   the one registered client
//   OIDC_REDIRECT_URIS                   comma-separated redirect URIs of that client
//   OIDC_ACCOUNTS                        JSON object: login name → claims (email, name, roles…)
// It listens on 127.0.0.1 on a random port and prints one JSON line, {"issuer": "http://…"},
// once it is ready. Sign-in uses the package's development login and consent pages: any
// login name listed in OIDC_ACCOUNTS with any password.
import { createServer } from 'node:http';
import Provider from 'oidc-provider';

const required = (name) => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is required`);
  return value;
};

const clientId = required('OIDC_CLIENT_ID');
const clientSecret = required('OIDC_CLIENT_SECRET');
const redirectUris = required('OIDC_REDIRECT_URIS').split(',');
const accounts = JSON.parse(required('OIDC_ACCOUNTS'));

const server = createServer();
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const { port } = server.address();
const issuer = `http://127.0.0.1:${port}`;

const provider = new Provider(issuer, {
  clients: [
    {
      client_id: clientId,
      client_secret: clientSecret,
      redirect_uris: redirectUris,
      grant_types: ['authorization_code'],
      response_types: ['code'],
    },
  ],
  claims: {
    openid: ['sub'],
    email: ['email', 'email_verified'],
    profile: ['name'],
    roles: ['roles'],
  },
  scopes: ['openid', 'email', 'profile', 'roles'],
  pkce: { required: () => true },
  cookies: { keys: ['tenure-test-provider-cookie-key'] },
  features: { devInteractions: { enabled: true } },
  async findAccount(_ctx, sub) {
    const account = accounts[sub];
    if (!account) return undefined;
    return { accountId: sub, claims: async () => ({ sub, ...account }) };
  },
});
// The development pages warn on stdout-adjacent streams; keep stdout for the ready line.
provider.on('server_error', (_ctx, err) => console.error('oidc-provider server_error', err));
server.on('request', provider.callback());
process.stdout.write(`${JSON.stringify({ issuer })}\n`);

const stop = () => server.close(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
