import { AppConfig } from './app-config';
import { startupBox, startupLogger } from './startup-config';

describe('start-up output', () => {
  it('ends with a box holding the address and one demo sign-in link per line', () => {
    const box = startupBox('http://localhost:3000', [
      { role: 'admin', name: 'Jolene Ashby', link: 'http://localhost:3000/invitation/a' },
      { role: 'peer', name: 'Renée Two Feathers', link: 'http://localhost:3000/invitation/b' },
    ]).split('\n');
    expect(box[0]).toMatch(/^\+-+\+$/);
    expect(box[box.length - 1]).toBe(box[0]);
    expect(box[1]).toMatch(/^\| Open http:\/\/localhost:3000 +\|$/);
    expect(box.filter((l) => l.includes('/invitation/'))).toEqual([
      expect.stringContaining('admin      Jolene Ashby: http://localhost:3000/invitation/a'),
      expect.stringContaining('peer       Renée Two Feathers: http://localhost:3000/invitation/b'),
    ]);
    expect(new Set(box.map((l) => l.length)).size).toBe(1);
  });

  it('logs route and module wiring at debug level, everything else as before', () => {
    const written: string[] = [];
    const spy = jest.spyOn(process.stdout, 'write').mockImplementation((chunk) => (written.push(String(chunk)), true));
    try {
      const config = AppConfig.fromEnvironment({
        NODE_ENV: 'test',
        LOG_LEVEL: 'log',
        DATA_DIR: '/tmp/lms-startup-spec',
      });
      const logger = startupLogger(config);
      logger.log('Mapped {/api/v1/me, GET} route', 'RouterExplorer');
      logger.log('AppModule dependencies initialized', 'InstanceLoader');
      logger.log('Peer Support Training Program is running', 'Main');
    } finally {
      spy.mockRestore();
    }
    expect(written.join('')).toContain('is running');
    expect(written.join('')).not.toContain('Mapped');
    expect(written.join('')).not.toContain('dependencies initialized');
  });
});
