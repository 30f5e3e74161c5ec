/**
 * Escapes raw control characters (U+0000–U+001F) inside JSON strings, leaving everything else as is.
 *
 * The seed's Python, Perl, Node and PowerShell examples send `{"query" : "mutation {⏎ …"}` with
 * literal line breaks inside the string, which strict JSON forbids. Only what appears inside a
 * string is touched, so a document that was not JSON before is still not JSON after.
 */
export function escapeControlCharsInStrings(text: string): string {
  let out = '';
  let inString = false;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (inString) {
      if (ch === 0x5c)
        i++; // backslash: keep the escaped character as it is
      else if (ch === 0x22) inString = false;
      else if (ch < 0x20) {
        out += `${text.slice(start, i)}${escapeOf(ch)}`;
        start = i + 1;
      }
    } else if (ch === 0x22) inString = true;
  }
  return start === 0 ? text : out + text.slice(start);
}

const SHORT: Record<number, string> = { 8: '\\b', 9: '\\t', 10: '\\n', 12: '\\f', 13: '\\r' };
const escapeOf = (ch: number) => SHORT[ch] ?? `\\u${ch.toString(16).padStart(4, '0')}`;
