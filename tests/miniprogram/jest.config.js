// The mini-program's page tests (see support/wx.js for the WeChat rules the adapter keeps).
module.exports = {
  testEnvironment: 'jsdom',
  testMatch: ['<rootDir>/*.test.js'],
  globalSetup: '<rootDir>/support/global-setup.js',
  globalTeardown: '<rootDir>/support/global-teardown.js',
  testTimeout: 30000,
}
