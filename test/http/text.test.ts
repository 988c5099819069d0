import { cleanText, oneLine } from '../../server/http/text';

describe('text typed into a form', () => {
  it('puts a one-line field on one line: every run of spaces and line breaks is one space', () => {
    expect(oneLine('Ann\r\nBcc: x')).toBe('Ann Bcc: x');
    expect(oneLine('Ann\nTotal: US$0')).toBe('Ann Total: US$0');
    expect(oneLine('Ann\rLee')).toBe('Ann Lee');
    expect(oneLine('Ann\t\tLee')).toBe('Ann Lee');
    expect(oneLine('Ann\u2028Lee\u2029Chan')).toBe('Ann Lee Chan');
    expect(oneLine('Ann\u0085Lee')).toBe('Ann Lee'); // NEL, which JavaScript's \s does not count
    expect(oneLine('Ann\u000B\u000CLee')).toBe('Ann Lee');
    expect(oneLine('  \r\n Ann  \u3000 Lee \r\n ')).toBe('Ann Lee');
    expect(oneLine('李\u3000小明')).toBe('李 小明');
  });

  it('drops C0 and C1 controls, DEL and the bidi controls from any field', () => {
    expect(oneLine('Ann\u0000 Lee\u0007\u007F')).toBe('Ann Lee');
    expect(oneLine('Ann \u0000 Lee')).toBe('Ann Lee'); // dropped before the spaces are folded
    expect(oneLine('Ann\u0080\u0090\u009FLee')).toBe('AnnLee');
    expect(oneLine('Ann \u202Eeel\u202C \u2066Lee\u2069 \u202A\u202B\u202D\u2067\u2068')).toBe('Ann eel Lee');
    expect(cleanText('Line\u0000 one\u0090\u202E\u2069')).toBe('Line one');
  });

  it('keeps the lines of a multi-line field as CR LF or LF, the line breaks every reader understands', () => {
    expect(cleanText('Line one\r\nLine two\nLine three')).toBe('Line one\r\nLine two\nLine three');
    expect(cleanText('Line one\u2028Line two\u2029Line three\u0085Line four')).toBe('Line one\nLine two\nLine three\nLine four');
    expect(cleanText('\tIndented\ttext\t')).toBe('Indented\ttext');
  });

  it('keeps the characters people write, and reads anything but a string as empty', () => {
    expect(oneLine('Zoë Ng-Wong 黄小明 😀 O’Brien')).toBe('Zoë Ng-Wong 黄小明 😀 O’Brien');
    expect(oneLine('עברית\u200F')).toBe('עברית\u200F'); // a right-to-left mark is not an override: it stays
    for (const value of [undefined, null, 5, ['Ann'], { name: 'Ann' }]) {
      expect(oneLine(value)).toBe('');
      expect(cleanText(value)).toBe('');
    }
  });
});
