// The one SMTP transport: nodemailer over SMTP_URL, pooled so a burst of receipts reuses connections.
import nodemailer, { type Transporter } from 'nodemailer';

export type Mailer = Transporter;

/** `connections`: the pool's size, as many as the worker sends at once (MAIL_CONCURRENCY), unless SMTP_URL sets maxConnections. */
export function createMailer(smtpUrl: string, connections = 5): Mailer {
  const url = new URL(smtpUrl);
  if (!url.searchParams.has('pool')) url.searchParams.set('pool', 'true');
  if (!url.searchParams.has('maxConnections')) url.searchParams.set('maxConnections', String(connections));
  // A mail server that stops answering must not hold a send (and its database transaction) for long.
  for (const [name, ms] of [['connectionTimeout', '10000'], ['greetingTimeout', '10000'], ['socketTimeout', '30000']] as const) {
    if (!url.searchParams.has(name)) url.searchParams.set(name, ms);
  }
  return nodemailer.createTransport(url.toString());
}
