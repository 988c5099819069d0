// Generators of hostile request text shared by the fuzz tests: strings that hurt, broken percent-encoding,
// malformed form bodies, odd content types, and the donate form's poison (a field no campaign accepts).
import fc from 'fast-check';

// ---- text that hurts -------------------------------------------------------------------------------

export const controlChar = fc.integer({ min: 0, max: 0x1f }).map((c) => String.fromCharCode(c));
export const nastyString = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }), // any code point, astral planes included
  fc.string({ unit: fc.oneof(controlChar, fc.constantFrom('\u0000', '\u007f', '\ud800', '\udfff', '\u202e', '\ufeff')), maxLength: 20 }),
  fc.constantFrom(
    '', ' ', '\u0000', 'a\u0000b', '1\u00000', '-1', '0', '00', '1e308', '1e-7', 'NaN', 'Infinity', '-0', '0x10', '１００', '١٠٠',
    '9'.repeat(400), '1'.repeat(16), '9007199254740993', '1,000,000,000,000,000', '10.005', '.5', '5.', '1 000', '__proto__',
    'constructor', 'toString', '<script>alert(1)</script>', "'; drop table donations; --", '${7*7}', '{{7*7}}', '%00', '😀'.repeat(50),
    'x'.repeat(5_000), 'a@b', '@', 'user@', '@example.org', 'a@b@c', 'nul\u0000@example.org', 'dup@dup', '\r\n\r\n', 'é'.normalize('NFD'),
  ),
);

/** Percent-encoded, or deliberately broken percent-encoding: invalid UTF-8, lone %, %zz, overlongs. */
export const encoded = fc.oneof(
  nastyString.map((s) => encodeURIComponent(s.replace(/[\ud800-\udfff]/g, '\ufffd'))),
  fc.constantFrom('%FF', '%FE%FF', '%C3%28', '%E0%A4%A', '%ED%A0%80', '%C0%AF', '%F4%90%80%80', '%', '%zz', '%%', '%0', '%00', '+', '&&&', '==='),
  fc.uint8Array({ maxLength: 30 }).map((bytes) => [...bytes].map((b) => `%${b.toString(16).padStart(2, '0')}`).join('')),
);

export const fieldNames = ['amount', 'currency', 'frequency', 'email', 'name', 'giving_as', 'organisation_kind', 'organisation_name', 'contact_name', 'business_registration', 'message', 'dedication_kind', 'dedication_name', 'anonymous', 'utm_source', 'locale', '_csrf', 'password', 'next', 'confirm'];
export const key = fc.oneof(
  fc.constantFrom(...fieldNames),
  fc.constantFrom(...fieldNames).map((k) => `${k}[]`),
  fc.tuple(fc.constantFrom(...fieldNames), fc.integer({ min: 1, max: 60 })).map(([k, depth]) => k + '[a]'.repeat(depth)),
  fc.constantFrom('__proto__', '__proto__[polluted]', 'constructor[prototype][x]', 'hasOwnProperty', ''),
  encoded,
);
export const pairs = fc.array(fc.tuple(key, fc.oneof(encoded, fc.constant(''))), { maxLength: 40 });

/** Bytes that are not UTF-8 at all: lone continuation bytes, truncated sequences, overlongs, surrogates. */
export const invalidUtf8 = fc.oneof(
  fc.uint8Array({ minLength: 1, maxLength: 200 }),
  fc.constantFrom([0xff], [0xc3, 0x28], [0xe0, 0xa4], [0xed, 0xa0, 0x80], [0xc0, 0xaf], [0xf4, 0x90, 0x80, 0x80], [0x00, 0x00]).map((b) => Uint8Array.from(b)),
);

export const contentType = fc.option(
  fc.constantFrom(
    'application/x-www-form-urlencoded',
    'application/x-www-form-urlencoded; charset=utf-8',
    'application/x-www-form-urlencoded; charset=latin1',
    'application/x-www-form-urlencoded; charset=utf-16',
    'application/x-www-form-urlencoded; charset="',
    'application/x-www-form-urlencoded;;;',
    'application/json',
    'application/json; charset=utf-8',
    'text/plain',
    'multipart/form-data; boundary=xyz',
    'application/octet-stream',
    'image/png',
    '*/*',
    ';',
    'x',
  ),
  { nil: undefined },
);

export const accept = fc.constantFrom('text/html', 'application/json', '*/*', 'image/png', '');

/** A JSON document nested far deeper than anything reads it. */
export const deepJson = fc.integer({ min: 1, max: 5_000 }).map((depth) => '{"a":'.repeat(depth) + '1' + '}'.repeat(depth));

export type Body = { kind: 'form'; text: string } | { kind: 'bytes'; bytes: Buffer } | { kind: 'text'; text: string };

export function formText(list: Array<[string, string]>): string {
  return list.map(([k, v]) => `${k}=${v}`).join('&');
}

export const body: fc.Arbitrary<Body> = fc.oneof(
  pairs.map((list) => ({ kind: 'form' as const, text: formText(list) })),
  fc.tuple(pairs, invalidUtf8).map(([list, bad]) => ({ kind: 'bytes' as const, bytes: Buffer.concat([Buffer.from(formText(list) + '&email='), bad, Buffer.from('&x=1')]) })),
  fc.oneof(fc.json({ maxDepth: 6 }), deepJson).map((text) => ({ kind: 'text' as const, text })),
  fc.string({ unit: 'binary', maxLength: 300 }).map((text) => ({ kind: 'text' as const, text })),
);

// ---- the donate form's poison: one required field that no campaign accepts --------------------------

export const poison = fc.constantFrom<[string, string]>(
  ['amount', 'x1'],
  ['amount', '-5'],
  ['amount', '1e3'],
  ['currency', 'ZZZ'],
  ['currency', '%00'],
  ['frequency', 'weekly'],
  ['frequency', ''],
  ['email', 'not-an-email'],
  ['email', 'a%00%40example.org'],
  ['name', ''],
  ['name', 'n'.repeat(101)],
);
