import { isOneOf } from '../util/fields.js';
import {
  COMMANDS,
  PERMISSION_LEVELS,
  type CommandName,
  type Config,
  type PermissionLevel,
} from '../config/schema.js';

/**
 * Who may run which command. Levels, lowest first: read < triage < write < maintain < admin, so a
 * maintainer may run everything that needs write. Each command's level comes from `config.permissions`
 * (defaults in src/config/schema.ts DEFAULT_PERMISSIONS: status/help read, mode admin, the rest write).
 */

/** A person's level on the repository; `none` for no access at all. */
export type AccessLevel = PermissionLevel | 'none';

/**
 * The answer of `GET /repos/{owner}/{repo}/collaborators/{username}/permission`
 * (https://docs.github.com/rest/collaborators/collaborators#get-repository-permissions-for-a-user).
 * Only the fields read here.
 */
export interface PermissionAnswer {
  /** Legacy field: `admin`, `write`, `read` or `none` (maintain shows as write, triage as read). */
  permission?: string;
  /** The role: `admin`, `maintain`, `write`, `triage`, `read`, or a custom role's name. */
  role_name?: string;
  user?: {
    permissions?: {
      admin?: boolean;
      maintain?: boolean;
      push?: boolean;
      triage?: boolean;
      pull?: boolean;
    } | null;
  } | null;
}

const rank = (level: AccessLevel): number => (level === 'none' ? -1 : PERMISSION_LEVELS.indexOf(level));

function isLevel(value: string | undefined): value is PermissionLevel {
  return isOneOf(PERMISSION_LEVELS, value);
}

/**
 * The highest level the answer grants. A standard `role_name` is taken as it is; a custom role (any other
 * name) falls back to the base permissions in `user.permissions`, then to the legacy `permission`.
 */
export function accessLevel(answer: PermissionAnswer): AccessLevel {
  const role = answer.role_name?.toLowerCase();
  const candidates: AccessLevel[] = [];
  if (isLevel(role)) candidates.push(role);
  const p = answer.user?.permissions;
  if (p) {
    if (p.admin) candidates.push('admin');
    if (p.maintain) candidates.push('maintain');
    if (p.push) candidates.push('write');
    if (p.triage) candidates.push('triage');
    if (p.pull) candidates.push('read');
  }
  const legacy = answer.permission?.toLowerCase();
  if (isLevel(legacy)) candidates.push(legacy);
  return candidates.reduce<AccessLevel>((best, level) => (rank(level) > rank(best) ? level : best), 'none');
}

/** Whether `level` is at least `required`. */
export function hasLevel(level: AccessLevel, required: PermissionLevel): boolean {
  return rank(level) >= rank(required);
}

/** The level a command needs under this config. */
export function requiredLevel(config: Pick<Config, 'permissions'>, command: CommandName): PermissionLevel {
  return config.permissions[command];
}

/** The commands a person with `level` may run, in `/help` order. */
export function allowedCommands(config: Pick<Config, 'permissions'>, level: AccessLevel): CommandName[] {
  return COMMANDS.filter((c) => hasLevel(level, requiredLevel(config, c)));
}

/** The refusal a person sees when their level is too low: who, what, which level is needed, and how to get it. */
export function refusal(
  actor: string,
  level: AccessLevel,
  command: CommandName,
  required: PermissionLevel,
): string {
  const has = level === 'none' ? 'no access to this repository' : `${level} access`;
  return (
    `@${actor}, \`/${command}\` needs ${required} access to this repository and you have ${has}. ` +
    `Ask an admin for ${required} access, or to lower \`permissions.${command}\` in the config file.`
  );
}
