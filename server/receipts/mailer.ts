// The one SMTP transport: nodemailer over SMTP_URL, pooled so a burst of receipts reuses connections.
import nodemailer, { type Transporter } from 'nodemailer';

export type Mailer = Transporter;

export function createMailer(smtpUrl: string): Mailer {
  const url = new URL(smtpUrl);
  if (!url.searchParams.has('pool')) url.searchParams.set('pool', 'true');
  return nodemailer.createTransport(url.toString());
}
