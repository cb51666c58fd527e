// `wx` for pages run under Node: a small adapter that keeps WeChat's rules, one per phone.
//
//  - wx.request speaks real HTTP to the server; like WeChat's, it *succeeds* on any HTTP status
//    (a 409 is an answer, with its body) and fails only when no answer came: `offline`, or
//    `dropNextAnswer()` — the request reaches the server, its answer is lost on the way back.
//  - wx.login gives codes the fake WeChat accepts once each, all of the same WeChat user:
//    "<name>:<phone>.<n>" (two phones of one name are one person on two phones).
//  - storage belongs to the phone and outlives its pages: rendering a page again is the app
//    opened again. Values are copied in and out as WeChat's are (JSON), '' for a missing key.
//  - requestSubscribeMessage works only inside a tap, as WeChat requires.
//  - WeChat's privacy authorisation: `privacyApi(referrer)` is a privacy API called before the
//    member agreed — it waits on the app's wx.onNeedPrivacyAuthorization listener and resolves
//    with the answer the app gave (WeChat checks that an agreement names the agree button).
//  - Every answer is kept for the contract check (tools/contract/check-answers.mjs) when
//    $SH_ANSWER_LOG names a folder, as the end-to-end tier's are.
//
// global.wx is the wx of the phone whose action is running: AsyncLocalStorage follows an action
// through its awaits, so two phones may act at the same time (the race on one slot).
const fs = require('fs')
const http = require('http')
const path = require('path')
const { AsyncLocalStorage } = require('async_hooks')

const current = new AsyncLocalStorage()

function install() {
  global.wx = new Proxy(
    {},
    {
      get(_, name) {
        const phone = current.getStore()
        if (typeof name !== 'string' || name === 'then') return undefined
        if (!phone) throw new Error(`wx.${name} was called outside a phone's action`)
        const api = phone.wx[name]
        if (!api) throw new Error(`wx.${name} is not in the test adapter`)
        return api
      },
    },
  )
}

let answerLog = null
function logAnswer(method, url, status, type, text) {
  const dir = process.env.SH_ANSWER_LOG
  // Only sharedhall's answers (the adapter's own tests talk to a little server of their own).
  if (!dir || !process.env.SH_MP_API || new URL(url).origin !== new URL(process.env.SH_MP_API).origin) return
  if (!answerLog) answerLog = path.join(dir, `answers-miniprogram-${process.pid}.jsonl`)
  let body = null
  if ((type || '').startsWith('application/json')) {
    try {
      body = JSON.parse(text)
    } catch (e) {
      body = null
    }
  }
  const line = { method, path: new URL(url).pathname, status, type: type || '', body }
  fs.appendFileSync(answerLog, JSON.stringify(line) + '\n')
}

let phones = 0

class Phone {
  constructor(name, options = {}) {
    this.name = name
    this.serial = ++phones
    this.storage = new Map()
    this.logins = 0
    this.offline = false
    this.drops = 0
    this.inflight = 0
    this.inTap = false
    this.sent = [] // every request: {method, url, header, data}
    this.navigations = [] // every wx.navigateTo/redirectTo/switchTab url
    this.modals = [] // every wx.showModal's options
    this.modalAnswers = [] // the member's answers, in order; none left: "confirm"
    this.scans = [] // what wx.scanCode will read, in order
    this.subscribeAnswer = 'accept'
    this.calendar = []
    this.toasts = [] // every wx.showToast's title
    this.backs = 0 // wx.navigateBack calls
    this.clipboard = ''
    this.privacyListener = null
    if (options.api) this.storage.set('sh_api_base', JSON.stringify(options.api))
    this.wx = this.makeWx()
  }

  // Runs fn as this phone (its wx), and waits until the phone has nothing in flight.
  async act(fn) {
    const result = await current.run(this, fn)
    await this.idle()
    return result
  }

  // Waits until no request or WeChat call of this phone is in flight for a few turns.
  async idle(timeoutMs = 15000) {
    const until = Date.now() + timeoutMs
    let quiet = 0
    while (quiet < 3) {
      if (Date.now() > until) throw new Error(`${this.name}: still busy after ${timeoutMs} ms`)
      await new Promise((r) => setTimeout(r, this.inflight ? 5 : 0))
      quiet = this.inflight ? 0 : quiet + 1
    }
  }

  // A privacy API (e.g. 'button.getPhoneNumber') used before the member agreed: WeChat asks the
  // app's listener and waits; resolves with the app's answer ({event, buttonId}).
  privacyApi(referrer) {
    if (!this.privacyListener) return Promise.reject(new Error('no wx.onNeedPrivacyAuthorization listener'))
    return new Promise((resolve) => current.run(this, () => this.privacyListener(resolve, { referrer })))
  }

  // The answer to the next request is lost after the server has acted on it.
  dropNextAnswer() {
    this.drops += 1
  }

  later(fn) {
    this.inflight += 1
    setTimeout(() => {
      this.inflight -= 1
      fn()
    }, 0)
  }

  makeWx() {
    const phone = this
    const ok = (opts, result) => phone.later(() => opts.success && opts.success(result))
    const bad = (opts, errMsg) => phone.later(() => opts.fail && opts.fail({ errMsg }))
    return {
      request(opts) {
        phone.inflight += 1
        const done = (fn) => {
          phone.inflight -= 1
          fn()
        }
        const method = (opts.method || 'GET').toUpperCase()
        const header = {}
        for (const [k, v] of Object.entries(opts.header || {})) header[k.toLowerCase()] = String(v)
        phone.sent.push({ method, url: opts.url, header, data: opts.data })
        if (phone.offline) {
          setTimeout(() => done(() => opts.fail && opts.fail({ errMsg: 'request:fail net::ERR_INTERNET_DISCONNECTED' })), 0)
          return { abort() {} }
        }
        const drop = phone.drops > 0
        if (drop) phone.drops -= 1
        const body = opts.data === undefined || method === 'GET' ? null : typeof opts.data === 'string' ? opts.data : JSON.stringify(opts.data)
        // A sized body, as WeChat sends it (Node would send a DELETE's body unframed).
        if (body !== null) header['content-length'] = String(Buffer.byteLength(body))
        const url = new URL(opts.url)
        const req = http.request(
          { hostname: url.hostname, port: url.port, path: url.pathname + url.search, method, headers: header },
          (res) => {
            const chunks = []
            res.on('data', (c) => chunks.push(c))
            res.on('end', () => {
              const raw = Buffer.concat(chunks)
              const type = res.headers['content-type'] || ''
              logAnswer(method, opts.url, res.statusCode, type, raw.toString('utf8'))
              if (drop) {
                done(() => opts.fail && opts.fail({ errMsg: 'request:fail timeout' }))
                return
              }
              let data
              if (opts.responseType === 'arraybuffer') {
                data = raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.length)
              } else {
                data = raw.toString('utf8')
                if ((opts.dataType || 'json') === 'json') {
                  try {
                    data = JSON.parse(data)
                  } catch (e) {
                    // WeChat leaves a body that is not JSON as text
                  }
                }
              }
              const result = { statusCode: res.statusCode, data, header: res.headers, errMsg: 'request:ok' }
              done(() => opts.success && opts.success(result))
            })
          },
        )
        req.on('error', (e) => done(() => opts.fail && opts.fail({ errMsg: 'request:fail ' + e.message })))
        if (body !== null) req.write(body)
        req.end()
        return { abort: () => req.destroy() }
      },
      login(opts) {
        phone.logins += 1
        ok(opts, { code: `${phone.name}:${phone.serial}.${phone.logins}`, errMsg: 'login:ok' })
      },
      getStorageSync(key) {
        return phone.storage.has(key) ? JSON.parse(phone.storage.get(key)) : ''
      },
      setStorageSync(key, value) {
        if (value === undefined) phone.storage.delete(key)
        else phone.storage.set(key, JSON.stringify(value))
      },
      removeStorageSync(key) {
        phone.storage.delete(key)
      },
      getAccountInfoSync() {
        return { miniProgram: { appId: 'wxe2etestappid', envVersion: 'develop', version: '' } }
      },
      navigateTo(opts) {
        phone.navigations.push(opts.url)
        ok(opts, { errMsg: 'navigateTo:ok' })
      },
      redirectTo(opts) {
        phone.navigations.push(opts.url)
        ok(opts, { errMsg: 'redirectTo:ok' })
      },
      switchTab(opts) {
        phone.navigations.push(opts.url)
        ok(opts, { errMsg: 'switchTab:ok' })
      },
      navigateBack(opts = {}) {
        phone.backs += 1
        ok(opts, { errMsg: 'navigateBack:ok' })
      },
      showToast(opts) {
        phone.toasts.push(opts.title)
        ok(opts, { errMsg: 'showToast:ok' })
      },
      setClipboardData(opts) {
        phone.clipboard = String(opts.data)
        ok(opts, { errMsg: 'setClipboardData:ok' })
      },
      onNeedPrivacyAuthorization(listener) {
        phone.privacyListener = listener
      },
      showModal(opts) {
        phone.modals.push(opts)
        const confirm = phone.modalAnswers.length ? phone.modalAnswers.shift() : true
        ok(opts, { confirm, cancel: !confirm, errMsg: 'showModal:ok' })
      },
      scanCode(opts) {
        if (!phone.scans.length) return bad(opts, 'scanCode:fail cancel')
        ok(opts, Object.assign({ errMsg: 'scanCode:ok' }, phone.scans.shift()))
      },
      requestSubscribeMessage(opts) {
        if (!phone.inTap) return bad(opts, 'requestSubscribeMessage:fail can only be invoked by user TAP gesture.')
        const result = { errMsg: 'requestSubscribeMessage:ok' }
        for (const id of opts.tmplIds) result[id] = phone.subscribeAnswer
        ok(opts, result)
      },
      addPhoneCalendar(opts) {
        phone.calendar.push(opts)
        ok(opts, { errMsg: 'addPhoneCalendar:ok' })
      },
      arrayBufferToBase64(buffer) {
        return Buffer.from(buffer).toString('base64')
      },
    }
  }
}

module.exports = { install, Phone, current }
