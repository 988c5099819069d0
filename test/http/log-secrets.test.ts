// Whoever reads the log must not be able to follow a link we emailed: every secret that travels in an
// address (sign-in, password, receipt, unsubscribe, card-update and retry links, Checkout's session id)
// is used here, as a donor, a mail scanner and a colleague would, and then looked for in every line.
import request from 'supertest';
import { redactUrl } from '../../server/http/redact-url';
import { signToken } from '../../server/http/signed-links';
import { createPasswordLink } from '../../server/staff/sessions';
import { askForLink, giveAndPay, linkIn, signInMails, useLink } from '../donors/account-helpers';
import { startGivingHarness, type GivingHarness } from '../support/giving';
import { aStaffMember } from '../support/staff';
import { waitUntil } from '../support/wait';

describe('the log', () => {
  let h: GivingHarness;
  beforeAll(async () => {
    h = await startGivingHarness({ config: { logLevel: 'info' } });
  });
  afterAll(() => h.stop());

  it('holds none of the secrets in the links it served', async () => {
    const secrets: string[] = [];
    const visit = async (path: string) => {
      await request(h.url).get(path);
      return path;
    };

    // A gift: Checkout's session id on the thank-you page, the receipt's link from its email.
    const { sessionId, donation } = await h.give('speech-therapy-fund', { amount: '100', currency: 'HKD', frequency: 'once', email: 'log.reader@example.com', name: 'Lo Reader' });
    secrets.push(sessionId);
    await h.pay(sessionId);
    await h.settle();
    await visit(`/donations/thanks?session_id=${sessionId}`);
    const [receiptMail] = await h.mail.waitFor(1);
    const receiptLink = /\/receipts\/[A-Za-z0-9_.-]+/.exec(String(receiptMail!.text))![0];
    secrets.push(receiptLink.split('/').pop()!);
    await visit(receiptLink);

    // Signing in to the account by an emailed link, opened first by a mail scanner.
    await giveAndPay(h, { email: 'log.reader@example.com', name: 'Lo Reader' });
    expect((await askForLink(h, 'log.reader@example.com')).status).toBe(200);
    const link = linkIn((await signInMails(h, 'log.reader@example.com', 1))[0]!)!;
    secrets.push(new URL(link).pathname.split('/').pop()!);
    await visit(new URL(link).pathname);
    expect((await useLink(request.agent(h.url), link)).status).toBe(303);

    // The links other emails and pages carry, signed as they sign them.
    const secret = h.config.sessionSecret;
    for (const [purpose, id, path] of [
      ['unsubscribe', '1', (t: string) => `/unsubscribe/${t}`],
      ['update-card', '00000000-0000-4000-8000-000000000001', (t: string) => `/donations/update-card/${t}`],
      ['retry', donation.id, (t: string) => `/campaigns/speech-therapy-fund?retry=${t}`],
    ] as const) {
      const token = signToken(secret, purpose, id);
      secrets.push(token);
      await visit(path(token));
    }

    // A colleague's password link, opened and then used with a password too short.
    const member = await aStaffMember(h.database.db, ['finance']);
    const passwordToken = await createPasswordLink(h.database.db, member.id);
    secrets.push(passwordToken);
    const colleague = request.agent(h.url);
    await colleague.get(`/staff/password/${passwordToken}`).expect(200);
    await colleague.post(`/staff/password/${passwordToken}`).type('form').send({ password: 'short' });

    // Every request is in the log, each without its secret.
    await waitUntil('the last request logged', () => h.logs.some((line) => JSON.stringify(line).includes('/staff/password/[redacted]')));
    const written = h.logs.map((line) => JSON.stringify(line)).join('\n');
    expect(written).toContain('/receipts/[redacted]');
    expect(written).toContain('/account/sign-in/[redacted]');
    expect(written).toContain('session_id=[redacted]');
    for (const token of secrets) expect({ token, found: written.includes(token) }).toEqual({ token, found: false });
  });

  it('keeps what is not a secret readable', () => {
    expect(redactUrl('/campaigns/happy-smile-2026-05?lang=zh-CN&page=2')).toBe('/campaigns/happy-smile-2026-05?lang=zh-CN&page=2');
    expect(redactUrl('/staff/finance/gifts/6f1c2e4a-1b2c-4d5e-8f90-123456789abc')).toBe('/staff/finance/gifts/6f1c2e4a-1b2c-4d5e-8f90-123456789abc');
    expect(redactUrl('/staff/sign-in/help')).toBe('/staff/sign-in/help');
    expect(redactUrl('/account/plans/sub_1AbCdEfGhIjKlMnOp/card')).toBe('/account/plans/[redacted]/card');
    expect(redactUrl('/staff/finance/gifts?q=mei.chan@example.com&status=refunded')).toBe('/staff/finance/gifts?q=[redacted]&status=refunded');
  });
});
