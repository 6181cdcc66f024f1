import { createHash } from 'node:crypto';
import { inlineCode, policyWithInlineHashes } from './inline-hashes';

const hash = (text: string) => `'sha256-${createHash('sha256').update(text).digest('base64')}'`;

describe('policyWithInlineHashes', () => {
  const header = "default-src 'self';script-src 'self';script-src-attr 'none';style-src 'self';img-src 'self' data:";
  const html = [
    '<html><head><style>\n body { margin: 0 }\n</style><script src="a.js"></script></head>',
    '<body><svg style="position:absolute;width:0"></svg><script>window.x = 1</script>',
    "<style>.a{color:red}</style><style>.a{color:red}</style><div style='x:y'></div></body></html>",
  ].join('');

  it('finds inline scripts (not those with src), style blocks and style attributes', () => {
    expect(inlineCode(html)).toEqual({
      scripts: ['window.x = 1'],
      styles: ['\n body { margin: 0 }\n', '.a{color:red}', '.a{color:red}'],
      styleAttributes: ['position:absolute;width:0', 'x:y'],
    });
  });

  it('adds exactly their hashes to script-src and style-src, with unsafe-hashes for the attributes only', () => {
    expect(policyWithInlineHashes(header, html).split(';')).toEqual([
      "default-src 'self'",
      `script-src 'self' ${hash('window.x = 1')}`,
      "script-src-attr 'none'",
      `style-src 'self' 'unsafe-hashes' ${hash('\n body { margin: 0 }\n')} ${hash('.a{color:red}')} ${hash('position:absolute;width:0')} ${hash('x:y')}`,
      "img-src 'self' data:",
    ]);
  });

  it('leaves the policy as it is for a page with no inline code', () => {
    expect(policyWithInlineHashes(header, '<p>plain</p><script src="/x.js"></script>')).toBe(header);
  });
});
