// `npm run staff -- create --email a@b.org --role admin [--role finance] [--name "A B"]`: the first admin,
// or anyone, from the command line; prints a one-time link to set the password.
// `npm run staff -- reset --email a@b.org`: a new one-time link, for a forgotten password.
import { parseArgs } from 'node:util';
import { createDb } from '../database';
import { migrateToLatest } from '../../db/migrate';
import { ConfigError, configOrExit, publicUrl } from '../config';
import { inviteStaff, isStaffRole, staffRoles } from './members';
import { emailShape } from '../http/text';
import { createPasswordLink } from './sessions';
import { findStaffIdByEmail } from './member.repository';

const usage = `usage: npm run staff -- create --email EMAIL --role ROLE [--role ROLE] [--name NAME]
       npm run staff -- reset --email EMAIL
roles: ${staffRoles.join(', ')}`;

function fail(message: string): never {
  console.error(`${message}\n${usage}`);
  process.exit(1);
}

async function main(): Promise<void> {
  let parsed;
  try {
    parsed = parseArgs({
      allowPositionals: true,
      options: { email: { type: 'string' }, role: { type: 'string', multiple: true }, name: { type: 'string' } },
    });
  } catch (error) {
    fail(error instanceof Error ? error.message : String(error));
  }
  const [command] = parsed.positionals;
  const email = parsed.values.email?.trim() ?? '';
  if (command !== 'create' && command !== 'reset') fail('Say what to do: create or reset.');
  if (!emailShape.test(email)) fail('--email: expected an email address such as name@example.org.');

  const config = configOrExit((c) => {
    if (!c.databaseUrl) throw new ConfigError(['DATABASE_URL: required by this command (it is not set)']);
    return c;
  });
  const base = publicUrl(config);
  const db = createDb(config.databaseUrl!, { max: 2 });
  try {
    await migrateToLatest(db);
    let token: string;
    if (command === 'create') {
      const roles = parsed.values.role ?? [];
      if (roles.length === 0 || !roles.every(isStaffRole)) fail(`--role: expected one or more of ${staffRoles.join(', ')}.`);
      const name = parsed.values.name?.trim() || email.split('@')[0]!;
      const invited = await inviteStaff(db, { email, name, roles: roles.filter(isStaffRole) }, null);
      if (invited.kind === 'disabled') fail(`${email}: this account is disabled; enable it first.`);
      // From the command line, someone who already has a password is given a link to choose a new one.
      token = 'token' in invited ? invited.token : await createPasswordLink(db, invited.staffId);
      console.log(`${email} may now sign in as ${roles.join(', ')} once they have chosen a password.`);
    } else {
      const staffId = await findStaffIdByEmail(db, email);
      if (staffId === undefined) fail(`No staff account for ${email}.`);
      token = await createPasswordLink(db, staffId);
    }
    console.log(`One-time link to set the password (valid for 24 hours):\n${base}/staff/password/${token}`);
  } finally {
    await db.destroy();
  }
}

main().catch((error: unknown) => {
  console.error(`staff: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
