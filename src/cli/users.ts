import type { Command } from 'commander';
import {
  createUser,
  listUsers,
  resolveUserRef,
  setPassword,
  updateUser,
} from '../identity/service.js';
import { demoPassword } from '../demo/service.js';
import { isRole, ROLES, type Role } from '../identity/model.js';
import { printJson, printTable, withCtx } from './shared.js';

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
}

function roleOption(value: string | undefined, admin: boolean | undefined): Role {
  if (admin) return 'admin';
  const role = value ?? 'csm';
  if (!isRole(role)) throw new Error(`--role: expected one of ${ROLES.join(', ')}, got "${role}"`);
  return role;
}

interface PasswordOpts {
  passwordStdin?: boolean;
  password?: boolean;
}

/** From stdin when asked; none for SSO-only users; otherwise a generated one, printed once. */
async function passwordFrom(o: PasswordOpts): Promise<{ password?: string; generated: boolean }> {
  if (o.password === false) return { generated: false };
  if (o.passwordStdin) return { password: await readStdin(), generated: false };
  return { password: demoPassword(), generated: true };
}

export function registerUsers(program: Command): void {
  const users = program.command('users').description('people who use Tenure and own accounts');
  users
    .command('list')
    .description('list users')
    .option('--json', 'print JSON')
    .action(async (o: { json?: boolean }) => {
      await withCtx(async (ctx) => {
        const items = await listUsers(ctx);
        if (o.json) return printJson({ items });
        printTable(
          items.map((u) => ({
            id: u.id,
            name: u.name,
            email: u.email,
            role: u.role,
            status: u.archivedAt ? 'archived' : 'active',
          })),
          ['id', 'name', 'email', 'role', 'status'],
        );
      });
    });
  users
    .command('create')
    .description('create a user; `--admin` makes the first admin of a new installation')
    .requiredOption('--email <email>', 'sign-in email')
    .requiredOption('--name <name>', 'full name')
    .option('--role <role>', `one of ${ROLES.join(', ')} (default csm)`)
    .option('--admin', 'shorthand for --role admin')
    .option('--manager <user>', 'the manager who leads this user (id or email)')
    .option('--password-stdin', 'read the password from standard input')
    .option('--no-password', 'no password: the user signs in only with single sign-on')
    .option('--json', 'print JSON')
    .addHelpText(
      'after',
      '\nWithout --password-stdin a strong password is generated and printed once.\n' +
        'Example: echo "correct horse battery staple" | tenure users create --admin --email ada@example.com --name "Ada" --password-stdin',
    )
    .action(
      async (
        o: PasswordOpts & {
          email: string;
          name: string;
          role?: string;
          admin?: boolean;
          manager?: string;
          json?: boolean;
        },
      ) => {
        const role = roleOption(o.role, o.admin);
        const { password, generated } = await passwordFrom(o);
        await withCtx(async (ctx) => {
          const managerId = o.manager ? await resolveUserRef(ctx, o.manager, 'manager') : null;
          const user = await createUser(ctx, {
            email: o.email,
            name: o.name,
            role,
            managerId,
            password,
          });
          if (o.json) return printJson({ user, password: generated ? password : undefined });
          process.stdout.write(`Created ${user.role} ${user.email} (${user.id}).\n`);
          if (generated) process.stdout.write(`Password (shown once): ${password}\n`);
        });
      },
    );
  users
    .command('set-password')
    .description("set a user's password and end their sessions")
    .argument('<user>', 'user id or email')
    .option('--password-stdin', 'read the password from standard input')
    .option('--json', 'print JSON')
    .action(async (ref: string, o: PasswordOpts & { json?: boolean }) => {
      const { password, generated } = await passwordFrom(o);
      await withCtx(async (ctx) => {
        const id = await resolveUserRef(ctx, ref, 'user');
        const user = await setPassword(ctx, id, password!);
        if (o.json) return printJson({ user, password: generated ? password : undefined });
        process.stdout.write(`Password set for ${user.email}; their sessions have ended.\n`);
        if (generated) process.stdout.write(`Password (shown once): ${password}\n`);
      });
    });
  users
    .command('update')
    .description("change a user's role, manager or name, or archive them")
    .argument('<user>', 'user id or email')
    .option('--role <role>', ROLES.join(', '))
    .option('--name <name>', 'full name')
    .option('--manager <user>', 'the manager who leads this user; "none" to clear')
    .option('--archive', 'archive: the user can no longer sign in')
    .option('--restore', 'restore an archived user')
    .option('--json', 'print JSON')
    .action(
      async (
        ref: string,
        o: {
          role?: string;
          name?: string;
          manager?: string;
          archive?: boolean;
          restore?: boolean;
          json?: boolean;
        },
      ) => {
        if (o.role !== undefined && !isRole(o.role))
          throw new Error(`--role: expected one of ${ROLES.join(', ')}, got "${o.role}"`);
        if (o.archive && o.restore) throw new Error('--archive and --restore: pick one');
        await withCtx(async (ctx) => {
          const id = await resolveUserRef(ctx, ref, 'user');
          const managerId =
            o.manager === undefined
              ? undefined
              : o.manager === 'none'
                ? null
                : await resolveUserRef(ctx, o.manager, 'manager');
          const user = await updateUser(ctx, id, {
            role: o.role as Role | undefined,
            name: o.name,
            managerId,
            archived: o.archive ? true : o.restore ? false : undefined,
          });
          if (o.json) return printJson({ user });
          process.stdout.write(
            `Updated ${user.email}: ${user.role}${user.archivedAt ? ', archived' : ''}.\n`,
          );
        });
      },
    );
}
