/**
 * Whether a base URL names this machine rather than a public address: what the app guesses when
 * PUBLIC_BASE_URL is unset (http://localhost:PORT), or a loopback/any address typed by hand. A link
 * or QR code with such an address only works on the server itself. Not a URL at all counts as not local.
 */
export function isLocalAddress(baseUrl: string): boolean {
  let host: string;
  try {
    host = new URL(baseUrl).hostname.toLowerCase();
  } catch {
    return false;
  }
  // URL keeps IPv6 hosts in brackets; a trailing dot is the same name fully qualified.
  host = host.replace(/^\[(.*)\]$/, '$1').replace(/\.$/, '');
  return (
    host === 'localhost' ||
    host.endsWith('.localhost') ||
    host === '0.0.0.0' ||
    host === '::1' ||
    host === '::' ||
    // The whole 127/8 block is loopback, not only 127.0.0.1.
    /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host)
  );
}
