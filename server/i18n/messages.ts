// Every sentence any page or email shows (the public site, donors' accounts, the staff area, receipts and notices), in each language it speaks, gathered from one file per area.
// A key missing from one language is a type error, so a page never falls back to a blank.
import type { Locale } from '../locale';
import * as site from './site';
import * as account from './account';
import * as campaigns from './campaigns';
import * as donate from './donate';
import * as thanks from './thanks';
import * as waiting from './waiting';
import * as errors from './errors';
import * as embed from './embed';
import * as staff from './staff';
import * as finance from './finance';
import * as campaignStaff from './campaign-staff';
import * as receipts from './receipts';
import * as impact from './impact';
import * as missions from './missions';
import * as rounds from './rounds';
import * as shares from './shares';
import * as statements from './statements';
import * as organisations from './organisations';
import * as partnerReceipts from './partner-receipts';
import * as dataRights from './data-rights';

const en = { ...embed.en, ...site.en, ...campaigns.en, ...donate.en, ...thanks.en, ...waiting.en, ...errors.en, ...account.en, ...staff.en, ...finance.en, ...campaignStaff.en, ...receipts.en, ...impact.en, ...missions.en, ...rounds.en, ...shares.en, ...statements.en, ...organisations.en, ...partnerReceipts.en, ...dataRights.en } as const;

export type MessageKey = keyof typeof en;

const zhCN: Record<MessageKey, string> = { ...embed.zhCN, ...site.zhCN, ...campaigns.zhCN, ...donate.zhCN, ...thanks.zhCN, ...waiting.zhCN, ...errors.zhCN, ...account.zhCN, ...staff.zhCN, ...finance.zhCN, ...campaignStaff.zhCN, ...receipts.zhCN, ...impact.zhCN, ...missions.zhCN, ...rounds.zhCN, ...shares.zhCN, ...statements.zhCN, ...organisations.zhCN, ...partnerReceipts.zhCN, ...dataRights.zhCN };

const zhHK: Record<MessageKey, string> = { ...embed.zhHK, ...site.zhHK, ...campaigns.zhHK, ...donate.zhHK, ...thanks.zhHK, ...waiting.zhHK, ...errors.zhHK, ...account.zhHK, ...staff.zhHK, ...finance.zhHK, ...campaignStaff.zhHK, ...receipts.zhHK, ...impact.zhHK, ...missions.zhHK, ...rounds.zhHK, ...shares.zhHK, ...statements.zhHK, ...organisations.zhHK, ...partnerReceipts.zhHK, ...dataRights.zhHK };

export const messages: Record<Locale, Record<MessageKey, string>> = { en, 'zh-CN': zhCN, 'zh-HK': zhHK };

/** The sentence for `key` in `locale`, with {name} placeholders filled from `values`. */
export function translate(locale: Locale, key: MessageKey, values: Record<string, string | number> = {}): string {
  const template: string = messages[locale][key] ?? messages.en[key] ?? key;
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => (name in values ? String(values[name]) : whole));
}

export function isMessageKey(key: string): key is MessageKey {
  return key in en;
}
