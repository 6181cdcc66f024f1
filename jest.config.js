/** @type {import('jest').Config} */
module.exports = {
  rootDir: '.',
  testEnvironment: 'node',
  testMatch: ['<rootDir>/src/**/*.spec.ts', '<rootDir>/test/**/*.spec.ts'],
  transform: {
    '^.+\\.(t|m?j)s$': [
      '@swc/jest',
      {
        jsc: {
          parser: { syntax: 'typescript', decorators: true },
          transform: { legacyDecorator: true, decoratorMetadata: true },
          target: 'es2022',
        },
        module: { type: 'commonjs' },
      },
    ],
  },
  // NestJS 12, jose 6, openid-client 6 (with oauth4webapi) and archiver 8 (with its zip packages) ship ES modules only; swc turns them into CommonJS for Jest on Node 20.
  transformIgnorePatterns: [
    '/node_modules/(?!(@nestjs|jose|openid-client|oauth4webapi|archiver|zip-stream|compress-commons|crc32-stream|is-stream)/)',
  ],
  cacheDirectory: '<rootDir>/.jest-cache',
  setupFiles: ['<rootDir>/test/helpers/quiet-logs.ts'],
  globalSetup: '<rootDir>/test/helpers/global-setup.js',
  globalTeardown: '<rootDir>/test/helpers/global-teardown.js',
  testTimeout: 30000,
};
