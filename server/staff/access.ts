// Who may open which part of the staff area: the one rule, and the middleware that applies it.
import type { RequestHandler } from 'express';
import type { StaffRole } from '../tables/staff-members.table';
import type { AppContext } from '../context';
import { Forbidden } from '../http/errors';
import { sessionCookie, staffForSession, type SignedInStaff } from './sessions';
import { say } from '../http/language';

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    interface Locals {
      staff?: SignedInStaff;
    }
  }
}

/** Every staff area and the roles that open it; an admin opens all of them. */
const areaRoles = {
  home: ['admin', 'finance', 'campaign_manager'],
  campaigns: ['campaign_manager'],
  finance: ['finance'],
  team: ['admin'],
  queues: ['admin'],
  audit: ['admin'],
} as const satisfies Record<string, readonly StaffRole[]>;

export type StaffArea = keyof typeof areaRoles;

export function mayOpen(staff: Pick<SignedInStaff, 'roles'>, area: StaffArea): boolean {
  return staff.roles.includes('admin') || staff.roles.some((role) => (areaRoles[area] as readonly StaffRole[]).includes(role));
}

/** Reads the session cookie on every staff request; nothing else does. */
export function loadStaff({ db }: Pick<AppContext, 'db'>): RequestHandler {
  return async (req, res, next) => {
    const token = req.signedCookies?.[sessionCookie] ?? req.cookies?.[sessionCookie];
    if (typeof token === 'string') res.locals.staff = await staffForSession(db, token);
    next();
  };
}

/** A visitor is sent to sign in; a colleague without the role gets a 403. */
export function requireArea(area: StaffArea): RequestHandler {
  return (req, res, next) => {
    const staff = res.locals.staff;
    if (!staff) {
      if (req.method === 'GET') return res.redirect(303, `/staff/sign-in?next=${encodeURIComponent(req.originalUrl)}`);
      return res.redirect(303, '/staff/sign-in');
    }
    if (!mayOpen(staff, area)) return next(new Forbidden(say(res, 'staff.forbidden')));
    next();
  };
}

/** Where a staff form may send the browser afterwards: a staff page of ours, else the staff home page. */
export function safeNext(next: unknown): string {
  return typeof next === 'string' && /^\/staff(\/[\w\-./?=&%]*)?$/.test(next) && !next.startsWith('//') ? next : '/staff';
}
