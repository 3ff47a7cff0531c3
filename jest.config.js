/**
 * Projects: Node-side code (core, server, cloud functions, scripts), the client pages in jsdom, the
 * browser tests, and the cluster test (real processes on one PostgreSQL, killed with SIGKILL).
 */
const swc = ['@swc/jest', { jsc: { parser: { syntax: 'typescript', tsx: true }, transform: { react: { runtime: 'automatic' } }, target: 'es2020' }, module: { type: 'commonjs' } }]

module.exports = {
  // No test times anything: a timeout only stops a hung test. 5 s (jest's default, which also
  // applies to hooks) is what a store set-up or an app start can take on a loaded 2-core CI machine.
  testTimeout: 60_000,
  // One real PostgreSQL server per run (a temp cluster on a free port), shared by the backend suites.
  globalSetup: '<rootDir>/__tests__/support/postgres-setup.ts',
  globalTeardown: '<rootDir>/__tests__/support/postgres-teardown.ts',
  projects: [
    {
      displayName: 'node',
      testEnvironment: 'node',
      roots: ['<rootDir>/__tests__'],
      testMatch: ['**/*.test.ts'],
      testPathIgnorePatterns: ['/__tests__/client/', '/__tests__/e2e/', '/__tests__/cluster/'],
      transform: { '^.+\\.(t|j)sx?$': swc },
      // cookie@2 (used by fastify's inject) and otplib's base32 and hash plugins (@scure/base, @noble/hashes)
      // ship ESM only (noble also nested under @otplib/plugin-crypto-noble): let swc turn them into CommonJS.
      transformIgnorePatterns: ['/node_modules/(?!(cookie|@scure/base|@noble/hashes)/)(?!.*/node_modules/)'],
      moduleNameMapper: { '^@/(.*)$': '<rootDir>/src/$1' },
    },
    {
      displayName: 'client',
      testEnvironment: 'jsdom',
      roots: ['<rootDir>/__tests__/client'],
      testMatch: ['**/*.test.ts?(x)'],
      transform: { '^.+\\.(t|j)sx?$': swc },
      // The weapp page suites run the real gateway + backend in-process: same ESM-only packages as 'node'.
      transformIgnorePatterns: ['/node_modules/(?!(cookie|@scure/base|@noble/hashes)/)(?!.*/node_modules/)'],
      moduleNameMapper: {
        '^@/(.*)$': '<rootDir>/src/$1',
        '\\.(css|scss|sass)$': '<rootDir>/__tests__/client/support/style-stub.js',
        '\\.(png|jpg|jpeg|svg|gif)$': '<rootDir>/__tests__/client/support/file-stub.js',
      },
    },
    {
      displayName: 'e2e',
      testEnvironment: 'node',
      roots: ['<rootDir>/__tests__/e2e'],
      testMatch: ['**/*.test.ts'],
      transform: { '^.+\\.(t|j)sx?$': swc },
      // otplib (the console test computes TOTP codes) pulls ESM-only @scure/base and @noble/hashes.
      transformIgnorePatterns: ['/node_modules/(?!(@scure/base|@noble/hashes)/)(?!.*/node_modules/)'],
      moduleNameMapper: { '^@/(.*)$': '<rootDir>/src/$1' },
    },
    {
      displayName: 'cluster',
      testEnvironment: 'node',
      roots: ['<rootDir>/__tests__/cluster'],
      testMatch: ['**/*.test.ts'],
      transform: { '^.+\\.(t|j)sx?$': swc },
      moduleNameMapper: { '^@/(.*)$': '<rootDir>/src/$1' },
    },
  ],
}
