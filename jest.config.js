/** Each test file gets its own database cloned from a migrated template and its own Redis prefix. */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: { module: 'commonjs', moduleResolution: 'node10', isolatedModules: true }, diagnostics: false }],
  },
  globalSetup: '<rootDir>/test/support/global-setup.ts',
  globalTeardown: '<rootDir>/test/support/global-teardown.ts',
  maxWorkers: 3,
  // A limit, not a target: tests wait for events, and a machine several times slower than ours, shared
  // with other work, must still pass. A hung test is caught here.
  testTimeout: 600_000,
};
