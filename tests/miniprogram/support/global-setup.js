// Brings up the stack the flows talk to (tests/miniprogram/stack_host.cpp, built by CMake; its
// path in SH_MP_STACK) and leaves its address in the environment the test files inherit. Without
// SH_MP_STACK (jest run by hand) only the files that need no server pass; the flows fail saying
// so.
const { spawn } = require('child_process')
const readline = require('readline')

module.exports = async function () {
  const binary = process.env.SH_MP_STACK
  if (!binary) return
  const host = spawn(binary, [], { stdio: ['pipe', 'pipe', 'pipe'] })
  let said = '' // the migrations' and services' chatter: shown only if the host fails
  host.stderr.on('data', (c) => (said += c))
  const lines = readline.createInterface({ input: host.stdout })
  const first = await new Promise((resolve, reject) => {
    lines.once('line', resolve)
    host.once('exit', (code) => reject(new Error(`the stack host exited (${code}) before it was ready:\n${said}`)))
  })
  const stack = JSON.parse(first)
  process.env.SH_MP_API = stack.api
  process.env.SH_MP_FAKE = String(stack.fake)
  process.env.SH_MP_BINARY = stack.binary
  process.env.SH_MP_CONFIG = stack.config
  globalThis.__SH_STACK_HOST__ = { host, lines } // for global-teardown.js
}
