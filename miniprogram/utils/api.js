// Every call to the server goes through here: the base address, the token, the error sentence.
//
// WeChat's wx.request succeeds on any HTTP status and fails only when no answer came (a dropped
// connection, no network): a 4xx is an answer, and its error body says what to tell the member.
// A 401 means the token is gone (expired, signed out elsewhere): we sign in again once, silently
// (wx.login needs no tap), and repeat the call; a second 401 asks the member. A 403
// consent_required (the privacy guide not agreed to yet) opens the guide; the member agrees there
// and taps again.
const config = require('./config')
const errors = require('./errors')
const privacy = require('./privacy')
const wxp = require('./wxp')

const TOKEN = 'sh_token'
const USER = 'sh_user'

// One wx.request: resolves to WeChat's answer {statusCode, data, header} whatever the status.
// options: {data, header, responseType}.
function send(method, path, options = {}) {
  return new Promise((resolve, reject) => {
    wx.request({
      url: config.apiBase() + path,
      method,
      data: options.data,
      header: Object.assign({ 'content-type': 'application/json' }, options.header || {}),
      dataType: 'json',
      responseType: options.responseType || 'text',
      timeout: 10000,
      success: resolve,
      fail: () => reject(errors.network()),
    })
  })
}

async function signIn() {
  const { code } = await wxp.call('login')
  const res = await send('POST', '/api/v1/auth/login', { data: { code } })
  if (res.statusCode !== 200) throw errors.fromAnswer(res)
  wx.setStorageSync(TOKEN, res.data.token)
  wx.setStorageSync(USER, res.data.user)
  return res.data.user
}

function authHeader(extra) {
  return Object.assign({ Authorization: 'Bearer ' + wx.getStorageSync(TOKEN) }, extra || {})
}

// The answer, signed in: a 401 signs in again silently once; another asks the member before a
// last try. Any other status is returned as it came.
async function signedIn(method, path, options) {
  const sendSigned = () =>
    send(method, path, Object.assign({}, options, { header: authHeader(options.header) }))
  const again = async () => {
    wx.removeStorageSync(TOKEN)
    await signIn()
    return sendSigned()
  }
  if (!wx.getStorageSync(TOKEN)) await signIn()
  let res = await sendSigned()
  if (res.statusCode === 401) res = await again()
  if (res.statusCode === 401) {
    // Signed in a moment ago and refused again: the member decides whether to try once more.
    const ask = await wxp.call('showModal', {
      title: '需要重新登录',
      content: '登录没有成功。点“重新登录”再试一次。',
      confirmText: '重新登录',
      cancelText: '稍后再说',
    })
    if (!ask.confirm) throw errors.signIn()
    res = await again()
  }
  if (res.statusCode === 401) throw errors.signIn()
  if (res.statusCode === 403 && res.data && res.data.error && res.data.error.code === 'consent_required')
    privacy.openGuide('server')
  return res
}

// The answer's body on 2xx; throws errors.ApiError otherwise. options: {data, header}.
async function request(method, path, options = {}) {
  const res = await signedIn(method, path, options)
  if (res.statusCode >= 400) throw errors.fromAnswer(res)
  return res.data
}

// A PNG the server makes (a hall's printable code), as a data: URL an <image> shows. An error
// comes as bytes too: its JSON is read as UTF-8 (the sentence is Chinese).
async function image(path) {
  const res = await signedIn('GET', path, { responseType: 'arraybuffer' })
  if (res.statusCode !== 200) {
    let body = null
    try {
      const bytes = String.fromCharCode.apply(null, new Uint8Array(res.data))
      body = JSON.parse(decodeURIComponent(escape(bytes)))
    } catch (e) {
      body = null
    }
    throw errors.fromAnswer({ statusCode: res.statusCode, data: body })
  }
  return 'data:image/png;base64,' + wx.arrayBufferToBase64(res.data)
}

function remember(user) {
  wx.setStorageSync(USER, user)
  return user
}

module.exports = {
  get: (path) => request('GET', path),
  post: (path, data, header) => request('POST', path, { data: data || {}, header }),
  patch: (path, data, header) => request('PATCH', path, { data, header }),
  del: (path, data) => request('DELETE', path, { data }),
  image,
  signIn,
  remember,
  // Who signed in on this phone (null before the first sign-in).
  user: () => wx.getStorageSync(USER) || null,
}
