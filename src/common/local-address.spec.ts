import { isLocalAddress } from './local-address';

describe('isLocalAddress', () => {
  it.each([
    'http://localhost:3000',
    'http://LOCALHOST',
    'https://localhost./',
    'http://app.localhost:8080',
    'http://127.0.0.1:3000',
    'http://127.1.2.3',
    'http://[::1]:3000',
    'http://0.0.0.0:3000',
  ])('%s is local', (url) => expect(isLocalAddress(url)).toBe(true));

  it.each([
    'https://lms.example.org',
    'http://192.168.1.10:3000',
    'https://localhost.example.org',
    'https://my-localhost.org',
    'http://[2001:db8::1]',
    'http://128.0.0.1',
    'not a url',
    '',
  ])('%s is not local', (url) => expect(isLocalAddress(url)).toBe(false));
});
