import { cleanMultiline, cleanText } from '../../src/domain/text';
import { validateName } from '../../src/domain/patient';

describe('people’s text is cleaned of controls and bidi tricks only', () => {
  it.each([
    ['an emoji ZWJ sequence (health worker)', '\u{1F469}\u200D\u2695\uFE0F Marie'],
    ['an emoji ZWJ family', 'Famille \u{1F468}\u200D\u{1F469}\u200D\u{1F467}'],
    ['a Persian name with a zero-width non-joiner', 'مهسا می\u200Cخواهد'],
    ['a Hindi name with a zero-width joiner', 'क्\u200Dष्मा देवी'],
    ['a Malayalam name with a zero-width joiner (chillu)', 'അവന്\u200D നായര്\u200D'],
    ['a subdivision flag (tag characters)', '\u{1F3F4}\u{E0067}\u{E0062}\u{E0073}\u{E0063}\u{E0074}\u{E007F} Moira'],
  ])('keeps %s intact', (_case, text) => {
    expect(cleanText(text)).toBe(text);
    expect(cleanMultiline(`${text}\n${text}`)).toBe(`${text}\n${text}`);
  });

  it('strips control characters and bidi overrides, isolates and marks', () => {
    expect(cleanText('Jean\u0000\u0007 Tremblay\t\u001b')).toBe('Jean Tremblay');
    // "Ali" followed by a right-to-left override would show the rest reversed.
    expect(cleanText('Ali\u202Eecnatsni\u202C')).toBe('Aliecnatsni');
    expect(cleanText('\u2067Bob\u2069 \u200Fx\u200E\u061C')).toBe('Bob x');
  });

  it('keeps the joiner through name validation, as stored', () => {
    expect(validateName('  \u{1F469}\u200D\u2695\uFE0F  مهسا می\u200Cخواهد ')).toBe('\u{1F469}\u200D\u2695\uFE0F مهسا می\u200Cخواهد');
  });
});
