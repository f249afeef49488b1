// `switchyard users create --username dana --role operator [--password-stdin]`,
// `switchyard users list`, `switchyard users disable --username dana`,
// `switchyard users set-role --username dana --role viewer`,
// `switchyard users unlock --username dana` (lifts a sign-in lockout; reads REDIS_URL and QUEUE_PREFIX).
// Without --password-stdin, create asks for the password (not echoed).
// Bad input exits 2 having written nothing; an unreachable database (or Redis) exits 1.
import { type Command, parseCommand, UsageError, withDatabase, withRedis } from './admin-cli.js';
import { checkPassword, checkRole, checkUsername, CONSOLE_ROLES, ConsoleUserInputError, ConsoleUserStore } from '../../foundation/console-auth/console-user-store.js';
import { SignInThrottle } from '../../foundation/console-auth/sign-in-throttle.js';
import { AccessRepository } from '../../foundation/repositories/access.repository.js';

const USAGE = `Usage:
  switchyard users create --username <name> --role <role> [--password-stdin]
  switchyard users list
  switchyard users disable --username <name>
  switchyard users set-role --username <name> --role <role>
  switchyard users unlock --username <name>     (after too many failed sign-ins)
Roles: ${CONSOLE_ROLES.join(', ')}.
Reads DATABASE_URL (unlock: REDIS_URL, REDIS_CLUSTER_NODES and QUEUE_PREFIX, as the API has them).`;

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
}

/** Asks on the terminal without echoing what is typed. */
async function promptPassword(question: string): Promise<string> {
  if (!process.stdin.isTTY) throw new UsageError('No terminal to ask for the password on; pipe it in with --password-stdin');
  process.stdout.write(question);
  process.stdin.setRawMode(true);
  let typed = '';
  try {
    for await (const chunk of process.stdin) {
      for (const char of (chunk as Buffer).toString('utf8')) {
        if (char === '\r' || char === '\n') return typed;
        if (char === '\u0003') throw new UsageError('Cancelled');
        if (char === '\u007f') typed = typed.slice(0, -1);
        else typed += char;
      }
    }
    return typed;
  } finally {
    process.stdin.setRawMode(false);
    process.stdout.write('\n');
  }
}

async function main(argv: string[]): Promise<number> {
  const parsed = parseCommand(argv, {
    usage: USAGE,
    commands: ['create', 'list', 'disable', 'set-role', 'unlock'],
    options: { username: { type: 'string' }, role: { type: 'string' }, 'password-stdin': { type: 'boolean' } },
  });
  if (!parsed) return 0;
  const { command, values } = parsed;
  if (command !== 'list' && values.username === undefined) throw new UsageError(`${command} needs --username`);
  if ((command === 'create' || command === 'set-role') && values.role === undefined) throw new UsageError(`${command} needs --role`);
  if (command !== 'create' && values['password-stdin']) throw new UsageError('--password-stdin only applies to create');
  if ((command === 'list' || command === 'disable' || command === 'unlock') && values.role !== undefined) throw new UsageError(`--role does not apply to ${command}`);
  // Everything the user typed is checked before the password is asked for or the database touched.
  if (values.username !== undefined) checkUsername(values.username);
  if (values.role !== undefined) checkRole(values.role);
  let password = '';
  if (command === 'create') password = checkPassword(values['password-stdin'] ? await readStdin() : await promptPassword('Password: '));

  if (command === 'unlock') {
    const username = checkUsername(values.username!);
    return withRedis(async (redis, queuePrefix) => {
      await new SignInThrottle(redis, queuePrefix).unlock(username);
      console.log(`"${username}" may sign in again; their failed sign-ins are forgotten.`);
      return 0;
    });
  }

  return withDatabase(async (sql) => {
    const store = new ConsoleUserStore(new AccessRepository(sql));
    if (command === 'create') {
      const user = await store.create({ username: values.username!, password, role: values.role! });
      console.log(`Created console user "${user.username}" (${user.role}).`);
    } else if (command === 'list') {
      const users = await store.list();
      if (users.length === 0) console.log('No console users yet. Create one with: switchyard users create --username <name> --role admin');
      for (const user of users) {
        console.log(`${user.username}\t${user.role}\t${user.disabledAt ? `disabled ${user.disabledAt.toISOString()}` : 'active'}\tcreated ${user.createdAt.toISOString()}`);
      }
    } else if (command === 'disable') {
      const user = await store.disable(values.username!);
      console.log(`Disabled "${user.username}"; their sessions are ended.`);
    } else {
      const user = await store.setRole(values.username!, values.role!);
      console.log(`"${user.username}" is now ${user.role}.`);
    }
    return 0;
  });
}

/** `switchyard users`: the people who sign in to the console, and their roles. */
export const usersCommand: Command = {
  usage: USAGE,
  inputError: ConsoleUserInputError,
  run: main,
};
