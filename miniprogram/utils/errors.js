// What a member reads when something goes wrong. The server sends every error with its own
// plain Chinese sentence (error.message_zh, one table in server/http/errors.cpp: what happened
// and what to do next); the phone shows that sentence, and adds its own only where the server
// could not answer at all.
const NETWORK = '网络不太好，没有连上服务器。请检查网络后再试一次。'
const SIGN_IN = '还没有登录成功，请稍后重新打开小程序。'
const BY_STATUS = {
  429: '操作太频繁了，请稍等一会儿再试。',
  500: '服务器出了点问题，请稍后再试。',
  502: '服务器暂时连不上，请稍后再试。',
  503: '服务器正忙，请稍后再试。',
  504: '服务器响应太慢，请稍后再试。',
}

class ApiError extends Error {
  constructor(code, status, message, details) {
    super(message)
    this.code = code // the server's stable code, or 'network' / 'sign_in'
    this.status = status // 0 when no answer came
    this.details = details || {}
  }
}

function fromAnswer(res) {
  const body = res.data
  if (body && typeof body === 'object' && body.error && body.error.message_zh) {
    const e = body.error
    return new ApiError(e.code, res.statusCode, e.message_zh, e.details)
  }
  const message = BY_STATUS[res.statusCode] || '出了点问题，请稍后再试。'
  return new ApiError('http_' + res.statusCode, res.statusCode, message)
}

function network() {
  return new ApiError('network', 0, NETWORK)
}

function signIn() {
  return new ApiError('sign_in', 401, SIGN_IN)
}

// The sentence for any error a page caught (a bug shows the general one, never English).
function sentence(err) {
  return err instanceof ApiError ? err.message : '出了点问题，请稍后再试。'
}

module.exports = { ApiError, fromAnswer, network, signIn, sentence }
