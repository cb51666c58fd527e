// The server the flows talk to (brought up by global-setup.js), and what only a test may do to
// it: set its clock, run its timed work now, grant a role at the console.
const { execFileSync } = require('child_process')
const http = require('http')

function api() {
  const base = process.env.SH_MP_API
  if (!base) throw new Error('no server: run through CTest (miniprogram_pages) or scripts/test.sh')
  return base
}

function call(method, path, body, token) {
  return new Promise((resolve, reject) => {
    const url = new URL(api() + path)
    const headers = { 'content-type': 'application/json' }
    if (token) headers.authorization = 'Bearer ' + token
    const req = http.request({ hostname: url.hostname, port: url.port, path: url.pathname + url.search, method, headers }, (res) => {
      let raw = ''
      res.on('data', (c) => (raw += c))
      res.on('end', () => {
        let data = raw
        try {
          data = JSON.parse(raw)
        } catch (e) {
          // not JSON
        }
        resolve({ status: res.statusCode, body: data })
      })
    })
    req.on('error', reject)
    if (body !== undefined) req.write(JSON.stringify(body))
    req.end()
  })
}

// `sharedhall grant-role --openid openid-<who> --role <role> [extra...]` at the console.
function grantRole(who, role, ...extra) {
  execFileSync(process.env.SH_MP_BINARY, ['grant-role', '--openid', `openid-${who}`, '--role', role, ...extra, '--config', process.env.SH_MP_CONFIG])
}

// The server's clock at `iso` (time flows on from there).
async function setClock(iso) {
  const r = await call('POST', '/test/clock', { now: iso })
  if (r.status !== 200) throw new Error('cannot set the clock: ' + JSON.stringify(r.body))
}

async function runJob(name) {
  const r = await call('POST', `/test/jobs/${name}/run`)
  if (r.status !== 200) throw new Error(`cannot run ${name}: ` + JSON.stringify(r.body))
  return r.body
}

// An instant in Shanghai: "2026-12-04T10:00" -> its ISO string with the offset.
function shanghai(local) {
  return `${local}:00+08:00`
}

// Now (the real clock) as the server writes instants: Shanghai, to the second.
function now() {
  return new Date(Date.now() + 8 * 3600000).toISOString().slice(0, 19) + '+08:00'
}

// Tomorrow's date in Shanghai by the real clock (the flows' server starts on it).
function tomorrow(days = 1) {
  return new Date(Date.now() + 8 * 3600000 + days * 86400000).toISOString().slice(0, 10)
}

module.exports = { api, call, grantRole, setClock, runJob, shanghai, now, tomorrow }
