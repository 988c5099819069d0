// The staff area's menu, team and audit log as the templates show them, in the page's language.
import { translate, type MessageKey } from '../i18n/messages';
import { type Locale } from '../locale';
import { mayOpen, type StaffArea } from './access';
import type { AuditLogRow } from './audit.repository';
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

const roleLabel = (locale: Locale, role: StaffRole) => translate(locale, `staff.role.${role}`);

export function teamView(members: StaffMember[], locale: Locale, now = new Date()) {
  return {
    members: members.map((m) => ({
      id: m.id,
      name: m.name,
      email: m.email,
      disabled: m.disabled_at !== null,
      lockedUntil: m.locked_until && m.locked_until > now ? m.locked_until : null,
      roleChoices: staffRoles.map((role) => ({ value: role, label: roleLabel(locale, role), checked: m.roles.includes(role) })),
    })),
    inviteRoles: staffRoles.map((role) => ({ value: role, label: roleLabel(locale, role), checked: false })),
  };
}

export function auditView(entries: AuditLogRow[], locale: Locale) {
  return entries.map((e) => ({
    at: e.at,
    who: e.name ?? translate(locale, 'staff.audit.commandLine'),
    action: e.action,
    subject: `${e.subject_type} ${e.subject_id}`,
    before: e.before === null ? '' : JSON.stringify(e.before),
    after: e.after === null ? '' : JSON.stringify(e.after),
  }));
}
