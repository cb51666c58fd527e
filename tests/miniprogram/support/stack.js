// The server the flows talk to (brought up by global-setup.js), and what only a test may do to
// it: set its clock, run its timed work now, grant a role at the console.
const { execFileSync } = require('child_process')
const http = require('http')

function api() {
  const base = process.env.SH_MP_API
  if (!base) throw new Error('no server: run through CTest (miniprogram_pages) or scripts/test.sh')
  return base
}

// A call as a browser or a test makes it (not a phone): {status, body, headers}.
function call(method, path, body, token, extraHeaders = {}) {
  return new Promise((resolve, reject) => {
    const url = new URL(api() + path)
    const headers = Object.assign({ 'content-type': 'application/json' }, extraHeaders)
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
        resolve({ status: res.statusCode, body: data, headers: res.headers })
      })
    })
    req.on('error', reject)
    if (body !== undefined) req.write(JSON.stringify(body))
    req.end()
  })
}

// Signs `who` in as a phone would, outside any page, and agrees to the privacy guide as their
// phone's first run did: the token.
let logins = 0
async function login(who) {
  logins += 1 // a code works once: each sign-in here has its own
  const r = await call('POST', '/api/v1/auth/login', { code: `${who}:s${logins}` })
  if (r.status !== 200) throw new Error('cannot sign in: ' + JSON.stringify(r.body))
  await agree(r.body.token)
  return r.body.token
}

// The member behind `token` agrees to the guide in force.
async function agree(token) {
  const guide = await call('GET', '/api/v1/privacy/guide')
  const r = await call('POST', '/api/v1/me/consents', { policy_version: guide.body.version }, token)
  if (r.status !== 200) throw new Error('cannot agree: ' + JSON.stringify(r.body))
}

// The phone of a member who agreed to the privacy guide on an earlier first run (privacy.test.js
// drives the first run itself).
async function memberPhone(name) {
  const { Phone } = require('./wx')
  await login(name)
  return new Phone(name, { api: api() })
}

// `who` books a hall through the API, as another phone would have (not the page under test):
// the booking.
async function book(who, venueId, date, start, end, purpose, attendees) {
  const token = await login(who)
  const key = `${who}-${venueId}-${date}-${start}`.replace(/[^A-Za-z0-9_-]/g, '')
  const r = await call('POST', '/api/v1/bookings', { venue_id: venueId, date, start, end, purpose, attendees }, token, { 'idempotency-key': key })
  if (r.status !== 201) throw new Error('cannot book: ' + JSON.stringify(r.body))
  return r.body
}

// `sharedhall grant-role --openid openid-<who> --role <role> [extra...]` at the console.
// The command sees no SH_* setting of the test runner's (scripts/test.sh exports the shared
// services' ports, which would override the stack's configuration), as tests/support/process.cpp.
function grantRole(who, role, ...extra) {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('SH_')))
  execFileSync(process.env.SH_MP_BINARY, ['grant-role', '--openid', `openid-${who}`, '--role', role, ...extra, '--config', process.env.SH_MP_CONFIG], { env })
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

module.exports = { api, call, login, agree, memberPhone, book, grantRole, setClock, runJob, shanghai, now, tomorrow }
