// The staff area's menu and team as the templates show them, in the page's language (the audit log: audit.view.ts).
import { translate, type MessageKey } from '../i18n/messages';
import { languageNames, locales, type Locale } from '../locale';
import { mayOpen, type StaffArea } from './access';
import { staffRoles } from './members';
import type { SignedInStaff } from './sessions';
import type { StaffMember, StaffRole } from '../tables/staff-members.table';

const areaLinks: Array<{ area: StaffArea; href: string; label: MessageKey; description: MessageKey }> = [
  { area: 'campaigns', href: '/staff/campaigns', label: 'staff.nav.campaigns', description: 'staff.nav.campaigns.description' },
  { area: 'finance', href: '/staff/finance', label: 'staff.nav.finance', description: 'staff.nav.finance.description' },
  { area: 'team', href: '/staff/team', label: 'staff.nav.team', description: 'staff.nav.team.description' },
  { area: 'audit', href: '/staff/audit', label: 'staff.nav.audit', description: 'staff.nav.audit.description' },
  { area: 'queues', href: '/staff/queues', label: 'staff.nav.queues', description: 'staff.nav.queues.description' },
];

/** The parts of the staff area this colleague may open: the layout's menu and the home page's tiles. */
export function staffNav(staff: SignedInStaff | undefined, locale: Locale) {
  if (!staff) return [];
  return areaLinks
    .filter((link) => mayOpen(staff, link.area))
    .map((link) => ({ area: link.area, href: link.href, label: translate(locale, link.label), description: translate(locale, link.description) }));
}

/**
 * The language choice in the layout's header and on the home page: each language with whether the page
 * speaks it, whether it is this colleague's stored choice, and the page to come back to.
 */
export function staffLanguages(staff: SignedInStaff | undefined, locale: Locale, originalUrl: string) {
  if (!staff) return undefined;
  return {
    followsBrowser: staff.locale === null,
    next: originalUrl,
    choices: locales.map((code) => ({ code, name: languageNames[code], current: code === locale, chosen: code === staff.locale })),
  };
}

const roleLabel = (locale: Locale, role: StaffRole) => translate(locale, `staff.role.${role}`);

/** Roles as a sentence names them: "Finance and Campaign manager", "财务和募捐项目经理". */
export function roleList(locale: Locale, roles: StaffRole[]): string {
  return new Intl.ListFormat(locale, { type: 'conjunction' }).format(roles.map((role) => roleLabel(locale, role)));
}

/** A refused change to one colleague's row, shown in that row with the roles as they were chosen. */
export interface RowProblem {
  staffId: number;
  action: 'roles' | 'status';
  message: string;
  chosenRoles?: StaffRole[];
}

export function teamView(members: StaffMember[], locale: Locale, now = new Date(), problem?: RowProblem) {
  return {
    members: members.map((m) => {
      const own = problem?.staffId === m.id ? problem : undefined;
      const checkedRoles = own?.chosenRoles ?? m.roles;
      return {
        id: m.id,
        name: m.name,
        email: m.email,
        disabled: m.disabled_at !== null,
        // Invited until they have chosen a password with the link they were sent.
        invited: m.disabled_at === null && m.password_hash === null,
        lockedUntil: m.locked_until && m.locked_until > now ? m.locked_until : null,
        rolesProblem: own?.action === 'roles' ? own.message : undefined,
        statusProblem: own?.action === 'status' ? own.message : undefined,
        roleChoices: staffRoles.map((role) => ({ value: role, label: roleLabel(locale, role), checked: checkedRoles.includes(role) })),
      };
    }),
    inviteRoles: staffRoles.map((role) => ({ value: role, label: roleLabel(locale, role), checked: false })),
  };
}
